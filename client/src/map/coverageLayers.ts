/**
 * The planner's map layers. Covered land (inside a station's service circle) is drawn in a calm green,
 * the gaps as bare land, tinted where their township's population coverage is poor; each township is
 * framed inside its border in its coverage class; uncovered villages are dots sized by population,
 * labelled where there is room (the most people win), with a popup. A what-if adds the areas it gains
 * (green) and loses (red, hatched so it reads in print). The service partition colours each street by
 * its nearest station.
 *
 * The fills go under the water and the streets of the base map, so roads stay readable through them;
 * the covered area is the townships' fill with the gaps masked out in the land colour (no polygon
 * difference in the browser).
 */
import maplibregl, { type GeoJSONSource, type Map as MaplibreMap, type MapLayerMouseEvent } from 'maplibre-gl';
import { i18n } from '../i18n';
import { FONT_REGULAR } from './fonts';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Coverage classes, worst first: the colours a planner reads at a glance (also the table's bars). */
export const COVERAGE_STEPS: [number, string][] = [
  [0, '#c62828'],
  [0.6, '#ef6c00'],
  [0.8, '#f9a825'],
  [0.9, '#9ccc65'],
  [0.97, '#2e7d32'],
];

/**
 * How strongly a gap is tinted with its township's class colour: the poor townships' gaps stand out,
 * the well-covered ones' stay bare (their frame still says the class).
 */
export const GAP_TINT_OPACITY = [0.3, 0.24, 0.18, 0, 0];

/** The colours of the planner's map, for its legend and for the report's. */
export const COVERAGE_COLORS = {
  covered: '#9fd09a',
  coveredOpacity: 0.75,
  coveredEdge: '#4f9a55',
  land: '#f6f4ee',
  gapEdge: '#8d6e63',
  uncovered: '#d32f2f',
  unreachable: '#6a1b9a',
  gained: '#1b8a2f',
  lost: '#c62828',
  partition: '#1f77b4',
};

/** Which map layers each legend entry stands for (the legend shows an entry when one of them is drawn). */
export const LEGEND_LAYERS = {
  choropleth: ['coverage-choropleth-frame', 'coverage-gaps-tint'],
  covered: ['coverage-covered'],
  gaps: ['coverage-gaps-fill', 'coverage-gaps-line'],
  uncovered: ['coverage-uncovered'],
  gained: ['whatif-gained-fill', 'whatif-gained-line'],
  lost: ['whatif-lost-fill', 'whatif-lost-line'],
  partition: ['coverage-partition'],
} as const;
export type LegendLayer = keyof typeof LEGEND_LAYERS;

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

export interface UncoveredProperties {
  id: number;
  name: string;
  kind: 'community' | 'village';
  population: number;
  region: string | null;
  unreachable: boolean;
  minutes: number | null;
}

export interface WhatIfAreas {
  gained: GeoJSON.FeatureCollection | null;
  lost: GeoJSON.FeatureCollection | null;
}

/** A step expression over a 0..1 ratio with one output per coverage class. */
function classStep(property: string, outputs: (string | number)[]): unknown[] {
  const step: unknown[] = ['step', ['get', property], outputs[0]];
  COVERAGE_STEPS.slice(1).forEach(([t], i) => step.push(t, outputs[i + 1]));
  return step;
}

/** Diagonal hatching as a fill pattern: lines of `color` on transparent, `size` pixels a tile. */
function hatch(color: string, size = 10, width = 2): ImageData {
  const ratio = 2;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size * ratio;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = 'square';
  ctx.beginPath();
  // Three strokes so the tile wraps without seams.
  for (const o of [-size, 0, size]) {
    ctx.moveTo(o, size);
    ctx.lineTo(o + size, 0);
  }
  ctx.stroke();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/** Twice the signed area of a ring in lon/lat (positive: counter-clockwise). */
function ringArea2(ring: number[][]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s;
}

/** Outer rings counter-clockwise (RFC 7946), so a positive line-offset draws the frame inside the border. */
function outerRings(geometry: GeoJSON.Geometry | null): GeoJSON.MultiLineString | null {
  if (!geometry) return null;
  const polygons =
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const lines = polygons
    .filter((rings) => rings[0]?.length)
    .map((rings) => (ringArea2(rings[0]) < 0 ? [...rings[0]].reverse() : rings[0]));
  return lines.length ? { type: 'MultiLineString', coordinates: lines } : null;
}

function escapeText(el: HTMLElement, tag: string, text: string, className?: string) {
  const child = document.createElement(tag);
  child.textContent = text;
  if (className) child.className = className;
  el.appendChild(child);
  return child;
}

export function addCoverageLayers(map: MaplibreMap, before: string | undefined) {
  const t = i18n.global.t;
  // Fills under the base map's water and streets; lines and dots above them.
  const under = map.getLayer('water-area') ? 'water-area' : before;
  for (const id of [
    'coverage-townships',
    'coverage-frames',
    'coverage-gaps',
    'coverage-uncovered',
    'coverage-partition',
    'whatif-gained',
    'whatif-lost',
  ])
    map.addSource(id, { type: 'geojson', data: EMPTY });
  if (!map.hasImage('hatch-lost')) map.addImage('hatch-lost', hatch(COVERAGE_COLORS.lost), { pixelRatio: 2 });
  if (!map.hasImage('hatch-gained'))
    map.addImage('hatch-gained', hatch(COVERAGE_COLORS.gained, 8, 1.2), { pixelRatio: 2 });

  map.addLayer(
    {
      id: 'coverage-covered',
      type: 'fill',
      source: 'coverage-townships',
      paint: { 'fill-color': COVERAGE_COLORS.covered, 'fill-opacity': COVERAGE_COLORS.coveredOpacity },
    },
    under,
  );
  map.addLayer(
    {
      id: 'coverage-gaps-fill',
      type: 'fill',
      source: 'coverage-gaps',
      paint: { 'fill-color': COVERAGE_COLORS.land, 'fill-opacity': 1 },
    },
    under,
  );
  map.addLayer(
    {
      id: 'coverage-gaps-tint',
      type: 'fill',
      source: 'coverage-gaps',
      paint: {
        'fill-color': classStep(
          'ratio',
          COVERAGE_STEPS.map(([, c]) => c),
        ) as never,
        'fill-opacity': classStep('ratio', GAP_TINT_OPACITY) as never,
      },
    },
    under,
  );
  map.addLayer(
    {
      id: 'whatif-gained-fill',
      type: 'fill',
      source: 'whatif-gained',
      paint: { 'fill-color': COVERAGE_COLORS.gained, 'fill-opacity': 0.45 },
    },
    under,
  );
  map.addLayer(
    {
      id: 'whatif-lost-fill',
      type: 'fill',
      source: 'whatif-lost',
      paint: { 'fill-pattern': 'hatch-lost', 'fill-opacity': 0.8 },
    },
    under,
  );
  map.addLayer(
    {
      id: 'coverage-gaps-line',
      type: 'line',
      source: 'coverage-gaps',
      minzoom: 10.5,
      paint: { 'line-color': COVERAGE_COLORS.coveredEdge, 'line-width': 0.8, 'line-opacity': 0.7 },
    },
    before,
  );
  map.addLayer(
    {
      id: 'coverage-choropleth-frame',
      type: 'line',
      source: 'coverage-frames',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': classStep(
          'ratio',
          COVERAGE_STEPS.map(([, c]) => c),
        ) as never,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 3, 13, 5] as never,
        'line-offset': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 13, 2.5] as never,
        'line-opacity': 0.85,
      },
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
      id: 'whatif-gained-line',
      type: 'line',
      source: 'whatif-gained',
      paint: { 'line-color': COVERAGE_COLORS.gained, 'line-width': 2 },
    },
    before,
  );
  map.addLayer(
    {
      id: 'whatif-lost-line',
      type: 'line',
      source: 'whatif-lost',
      paint: { 'line-color': COVERAGE_COLORS.lost, 'line-width': 2, 'line-dasharray': [3, 1.5] },
    },
    before,
  );
  map.addLayer({
    id: 'coverage-uncovered',
    type: 'circle',
    source: 'coverage-uncovered',
    layout: { 'circle-sort-key': ['get', 'population'] },
    paint: {
      'circle-color': ['case', ['get', 'unreachable'], COVERAGE_COLORS.unreachable, COVERAGE_COLORS.uncovered],
      'circle-radius': [
        'interpolate',
        ['linear'],
        ['zoom'],
        9,
        ['interpolate', ['linear'], ['get', 'population'], 300, 3.5, 3000, 7, 12000, 12],
        13,
        ['interpolate', ['linear'], ['get', 'population'], 300, 5, 3000, 9, 12000, 15],
      ],
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1.5,
      'circle-opacity': 0.92,
    },
  });
  map.addLayer({
    id: 'coverage-uncovered-label',
    type: 'symbol',
    source: 'coverage-uncovered',
    layout: {
      'text-field': ['get', 'label'],
      'text-font': FONT_REGULAR,
      'text-size': ['interpolate', ['linear'], ['zoom'], 9, 11, 13, 12.5],
      // Larger populations are placed first, so they win where labels collide.
      'symbol-sort-key': ['-', 0, ['get', 'population']],
      'text-variable-anchor': ['top', 'bottom', 'right', 'left'],
      'text-radial-offset': 0.9,
      'text-justify': 'auto',
      'text-padding': 3,
    },
    paint: { 'text-color': '#8e1c1c', 'text-halo-color': '#fff', 'text-halo-width': 1.6 },
  });

  const set = (id: string, data: GeoJSON.FeatureCollection | null) =>
    (map.getSource(id) as GeoJSONSource).setData(data ?? EMPTY);

  let townships: GeoJSON.FeatureCollection | null = null;
  let ratios = new Map<string, number>();
  let gaps: GeoJSON.FeatureCollection | null = null;
  let uncovered: GeoJSON.FeatureCollection | null = null;
  let budget = 15;
  const regionNames = new Map<string, string>();
  const shown = new Set<LegendLayer>();
  const listeners = new Set<(layers: Set<LegendLayer>) => void>();
  const mark = (key: LegendLayer, on: boolean) => {
    const had = shown.has(key);
    if (on) shown.add(key);
    else shown.delete(key);
    if (had !== on) for (const l of listeners) l(new Set(shown));
  };

  /** The townships and their gaps together: the covered fill is drawn only once the gaps are known. */
  function redraw() {
    const ratioOf = (code: unknown) => ratios.get(String(code)) ?? 1;
    const ready = townships !== null && gaps !== null;
    set(
      'coverage-townships',
      ready
        ? {
            type: 'FeatureCollection',
            features: townships!.features.map((f) => ({
              ...f,
              properties: { ...f.properties, ratio: ratioOf(f.properties?.code) },
            })),
          }
        : null,
    );
    set('coverage-frames', {
      type: 'FeatureCollection',
      features: (townships?.features ?? []).flatMap((f) => {
        const geometry = outerRings(f.geometry);
        return geometry
          ? [{ type: 'Feature' as const, properties: { ratio: ratioOf(f.properties?.code) }, geometry }]
          : [];
      }),
    });
    set('coverage-gaps', {
      type: 'FeatureCollection',
      features: (gaps?.features ?? []).map((f) => ({
        ...f,
        properties: { ...f.properties, ratio: ratioOf(f.properties?.region) },
      })),
    });
    mark('choropleth', townships !== null && ratios.size > 0);
    mark('covered', ready);
    mark('gaps', (gaps?.features.length ?? 0) > 0);
  }

  function label(p: UncoveredProperties) {
    return t('plan.uncoveredLabel', { name: p.name, n: p.population.toLocaleString() });
  }

  let popup: maplibregl.Popup | null = null;
  function openPopup(feature: { properties: UncoveredProperties; geometry: { coordinates: number[] } }) {
    const p = feature.properties;
    const el = document.createElement('div');
    el.className = 'uncovered-popup';
    el.dataset.testid = 'uncovered-popup';
    escapeText(el, 'strong', p.name);
    const region = p.region ? (regionNames.get(p.region) ?? p.region) : t('plan.noTownship');
    escapeText(el, 'div', `${t(p.kind === 'community' ? 'plan.kindCommunity' : 'plan.kindVillage')} · ${region}`);
    escapeText(el, 'div', t('plan.popupPopulation', { n: p.population.toLocaleString() }));
    escapeText(
      el,
      'div',
      p.unreachable
        ? t('plan.popupUnreachable')
        : p.minutes === null
          ? t('plan.popupBeyond', { n: budget })
          : t('plan.popupMinutes', { n: p.minutes.toLocaleString() }),
      p.unreachable || p.minutes === null ? 'far' : undefined,
    );
    popup?.remove();
    popup = new maplibregl.Popup({ offset: 10, maxWidth: '260px' })
      .setLngLat(feature.geometry.coordinates as [number, number])
      .setDOMContent(el)
      .addTo(map);
  }

  map.on('click', 'coverage-uncovered', (e: MapLayerMouseEvent) => {
    const f = e.features?.[0];
    const id = f ? Number(f.properties.id) : NaN;
    // The layer's copy of the properties is flattened: read the feature we were given.
    const found = uncovered?.features.find((x) => x.properties?.id === id);
    if (found) openPopup(found as never);
  });
  map.on('mouseenter', 'coverage-uncovered', () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', 'coverage-uncovered', () => (map.getCanvas().style.cursor = ''));

  return {
    setChoropleth(
      collection: GeoJSON.FeatureCollection,
      rows: { code: string; population: number; coveredPopulation: number }[],
    ) {
      townships = collection;
      ratios = new Map(rows.map((r) => [r.code, r.population ? r.coveredPopulation / r.population : 1]));
      for (const f of collection.features)
        if (f.properties?.code) regionNames.set(String(f.properties.code), String(f.properties.name ?? ''));
      redraw();
    },
    setGaps(data: GeoJSON.FeatureCollection | null) {
      gaps = data;
      redraw();
    },
    /**
     * The uncovered villages: the saved state's, or the what-if's `uncovered` while one is active;
     * `minutes` is the budget they were computed with (for "no station within N minutes").
     */
    setUncovered(data: GeoJSON.FeatureCollection | null, minutes?: number) {
      uncovered = data;
      if (minutes) budget = minutes;
      popup?.remove();
      set('coverage-uncovered', {
        type: 'FeatureCollection',
        features: (data?.features ?? []).map((f) => ({
          ...f,
          properties: { ...f.properties, label: label(f.properties as UncoveredProperties) },
        })),
      });
      mark('uncovered', (data?.features.length ?? 0) > 0);
    },
    /** The areas a what-if gains (green) and loses (red, hatched); null clears both. */
    setWhatIf(areas: WhatIfAreas | null) {
      set('whatif-gained', areas?.gained ?? null);
      set('whatif-lost', areas?.lost ?? null);
      mark('gained', (areas?.gained?.features.length ?? 0) > 0);
      mark('lost', (areas?.lost?.features.length ?? 0) > 0);
    },
    setPartition: (data: GeoJSON.FeatureCollection | null) => set('coverage-partition', data),
    showPartition(on: boolean) {
      map.setLayoutProperty('coverage-partition', 'visibility', on ? 'visible' : 'none');
      mark('partition', on);
    },
    /** Flies to an uncovered village and opens its popup. */
    focusUncovered(id: number) {
      const f = uncovered?.features.find((x) => x.properties?.id === id);
      if (!f || f.geometry.type !== 'Point') return;
      map.flyTo({ center: f.geometry.coordinates as [number, number], zoom: Math.max(map.getZoom(), 13.5) });
      openPopup(f as never);
    },
    /** The legend entries now drawn; `listener` hears every change (and is called once at once). */
    onLegendChange(listener: (layers: Set<LegendLayer>) => void) {
      listeners.add(listener);
      listener(new Set(shown));
      return () => listeners.delete(listener);
    },
  };
}
