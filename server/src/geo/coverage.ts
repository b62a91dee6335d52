/**
 * Coverage of a practice network, from one multi-source search: every station's snapped point starts
 * at once, so each street vertex learns its nearest station and the time to it (the service
 * partition). From that: population coverage (each point's own connector, the network, the station's
 * connector, within the budget), area coverage (the union of service areas is the design's field with
 * n_p the nearest station's time, stamped once on a district-wide grid) and gaps per township, all
 * without any polygon overlay.
 * Why ours (union by grid): one run for the demo's 200 stations takes 62 ms, a third of the 183 ms it takes
 * just to compute their 200 polygons, before any overlay (no clipping library is installed to time the union).
 */
import { metresPerDegree } from './ellipsoid.js';
import { shortestTimes, type SearchSource } from './dijkstra.js';
import { contourRings, ringsToPolygons } from './marching-squares.js';
import { ringAreaM2, type AreaGeometry } from './polygon.js';
import { snapToStreet, type Snap } from './snap.js';
import { sampleStreets, stampFields, type EdgeSeed, type FieldGrid } from './street-field.js';
import { DEFAULT_CELL_M, DEFAULT_MAX_SNAP_M, DEFAULT_OFFROAD_M, type ModeNetwork } from './service-area.js';
import type { MinHeap } from './heap.js';

export interface AreaGrid {
  grid: FieldGrid & { lon0: number; lat0: number; kx: number; ky: number };
  regionOf: Uint16Array;
  regionBox: { i0: number; i1: number; j0: number; j1: number }[];
  /**
   * Per region, its part outside the grid (beyond the network's reach, so never covered): the area in
   * cells and the pieces as polygons (lon/lat). Empty where the region lies within the grid.
   */
  outside: { cells: number; pieces: { coordinates: number[][][]; areaM2: number }[] }[];
}

/** A lon/lat box. */
export interface LonLatBox {
  w: number;
  s: number;
  e: number;
  n: number;
}

/**
 * Most grid cells a coverage run allocates (a Float32 field and a Uint16 region raster: 6 bytes a
 * cell, 240 MB at the limit): 25,000 km² at 25 m, more than a large prefecture's street network spans.
 */
export const MAX_COVERAGE_CELLS = 40_000_000;

/** The coverage grid would be larger than MAX_COVERAGE_CELLS: the message says how large and why. */
export class CoverageExtentError extends Error {}

/** Allocates on a SharedArrayBuffer when asked, so a result can be handed between threads without a copy. */
function typed<T>(
  Ctor: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  n: number,
  shared?: boolean,
): T {
  return shared ? new Ctor(new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT)) : new Ctor(n);
}

function sharedCopy<T extends Float64Array | Int32Array>(a: T): T {
  const copy = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

const extents = new WeakMap<object, LonLatBox>();

/** The bounding box of every street's geometry. */
export function networkExtent(net: ModeNetwork): LonLatBox {
  let box = extents.get(net.graph);
  if (!box) {
    const { geomLon, geomLat } = net.graph;
    box = { w: Infinity, s: Infinity, e: -Infinity, n: -Infinity };
    for (let g = 0; g < geomLon.length; g++) {
      if (geomLon[g] < box.w) box.w = geomLon[g];
      if (geomLon[g] > box.e) box.e = geomLon[g];
      if (geomLat[g] < box.s) box.s = geomLat[g];
      if (geomLat[g] > box.n) box.n = geomLat[g];
    }
    extents.set(net.graph, box);
  }
  return box;
}

/**
 * Where anything can be covered: the network's extent grown by the off-street reach and the stamp's
 * margin. A grid clipped to it loses nothing, since no street point stamps a cell beyond it.
 */
export function coverageClip(net: ModeNetwork, offroadM = DEFAULT_OFFROAD_M, cellM = DEFAULT_CELL_M): LonLatBox {
  const box = networkExtent(net);
  if (!Number.isFinite(box.w)) return box;
  const grow = offroadM + 2 * cellM;
  const { kx, ky } = metresPerDegree((box.s + box.n) / 2);
  // kx shrinks towards the poles: take the smaller of the box's two edges so the margin is never short.
  const kxMin = Math.min(kx, metresPerDegree(Math.abs(box.s) > Math.abs(box.n) ? box.s : box.n).kx);
  return { w: box.w - grow / kxMin, e: box.e + grow / kxMin, s: box.s - grow / ky, n: box.n + grow / ky };
}

export interface CoverageOptions {
  /** Seconds. */
  budget: number;
  /** The regions rasterized once (they do not change between scenarios); made here when absent. */
  areaGrid?: AreaGrid;
  offroadM?: number;
  cellM?: number;
  maxSnapM?: number;
  heap?: MinHeap;
  /** Allocate the result's grids on SharedArrayBuffers (to hand them between threads). */
  shared?: boolean;
}

export interface CoverageInput {
  stations: { lon: number; lat: number }[];
  population: { lon: number; lat: number; population: number; region: number }[];
  regions: { geometry: AreaGeometry }[];
}

/** Status of a population point. */
export const UNCOVERED = 0;
export const COVERED = 1;
/** Farther than the snap limit from every street: reported, never counted as covered. */
export const UNREACHABLE = 2;

export interface RegionCoverage {
  cells: number;
  coveredCells: number;
  population: number;
  coveredPopulation: number;
  unreachablePopulation: number;
}

export interface CoverageResult {
  budget: number;
  stationSnaps: (Snap | null)[];
  vertexTime: Float64Array;
  /** Index of the nearest station of each vertex, -1 where none within the budget. */
  vertexStation: Int32Array;
  pointTime: Float64Array;
  pointStation: Int32Array;
  pointStatus: Uint8Array;
  regions: RegionCoverage[];
  cellAreaM2: number;
  grid: FieldGrid & { lon0: number; lat0: number; kx: number; ky: number };
  /** Seconds to each grid node by the design's field; Infinity where out of reach. */
  field: Float32Array;
  /** Region index + 1 of each grid node, 0 outside every region. */
  regionOf: Uint16Array;
  regionBox: { i0: number; i1: number; j0: number; j1: number }[];
  outside: AreaGrid['outside'];
}

/** Time from the search to a point on an edge, travelling from the stations towards it. */
function timeOnEdge(
  net: ModeNetwork,
  time: Float64Array,
  label: Int32Array,
  seeds: Map<number, (EdgeSeed & { station: number })[]>,
  e: number,
  along: number,
): [number, number] {
  const { graph, edgeTime } = net;
  const length = graph.edgeLength[e];
  const perMetre = length > 0 ? edgeTime[e] / length : 0;
  const oneway = graph.edgeOneway[e];
  let best = Infinity;
  let station = -1;
  const a = graph.edgeFrom[e];
  const b = graph.edgeTo[e];
  if (oneway !== -1 && time[a] + along * perMetre < best) {
    best = time[a] + along * perMetre;
    station = label[a];
  }
  if (oneway !== 1 && time[b] + (length - along) * perMetre < best) {
    best = time[b] + (length - along) * perMetre;
    station = label[b];
  }
  for (const s of seeds.get(e) ?? []) {
    if (along >= s.along ? oneway === -1 : oneway === 1) continue;
    const t = s.time + Math.abs(along - s.along) * perMetre;
    if (t < best) {
      best = t;
      station = s.station;
    }
  }
  return [best, station];
}

export function computeCoverage(net: ModeNetwork, input: CoverageInput, options: CoverageOptions): CoverageResult {
  const budget = options.budget;
  const offroad = options.offroadM ?? DEFAULT_OFFROAD_M;
  const cell = options.cellM ?? DEFAULT_CELL_M;
  const maxSnap = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  const v = net.profile.accessSpeed;
  const { graph, edgeTime } = net;

  // Every station starts at once from its snapped point.
  const stationSnaps = input.stations.map((s) => snapToStreet(graph, net.street, s.lon, s.lat, maxSnap));
  const sources: SearchSource[] = [];
  const seeds = new Map<number, (EdgeSeed & { station: number })[]>();
  const seedList: EdgeSeed[] = [];
  stationSnaps.forEach((snap, station) => {
    if (!snap) return;
    const connector = snap.distance / v;
    const e = snap.edge;
    const length = graph.edgeLength[e];
    const perMetre = length > 0 ? edgeTime[e] / length : 0;
    if (graph.edgeOneway[e] !== -1)
      sources.push({ node: graph.edgeTo[e], time: connector + (length - snap.along) * perMetre, label: station });
    if (graph.edgeOneway[e] !== 1)
      sources.push({ node: graph.edgeFrom[e], time: connector + snap.along * perMetre, label: station });
    const seed = { edge: e, along: snap.along, time: connector, station };
    seedList.push(seed);
    const list = seeds.get(e);
    if (list) list.push(seed);
    else seeds.set(e, [seed]);
  });
  const search = shortestTimes(graph, edgeTime, sources, budget, options.heap);

  // Population: each point's connector, then the network, then the station's connector.
  const pointTime = typed(Float64Array, input.population.length, options.shared).fill(Infinity);
  const pointStation = typed(Int32Array, input.population.length, options.shared).fill(-1);
  const pointStatus = typed(Uint8Array, input.population.length, options.shared);
  const regions: RegionCoverage[] = input.regions.map(() => ({
    cells: 0,
    coveredCells: 0,
    population: 0,
    coveredPopulation: 0,
    unreachablePopulation: 0,
  }));
  input.population.forEach((p, i) => {
    const r = regions[p.region];
    if (r) r.population += p.population;
    const snap = snapToStreet(graph, net.street, p.lon, p.lat, maxSnap);
    if (!snap) {
      pointStatus[i] = UNREACHABLE;
      if (r) r.unreachablePopulation += p.population;
      return;
    }
    const [t, station] = timeOnEdge(net, search.time, search.label, seeds, snap.edge, snap.along);
    pointTime[i] = t + snap.distance / v;
    pointStation[i] = station;
    if (pointTime[i] <= budget) {
      pointStatus[i] = COVERED;
      if (r) r.coveredPopulation += p.population;
    }
  });

  const area =
    options.areaGrid ??
    rasterizeRegions(input.regions, cell, input.stations[0], {
      clip: coverageClip(net, offroad, cell),
      shared: options.shared,
    });
  const { grid, regionOf, regionBox } = area;
  const { width, height, lon0, lat0, kx, ky } = grid;
  const field = typed(Float32Array, width * height, options.shared).fill(Infinity);
  // A point every cell along the streets: within 1 m of the exact envelope for a 100 m reach.
  const points = sampleStreets(net, search.time, seedList, [budget], cell, lon0, lat0, kx, ky);
  stampFields([field], grid, points, [budget], offroad, v);
  for (let idx = 0; idx < field.length; idx++) {
    const k = regionOf[idx];
    if (k === 0) continue;
    regions[k - 1].cells++;
    if (field[idx] <= budget) regions[k - 1].coveredCells++;
  }
  area.outside.forEach((o, k) => {
    if (regions[k]) regions[k].cells += o.cells;
  });

  const vertexStation = options.shared ? sharedCopy(search.label) : search.label;
  for (let u = 0; u < graph.nodeCount; u++) if (search.time[u] > budget) vertexStation[u] = -1;
  return {
    budget,
    stationSnaps,
    vertexTime: options.shared ? sharedCopy(search.time) : search.time,
    vertexStation,
    pointTime,
    pointStation,
    pointStatus,
    regions,
    cellAreaM2: cell * cell,
    grid,
    field,
    regionOf,
    regionBox,
    outside: area.outside,
  };
}

/**
 * One district-wide grid in a local plane, and the region of each node. With `clip` (where anything
 * can be covered, see coverageClip) the grid spans only the regions' part within it whenever that at
 * least halves it or the whole would pass `maxCells`, so a township drawn far from the streets (a wrong
 * coordinate system, a typo) cannot make the grid huge; the part of a region beyond the clip is
 * measured exactly from its polygon and kept as gap pieces instead. A grid still over `maxCells` is
 * refused with a CoverageExtentError before anything is allocated.
 */
export function rasterizeRegions(
  regions: { geometry: AreaGeometry }[],
  cell: number,
  fallback?: { lon: number; lat: number },
  options: { clip?: LonLatBox; maxCells?: number; shared?: boolean } = {},
): AreaGrid {
  const all: LonLatBox = { w: Infinity, s: Infinity, e: -Infinity, n: -Infinity };
  const boxes = regions.map((region) => {
    const box: LonLatBox = { w: Infinity, s: Infinity, e: -Infinity, n: -Infinity };
    for (const poly of polygonsOf(region.geometry))
      for (const [x, y] of poly[0] ?? []) {
        if (x < box.w) box.w = x;
        if (x > box.e) box.e = x;
        if (y < box.s) box.s = y;
        if (y > box.n) box.n = y;
      }
    all.w = Math.min(all.w, box.w);
    all.e = Math.max(all.e, box.e);
    all.s = Math.min(all.s, box.s);
    all.n = Math.max(all.n, box.n);
    return box;
  });
  const maxCells = options.maxCells ?? MAX_COVERAGE_CELLS;
  // Cells of a grid over a box (the grid has a cell of margin on each side).
  const cellsOver = (b: LonLatBox) => {
    const k = metresPerDegree((b.s + b.n) / 2);
    return (((b.e - b.w) * k.kx) / cell + 3) * (((b.n - b.s) * k.ky) / cell + 3);
  };
  const within = options.clip && Number.isFinite(options.clip.w) ? options.clip : null;
  // Clipped only when that saves much (or the grid would be too large): regions a little beyond the
  // streets (an extract cut tight to the district) keep their one grid and gaps without a seam.
  const clipped = within && {
    w: Math.max(all.w, within.w),
    e: Math.min(all.e, within.e),
    s: Math.max(all.s, within.s),
    n: Math.min(all.n, within.n),
  };
  const full = Number.isFinite(all.w) ? cellsOver(all) : 0;
  const clip =
    within &&
    clipped &&
    (full > maxCells || !(clipped.w <= clipped.e && clipped.s <= clipped.n) || full > 2 * cellsOver(clipped))
      ? within
      : null;
  let { w, s, e, n } = all;
  if (clip) {
    w = Math.max(w, clip.w);
    e = Math.min(e, clip.e);
    s = Math.max(s, clip.s);
    n = Math.min(n, clip.n);
  }
  if (!(w <= e && s <= n)) {
    // No regions, or none within reach: nothing to measure area in on the grid.
    const at = clip ? { lon: (clip.w + clip.e) / 2, lat: (clip.s + clip.n) / 2 } : fallback;
    w = e = at?.lon ?? 0;
    s = n = at?.lat ?? 0;
  }
  const lon0 = (w + e) / 2;
  const lat0 = (s + n) / 2;
  const { kx, ky } = metresPerDegree(lat0);
  const minX = (w - lon0) * kx - cell;
  const minY = (s - lat0) * ky - cell;
  const width = Math.ceil(((e - lon0) * kx + cell - minX) / cell) + 1;
  const height = Math.ceil(((n - lat0) * ky + cell - minY) / cell) + 1;
  if (!(width * height <= maxCells)) {
    throw new CoverageExtentError(
      `coverage needs a grid of ${width} × ${height} cells of ${cell} m (${(((e - w) * kx) / 1000).toFixed(1)} × ${(((n - s) * ky) / 1000).toFixed(1)} km where the townships meet the street network), more than the ${maxCells.toLocaleString('en')} it computes`,
    );
  }
  const grid = { minX, minY, cell, width, height, lon0, lat0, kx, ky };
  // Nodes outside the clip box belong to the regions' outside pieces, not to the raster.
  const iLo = clip ? Math.max(0, Math.ceil(((clip.w - lon0) * kx - minX) / cell)) : 0;
  const iHi = clip ? Math.min(width - 1, Math.floor(((clip.e - lon0) * kx - minX) / cell)) : width - 1;
  const jLo = clip ? Math.max(0, Math.ceil(((clip.s - lat0) * ky - minY) / cell)) : 0;
  const jHi = clip ? Math.min(height - 1, Math.floor(((clip.n - lat0) * ky - minY) / cell)) : height - 1;

  // Region of each grid node, by even-odd scanlines over each region's rings.
  const regionOf = typed(Uint16Array, width * height, options.shared);
  const regionBox = regions.map(() => ({ i0: Infinity, i1: -Infinity, j0: Infinity, j1: -Infinity }));
  regions.forEach((region, k) => {
    const rings = polygonsOf(region.geometry).flat();
    const xs: number[] = [];
    // Only the rows the region's box spans.
    const jFrom = Math.max(jLo, Math.ceil(((boxes[k].s - lat0) * ky - minY) / cell));
    const jTo = Math.min(jHi, Math.floor(((boxes[k].n - lat0) * ky - minY) / cell));
    for (let j = jFrom; j <= jTo; j++) {
      const y = minY + j * cell;
      xs.length = 0;
      for (const ring of rings)
        for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
          const ya = (ring[a][1] - lat0) * ky;
          const yb = (ring[b][1] - lat0) * ky;
          if (ya > y !== yb > y) {
            const xa = (ring[a][0] - lon0) * kx;
            const xb = (ring[b][0] - lon0) * kx;
            xs.push(xa + ((y - ya) / (yb - ya)) * (xb - xa));
          }
        }
      xs.sort((p, q) => p - q);
      for (let q = 0; q + 1 < xs.length; q += 2) {
        const i0 = Math.max(iLo, Math.ceil((xs[q] - minX) / cell));
        const i1 = Math.min(iHi, Math.floor((xs[q + 1] - minX) / cell));
        for (let i = i0; i <= i1; i++) regionOf[j * width + i] = k + 1;
        if (i0 <= i1) {
          const box = regionBox[k];
          box.i0 = Math.min(box.i0, i0);
          box.i1 = Math.max(box.i1, i1);
          box.j0 = Math.min(box.j0, j);
          box.j1 = Math.max(box.j1, j);
        }
      }
    }
  });

  const cellArea = cell * cell;
  const outside = regions.map((region, k) => {
    const b = boxes[k];
    if (!clip || (b.w >= clip.w && b.e <= clip.e && b.s >= clip.s && b.n <= clip.n)) return { cells: 0, pieces: [] };
    const pieces = outsidePieces(polygonsOf(region.geometry), clip);
    return { cells: pieces.reduce((sum, p) => sum + p.areaM2, 0) / cellArea, pieces };
  });

  return { grid, regionOf, regionBox, outside };
}

const polygonsOf = (g: AreaGeometry): number[][][][] =>
  (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];

/** A half-plane: lon (axis 0) or lat (axis 1) below (`below`) or above a value. */
type HalfPlane = { axis: 0 | 1; value: number; below: boolean };

/** Sutherland–Hodgman: the part of a closed ring inside a half-plane (closed again; empty when nothing is). */
function clipRing(ring: number[][], h: HalfPlane): number[][] {
  const inside = (p: number[]) => (h.below ? p[h.axis] <= h.value : p[h.axis] >= h.value);
  const out: number[][] = [];
  const last = ring.length - 1;
  for (let a = 0; a < last; a++) {
    const p = ring[a];
    const q = ring[a + 1];
    const pin = inside(p);
    const qin = inside(q);
    if (pin) out.push(p);
    if (pin !== qin) {
      const t = (h.value - p[h.axis]) / (q[h.axis] - p[h.axis]);
      const x = h.axis === 0 ? h.value : p[0] + t * (q[0] - p[0]);
      const y = h.axis === 1 ? h.value : p[1] + t * (q[1] - p[1]);
      out.push([x, y]);
    }
  }
  if (out.length < 3) return [];
  out.push(out[0]);
  return out;
}

/**
 * The parts of polygons outside a box, as pieces in the four strips around it (west, east, and south
 * and north between them), each clipped by Sutherland–Hodgman, which is exact for these convex strips.
 */
function outsidePieces(polygons: number[][][][], box: LonLatBox): { coordinates: number[][][]; areaM2: number }[] {
  const strips: HalfPlane[][] = [
    [{ axis: 0, value: box.w, below: true }],
    [{ axis: 0, value: box.e, below: false }],
    [
      { axis: 0, value: box.w, below: false },
      { axis: 0, value: box.e, below: true },
      { axis: 1, value: box.s, below: true },
    ],
    [
      { axis: 0, value: box.w, below: false },
      { axis: 0, value: box.e, below: true },
      { axis: 1, value: box.n, below: false },
    ],
  ];
  const pieces: { coordinates: number[][][]; areaM2: number }[] = [];
  for (const strip of strips)
    for (const rings of polygons) {
      const clipped = rings.map((ring) => strip.reduce((r, h) => (r.length ? clipRing(r, h) : r), ring));
      if (!clipped[0]?.length) continue;
      const coordinates = [clipped[0], ...clipped.slice(1).filter((r) => r.length)];
      let areaM2 = ringAreaM2(coordinates[0]);
      for (let r = 1; r < coordinates.length; r++) areaM2 -= ringAreaM2(coordinates[r]);
      if (areaM2 > 0) pieces.push({ coordinates, areaM2 });
    }
  return pieces;
}

/**
 * The parts of region k outside every service area, as MultiPolygon coordinates (lon/lat), largest
 * first. Contoured on the coverage grid: the region's border follows the grid to within half a cell.
 */
export function gapPolygons(
  result: CoverageResult,
  k: number,
  minAreaM2 = 2 * result.cellAreaM2,
): { coordinates: number[][][]; areaM2: number }[] {
  // The region's part beyond the network's reach is a gap as it is.
  const beyond = (result.outside[k]?.pieces ?? [])
    .map((p) => ({
      coordinates: p.coordinates.map((ring) =>
        ring.map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6]),
      ),
      areaM2: p.areaM2,
    }))
    .filter((g) => g.areaM2 >= minAreaM2);
  const { field, budget } = result;
  // Negative inside the gap (in the region, time over budget).
  return contourInRegion(result, k, (idx) => budget - field[idx], minAreaM2)
    .concat(beyond)
    .sort((a, b) => b.areaM2 - a.areaM2);
}

/** A window of grid nodes, inclusive. */
export interface GridBox {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/**
 * The parts of region k where `value(idx)` is negative, as polygons (lon/lat) with their exact
 * ellipsoidal areas, contoured by marching squares over the region's window of the grid (cut to
 * `within` when given): the boundary is interpolated inside a cell where the value is continuous, and
 * the region's own border falls halfway between nodes. Pieces under `minAreaM2` are dropped.
 */
export function contourInRegion(
  area: Pick<CoverageResult, 'grid' | 'regionOf' | 'regionBox'>,
  k: number,
  value: (idx: number) => number,
  minAreaM2: number,
  within?: GridBox,
): { coordinates: number[][][]; areaM2: number }[] {
  const box = area.regionBox[k];
  if (!box || !Number.isFinite(box.i0)) return [];
  const { grid, regionOf } = area;
  const i0 = Math.max(0, box.i0 - 1, within ? within.i0 - 1 : 0);
  const j0 = Math.max(0, box.j0 - 1, within ? within.j0 - 1 : 0);
  const i1 = Math.min(grid.width - 1, box.i1 + 1, within ? within.i1 + 1 : Infinity);
  const j1 = Math.min(grid.height - 1, box.j1 + 1, within ? within.j1 + 1 : Infinity);
  if (i1 < i0 || j1 < j0) return [];
  const w = i1 - i0 + 1;
  const h = j1 - j0 + 1;
  // Clamped, so that the region's border (and the window's) falls halfway between nodes; the window's
  // outermost nodes are outside, so every ring closes.
  const CLAMP = 60;
  const values = new Float64Array(w * h);
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const idx = (j + j0) * grid.width + (i + i0);
      const inRegion = regionOf[idx] === k + 1 && i > 0 && j > 0 && i < w - 1 && j < h - 1;
      values[j * w + i] = inRegion ? Math.max(-CLAMP, Math.min(CLAMP, value(idx))) : CLAMP;
    }
  const toLonLat = (p: [number, number]) => [
    Math.round((grid.lon0 + (grid.minX + (p[0] + i0) * grid.cell) / grid.kx) * 1e6) / 1e6,
    Math.round((grid.lat0 + (grid.minY + (p[1] + j0) * grid.cell) / grid.ky) * 1e6) / 1e6,
  ];
  return ringsToPolygons(contourRings(values, w, h, -1e-9))
    .map((rings) => {
      const coordinates = rings.map((ring) => ring.map(toLonLat));
      let areaM2 = ringAreaM2(coordinates[0]);
      for (let r = 1; r < coordinates.length; r++) areaM2 -= ringAreaM2(coordinates[r]);
      return { coordinates, areaM2 };
    })
    .filter((g) => g.areaM2 >= minAreaM2);
}
