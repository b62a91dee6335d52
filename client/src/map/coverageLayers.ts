/**
 * The planner's map layers: townships shaded by population coverage, gap polygons, uncovered places
 * sized by population, and the service partition (each street in its nearest station's colour).
 */
import type { GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl';
import { FONT_REGULAR } from './fonts';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Coverage classes, worst first: the colours a planner reads at a glance. */
export const COVERAGE_STEPS: [number, string][] = [
  [0, '#c62828'],
  [0.6, '#ef6c00'],
  [0.8, '#f9a825'],
  [0.9, '#9ccc65'],
  [0.97, '#2e7d32'],
];

const PARTITION_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
];

export function addCoverageLayers(map: MaplibreMap, before: string | undefined) {
  map.addSource('coverage-townships', { type: 'geojson', data: EMPTY });
  map.addSource('coverage-gaps', { type: 'geojson', data: EMPTY });
  map.addSource('coverage-uncovered', { type: 'geojson', data: EMPTY });
  map.addSource('coverage-partition', { type: 'geojson', data: EMPTY });
  const step: unknown[] = ['step', ['get', 'ratio'], COVERAGE_STEPS[0][1]];
  for (const [t, c] of COVERAGE_STEPS.slice(1)) step.push(t, c);
  map.addLayer(
    {
      id: 'coverage-choropleth',
      type: 'fill',
      source: 'coverage-townships',
      paint: { 'fill-color': step as never, 'fill-opacity': 0.28 },
    },
    before,
  );
  map.addLayer(
    {
      id: 'coverage-partition',
      type: 'line',
      source: 'coverage-partition',
      layout: { visibility: 'none', 'line-cap': 'round' },
      paint: {
        'line-color': [
          'to-color',
          ['at', ['%', ['get', 'stationId'], PARTITION_COLORS.length], ['literal', PARTITION_COLORS]],
        ] as never,
        'line-width': 2.2,
        'line-opacity': 0.85,
      },
    },
    before,
  );
  map.addLayer(
    {
      id: 'coverage-gaps-fill',
      type: 'fill',
      source: 'coverage-gaps',
      paint: { 'fill-color': '#4e342e', 'fill-opacity': 0.1 },
    },
    before,
  );
  map.addLayer(
    {
      id: 'coverage-gaps-line',
      type: 'line',
      source: 'coverage-gaps',
      paint: { 'line-color': '#8d2b22', 'line-width': 1, 'line-opacity': 0.6, 'line-dasharray': [2, 1.5] },
    },
    before,
  );
  map.addLayer({
    id: 'coverage-uncovered',
    type: 'circle',
    source: 'coverage-uncovered',
    paint: {
      'circle-color': ['case', ['get', 'unreachable'], '#6a1b9a', '#d32f2f'],
      'circle-radius': ['interpolate', ['linear'], ['get', 'population'], 300, 4, 3000, 8, 12000, 14],
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1.5,
      'circle-opacity': 0.9,
    },
  });
  map.addLayer({
    id: 'coverage-uncovered-label',
    type: 'symbol',
    source: 'coverage-uncovered',
    minzoom: 11,
    layout: {
      'text-field': ['concat', ['get', 'name'], ' ', ['to-string', ['get', 'population']], '人'],
      'text-font': FONT_REGULAR,
      'text-size': 12,
      'text-offset': [0, 1.2],
      'text-anchor': 'top',
    },
    paint: { 'text-color': '#9a1b1b', 'text-halo-color': '#fff', 'text-halo-width': 1.5 },
  });
  const set = (id: string, data: GeoJSON.FeatureCollection | null) =>
    (map.getSource(id) as GeoJSONSource).setData(data ?? EMPTY);
  return {
    setChoropleth(
      townships: GeoJSON.FeatureCollection,
      rows: { code: string; population: number; coveredPopulation: number }[],
    ) {
      const byCode = new Map(rows.map((r) => [r.code, r]));
      set('coverage-townships', {
        type: 'FeatureCollection',
        features: townships.features.map((f) => {
          const r = byCode.get(String(f.properties?.code));
          return {
            ...f,
            properties: { ...f.properties, ratio: r && r.population ? r.coveredPopulation / r.population : 1 },
          };
        }),
      });
    },
    setGaps: (data: GeoJSON.FeatureCollection | null) => set('coverage-gaps', data),
    setUncovered: (data: GeoJSON.FeatureCollection | null) => set('coverage-uncovered', data),
    setPartition: (data: GeoJSON.FeatureCollection | null) => set('coverage-partition', data),
    showPartition: (on: boolean) => map.setLayoutProperty('coverage-partition', 'visibility', on ? 'visible' : 'none'),
  };
}
