/**
 * A heatmap from the server's aggregated grid ([lon, lat, bucket, weight] per cell). All weeks are in
 * one source; the time slider only changes the layer's filter, so playing the weeks costs no request.
 */
import type { GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl';
import type { Heatmap } from '../api';

const SOURCE = 'heat';
const LAYER = 'heat';

const INTENSITY = ['interpolate', ['linear'], ['zoom'], 9, 1.2, 14, 2.5];

export function addHeatLayer(map: MaplibreMap, beforeId?: string) {
  let buckets = 1;
  map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer(
    {
      id: LAYER,
      type: 'heatmap',
      source: SOURCE,
      paint: {
        'heatmap-weight': ['min', 1, ['/', ['get', 'w'], ['get', 'max']]],
        'heatmap-intensity': INTENSITY as never,
        'heatmap-radius': ['interpolate', ['exponential', 1.6], ['zoom'], 9, 14, 12, 34, 15, 90],
        'heatmap-opacity': 0.85,
        'heatmap-color': [
          'interpolate',
          ['linear'],
          ['heatmap-density'],
          0,
          'rgba(0,0,0,0)',
          0.15,
          'rgba(38,91,160,0.55)',
          0.35,
          '#2fa4c8',
          0.55,
          '#9bd35a',
          0.75,
          '#ffd23f',
          0.9,
          '#ff7a2f',
          1,
          '#e8242c',
        ],
      },
    },
    beforeId,
  );

  return {
    setData(heat: Heatmap) {
      // Every week on one scale (the busiest cell-week), so weeks compare honestly.
      const max = Math.max(1, heat.maxWeight);
      buckets = Math.max(1, heat.buckets.length);
      (map.getSource(SOURCE) as GeoJSONSource).setData({
        type: 'FeatureCollection',
        features: heat.points.map(([lon, lat, b, w]) => ({
          type: 'Feature',
          properties: { b, w, max },
          geometry: { type: 'Point', coordinates: [lon, lat] },
        })),
      });
    },
    /** Show one bucket (a week), or all of them with null. */
    showBucket(bucket: number | null) {
      map.setFilter(LAYER, bucket === null ? null : ['==', ['get', 'b'], bucket]);
      // All weeks stack on the map; one week alone is brightened by a constant factor (the same for
      // every week) so that it reads at a similar level to the stack rather than fading out.
      const factor = bucket === null ? 1 : Math.max(1, buckets / 2);
      map.setPaintProperty(LAYER, 'heatmap-intensity', [
        'interpolate',
        ['linear'],
        ['zoom'],
        9,
        1.2 * factor,
        14,
        2.5 * factor,
      ]);
    },
    setVisible(visible: boolean) {
      map.setLayoutProperty(LAYER, 'visibility', visible ? 'visible' : 'none');
    },
  };
}
