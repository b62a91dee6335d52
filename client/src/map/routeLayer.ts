/** The visitor's point and the walking route to the chosen station. */
import maplibregl, { type GeoJSONSource, type Map as MaplibreMap } from 'maplibre-gl';
import type { NearbyResult } from '../api';

export function addRouteLayer(map: MaplibreMap, originLabel: string) {
  map.addSource('route', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'route-casing',
    type: 'line',
    source: 'route',
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 6, 17, 12] },
  });
  map.addLayer({
    id: 'route',
    type: 'line',
    source: 'route',
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#1f6fd1', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 3.5, 17, 7] },
  });
  let marker: maplibregl.Marker | null = null;

  return {
    setOrigin(point: [number, number] | null) {
      if (!point) {
        marker?.remove();
        marker = null;
        return;
      }
      if (!marker) {
        const el = document.createElement('div');
        el.className = 'origin-dot';
        el.setAttribute('role', 'img');
        el.setAttribute('aria-label', originLabel);
        marker = new maplibregl.Marker({ element: el }).setLngLat(point).addTo(map);
      } else marker.setLngLat(point);
    },
    setRoute(result: NearbyResult | null) {
      (map.getSource('route') as GeoJSONSource).setData({
        type: 'FeatureCollection',
        features: result ? [result.route as GeoJSON.Feature] : [],
      });
    },
  };
}
