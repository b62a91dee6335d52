/**
 * Live activities as pulsing markers: real DOM elements (few at a time), so the pulse is a CSS
 * animation rather than a per-frame repaint of the map, and each marker has a readable label.
 */
import maplibregl, { type Map as MaplibreMap } from 'maplibre-gl';
import type { ActivityFeature } from '../api';

export function addLiveLayer(map: MaplibreMap, describe: (a: ActivityFeature) => string) {
  const markers = new Map<number, maplibregl.Marker>();

  function update(activities: ActivityFeature[]) {
    const seen = new Set<number>();
    for (const a of activities) {
      seen.add(a.id);
      const existing = markers.get(a.id);
      if (existing) {
        existing.setLngLat(a.geometry.coordinates);
        continue;
      }
      const el = document.createElement('div');
      el.className = 'live-marker';
      el.dataset.activity = String(a.id);
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', describe(a));
      el.title = describe(a);
      el.innerHTML = '<span class="live-ring"></span><span class="live-dot"></span>';
      markers.set(a.id, new maplibregl.Marker({ element: el }).setLngLat(a.geometry.coordinates).addTo(map));
    }
    for (const [id, marker] of markers) {
      if (!seen.has(id)) {
        marker.remove();
        markers.delete(id);
      }
    }
  }

  return {
    update,
    remove() {
      for (const m of markers.values()) m.remove();
      markers.clear();
    },
  };
}
