/**
 * Service areas on the map: every station's 15-minute area as one layer (overlaps read darker, which
 * shows where circles pile up), and the bands from a probe point the user places or drags.
 */
import type { GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl';
import type { BandCollection } from '../api';

export type { BandCollection };

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
/** Band colours from the outermost in: the further, the lighter. */
export const BAND_COLORS = ['#2f7dd1', '#4aa0e8', '#8cc6f2'];

export function addServiceAreaLayers(map: MaplibreMap, beforeLayer: string | undefined) {
  map.addSource('station-areas', { type: 'geojson', data: EMPTY });
  map.addSource('probe-areas', { type: 'geojson', data: EMPTY });
  map.addLayer(
    {
      id: 'station-areas-fill',
      type: 'fill',
      source: 'station-areas',
      layout: { visibility: 'none' },
      paint: { 'fill-color': '#d9472b', 'fill-opacity': 0.13 },
    },
    beforeLayer,
  );
  map.addLayer(
    {
      id: 'station-areas-line',
      type: 'line',
      source: 'station-areas',
      layout: { visibility: 'none' },
      paint: { 'line-color': '#c2481f', 'line-width': 1, 'line-opacity': 0.55 },
    },
    beforeLayer,
  );
  // Bands are drawn largest first so the inner ones sit on top.
  map.addLayer(
    {
      id: 'probe-areas-fill',
      type: 'fill',
      source: 'probe-areas',
      paint: {
        'fill-color': ['match', ['get', 'rank'], 0, BAND_COLORS[0], 1, BAND_COLORS[1], BAND_COLORS[2]],
        'fill-opacity': ['match', ['get', 'rank'], 0, 0.16, 0.2],
      },
    },
    beforeLayer,
  );
  map.addLayer(
    {
      id: 'probe-areas-line',
      type: 'line',
      source: 'probe-areas',
      paint: { 'line-color': '#1f5fa8', 'line-width': ['match', ['get', 'rank'], 0, 2.2, 1.2], 'line-opacity': 0.9 },
    },
    beforeLayer,
  );
  return {
    setStationAreas(data: BandCollection | null) {
      const visibility = data ? 'visible' : 'none';
      if (data)
        (map.getSource('station-areas') as GeoJSONSource).setData(data as Parameters<GeoJSONSource['setData']>[0]);
      map.setLayoutProperty('station-areas-fill', 'visibility', visibility);
      map.setLayoutProperty('station-areas-line', 'visibility', visibility);
    },
    setProbe(data: BandCollection | null) {
      const ranked = data
        ? { ...data, features: data.features.map((f, rank) => ({ ...f, properties: { ...f.properties, rank } })) }
        : EMPTY;
      (map.getSource('probe-areas') as GeoJSONSource).setData(ranked as Parameters<GeoJSONSource['setData']>[0]);
    },
  };
}
