/**
 * The offline base map, drawn entirely from the project's own data: the district and its townships,
 * water, streets by class, and names. No tiles, sprites or glyphs are fetched from anywhere.
 */
import type { StyleSpecification, LayerSpecification } from 'maplibre-gl';
import { FONT_BOLD, FONT_REGULAR } from './fonts';

const abs = (path: string) => new URL(path, window.location.href).href;

export const BASE_COLORS = {
  outside: '#e6e3dc',
  land: '#f6f4ee',
  urban: '#f1ede4',
  water: '#a9cbe6',
  waterLine: '#7fb0d9',
  townshipBorder: '#8d8275',
  districtBorder: '#6b5f54',
  label: '#3d352e',
};

/** Street width by zoom: [z12, z14, z16, z18] in pixels. */
function width(
  w12: number,
  w14: number,
  w16: number,
  w18: number,
): ['interpolate', ['exponential', number], ['zoom'], ...number[]] {
  return ['interpolate', ['exponential', 1.6], ['zoom'], 10, w12 * 0.4, 12, w12, 14, w14, 16, w16, 18, w18];
}

const streetClasses: {
  cls: string[];
  color: string;
  casing: string;
  w: [number, number, number, number];
  minzoom: number;
}[] = [
  { cls: ['path'], color: '#ffffff', casing: '#c9c2b6', w: [0.4, 0.8, 1.6, 3], minzoom: 13 },
  { cls: ['service'], color: '#ffffff', casing: '#cfc8bc', w: [0.4, 1, 2.5, 6], minzoom: 12 },
  { cls: ['minor'], color: '#ffffff', casing: '#cbc3b5', w: [0.6, 1.6, 4.5, 11], minzoom: 10 },
  { cls: ['tertiary'], color: '#fffdf2', casing: '#c6b99f', w: [1, 2.4, 6, 14], minzoom: 9 },
  { cls: ['secondary'], color: '#fbe7a9', casing: '#cfb36a', w: [1.3, 3, 7, 16], minzoom: 8 },
  { cls: ['primary'], color: '#f8d77b', casing: '#c9a24a', w: [1.6, 3.6, 8, 18], minzoom: 7 },
  { cls: ['motorway'], color: '#ef9f5b', casing: '#b56d2f', w: [1.8, 3.4, 7, 15], minzoom: 6 },
];

export function buildBaseStyle(options: { withStreets: boolean }): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': BASE_COLORS.outside } },
    { id: 'district-fill', type: 'fill', source: 'district', paint: { 'fill-color': BASE_COLORS.land } },
    {
      id: 'township-fill',
      type: 'fill',
      source: 'townships',
      paint: {
        'fill-color': ['match', ['get', 'kind'], 'subdistrict', BASE_COLORS.urban, BASE_COLORS.land],
        'fill-opacity': 1,
      },
    },
    {
      id: 'water-area',
      type: 'fill',
      source: 'water',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': BASE_COLORS.water },
    },
    {
      id: 'water-line',
      type: 'line',
      source: 'water',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: {
        'line-color': BASE_COLORS.waterLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 12, 3, 14, 0],
      },
    },
  ];
  if (options.withStreets) {
    // All casings first, then all fills, so junctions of different classes join cleanly.
    const streetLayer = (
      s: (typeof streetClasses)[number],
      id: string,
      paint: Record<string, unknown>,
    ): LayerSpecification => ({
      id,
      type: 'line',
      source: 'streets',
      minzoom: s.minzoom,
      filter: ['in', ['get', 'class'], ['literal', s.cls]],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint,
    });
    for (const s of streetClasses) {
      layers.push(
        streetLayer(s, `street-casing-${s.cls[0]}`, {
          'line-color': s.casing,
          'line-width': [
            'interpolate',
            ['exponential', 1.6],
            ['zoom'],
            10,
            s.w[0] * 0.4 + 0.6,
            12,
            s.w[0] + 1,
            14,
            s.w[1] + 1.2,
            16,
            s.w[2] + 1.6,
            18,
            s.w[3] + 2,
          ],
          ...(s.cls[0] === 'path' ? { 'line-opacity': 0.8 } : {}),
        }),
      );
    }
    for (const s of streetClasses) {
      layers.push(
        streetLayer(s, `street-${s.cls[0]}`, {
          'line-color': s.color,
          'line-width': width(...s.w),
          ...(s.cls[0] === 'path' ? { 'line-dasharray': [2, 1.2] } : {}),
        }),
      );
    }
  }
  layers.push(
    {
      id: 'township-border',
      type: 'line',
      source: 'townships',
      paint: {
        'line-color': BASE_COLORS.townshipBorder,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 14, 2],
        'line-dasharray': [3, 2],
        'line-opacity': 0.8,
      },
    },
    {
      id: 'district-border',
      type: 'line',
      source: 'district',
      paint: {
        'line-color': BASE_COLORS.districtBorder,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 4],
        'line-opacity': 0.75,
      },
    },
  );
  if (options.withStreets) {
    layers.push({
      id: 'street-label',
      type: 'symbol',
      source: 'streets',
      minzoom: 14,
      filter: ['all', ['!=', ['get', 'name'], ''], ['!', ['in', ['get', 'class'], ['literal', ['path', 'service']]]]],
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-font': FONT_REGULAR,
        'text-size': ['interpolate', ['linear'], ['zoom'], 14, 11, 17, 14],
        'symbol-spacing': 320,
        'text-max-angle': 30,
      },
      paint: { 'text-color': '#5a5148', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
    });
  }
  layers.push(
    {
      id: 'water-label',
      type: 'symbol',
      source: 'water',
      minzoom: 11,
      filter: ['all', ['==', ['geometry-type'], 'LineString'], ['!=', ['get', 'name'], '']],
      layout: {
        'symbol-placement': 'line',
        'text-field': ['get', 'name'],
        'text-font': FONT_REGULAR,
        'text-size': 13,
        'text-letter-spacing': 0.3,
        'symbol-spacing': 600,
      },
      paint: { 'text-color': '#2f6ea3', 'text-halo-color': 'rgba(255,255,255,0.8)', 'text-halo-width': 1.2 },
    },
    {
      id: 'village-label',
      type: 'symbol',
      source: 'villages',
      minzoom: 12,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT_REGULAR,
        'text-size': ['interpolate', ['linear'], ['zoom'], 12, 11, 16, 14],
        'text-offset': [0, 1.2],
        'text-anchor': 'top',
        'text-padding': 4,
      },
      paint: { 'text-color': '#6c6258', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
    },
    {
      id: 'township-label',
      type: 'symbol',
      source: 'township-labels',
      maxzoom: 13.5,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT_BOLD,
        'text-size': ['interpolate', ['linear'], ['zoom'], 9, 13, 12, 17],
        'text-letter-spacing': 0.15,
        'text-allow-overlap': false,
      },
      paint: {
        'text-color': BASE_COLORS.label,
        'text-halo-color': 'rgba(255,255,255,0.85)',
        'text-halo-width': 2,
        'text-opacity': 0.85,
      },
    },
  );

  return {
    version: 8,
    name: 'practice-map-offline',
    sources: {
      district: { type: 'geojson', data: abs('/api/regions?level=district') },
      townships: { type: 'geojson', data: abs('/api/regions?level=township') },
      'township-labels': { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      villages: { type: 'geojson', data: abs('/api/regions?level=village') },
      water: {
        type: 'geojson',
        data: options.withStreets ? abs('/api/basemap/water') : { type: 'FeatureCollection', features: [] },
      },
      streets: {
        type: 'geojson',
        data: options.withStreets ? abs('/api/basemap/streets') : { type: 'FeatureCollection', features: [] },
        tolerance: 0.5,
      },
    },
    layers,
  };
}
