/**
 * The big screen's dark base: the offline style repainted in place (same layers, darker paint), so
 * the heat and live markers carry the colour. Only for our own base; an online style is left alone.
 */
import type { Map as MaplibreMap } from 'maplibre-gl';

const PAINT: [RegExp, string, unknown][] = [
  [/^background$/, 'background-color', '#08111f'],
  [/^district-fill$/, 'fill-color', '#0f1d33'],
  [/^township-fill$/, 'fill-color', ['match', ['get', 'kind'], 'subdistrict', '#14253f', '#0f1d33']],
  [/^water-area$/, 'fill-color', '#173a5e'],
  [/^water-line$/, 'line-color', '#1f4d7a'],
  [/casing/, 'line-color', '#0a1628'],
  [/^street-(?!.*casing)/, 'line-color', '#2a4066'],
  [/township-border/, 'line-color', '#3f6aa6'],
  [/district-border/, 'line-color', '#5f8fd1'],
];

export function applyDarkTheme(map: MaplibreMap): void {
  for (const layer of map.getStyle().layers ?? []) {
    for (const [pattern, property, value] of PAINT) {
      if (!pattern.test(layer.id)) continue;
      try {
        map.setPaintProperty(layer.id, property, value);
      } catch {
        // A layer of another type with a matching name: leave it.
      }
    }
    if (layer.type === 'symbol') {
      map.setPaintProperty(layer.id, 'text-color', '#b9c8e0');
      map.setPaintProperty(layer.id, 'text-halo-color', 'rgba(8,17,31,0.9)');
    }
  }
}
