/**
 * The service area ("15-minute circle") exactly as the design defines it. A location x is inside when
 * it can be reached from the origin through the network and then at most `offroad` metres straight
 * from a street point p, within the budget. With n_p the travel time to p and v the access speed,
 *   f(x) = min over p of ( max(n_p, T − offroad / v) + |x − p| / v ),   inside  <=>  f(x) <= T.
 * f is sampled on a grid of at most 25 m cells (coarser only beyond MAX_AREA_CELLS, for long drives)
 * from points along every reached edge (partial edges included) and contoured by marching squares, so
 * holes, islands and rivers come out as they are.
 */
import { metresPerDegree } from './ellipsoid.js';
import type { StreetGraph } from './graph.js';
import { shortestTimes, type SearchSource } from './dijkstra.js';
import { contourRings, ringsToPolygons } from './marching-squares.js';
import { snapToStreet, type Snap, type StreetIndex } from './snap.js';
import type { ModeProfile } from './modes.js';
import { ringAreaM2 } from './polygon.js';
import type { MinHeap } from './heap.js';
import { sampleStreets, stampFields } from './street-field.js';

export interface ModeNetwork {
  graph: StreetGraph;
  /** Seconds to travel each edge in this mode. */
  edgeTime: Float64Array;
  street: StreetIndex;
  profile: ModeProfile;
}

export interface ServiceAreaOptions {
  /** Budgets in seconds, one band each. */
  budgets: number[];
  offroadM?: number;
  cellM?: number;
  maxSnapM?: number;
  heap?: MinHeap;
  /** Most grid cells a band's field may have (default MAX_AREA_CELLS); beyond it the cells grow. */
  maxCells?: number;
}

export interface ServiceAreaBand {
  budget: number;
  /** MultiPolygon coordinates, lon/lat, exterior rings counter-clockwise. */
  coordinates: number[][][][];
  areaM2: number;
}

export type ServiceAreaResult =
  | { ok: true; snap: Snap; bands: ServiceAreaBand[]; settled: number; edgesScanned: number; samples: number }
  | { ok: false; reason: 'too-far-from-street'; maxSnapM: number };

export const DEFAULT_OFFROAD_M = 100;
export const DEFAULT_CELL_M = 25;
export const DEFAULT_MAX_SNAP_M = 500;
/**
 * Most cells of one band's field (8 bytes each: 32 MB): a 100 km² square at 25 m, more than an hour's
 * walk or half an hour's ride reaches; only a long drive on fast roads is drawn on coarser cells.
 */
export const MAX_AREA_CELLS = 4_000_000;

/** Start of the search at a snapped point: the vertices at either end of its edge, as oneway allows. */
export function sourcesFromSnap(net: ModeNetwork, snap: Snap, connectorTime: number): SearchSource[] {
  const { graph, edgeTime } = net;
  const e = snap.edge;
  const length = graph.edgeLength[e];
  const perMetre = length > 0 ? edgeTime[e] / length : 0;
  const sources: SearchSource[] = [];
  const oneway = graph.edgeOneway[e];
  if (oneway !== -1) sources.push({ node: graph.edgeTo[e], time: connectorTime + (length - snap.along) * perMetre });
  if (oneway !== 1) sources.push({ node: graph.edgeFrom[e], time: connectorTime + snap.along * perMetre });
  return sources;
}

export function serviceArea(
  net: ModeNetwork,
  lon: number,
  lat: number,
  options: ServiceAreaOptions,
): ServiceAreaResult {
  const offroad = options.offroadM ?? DEFAULT_OFFROAD_M;
  let cell = options.cellM ?? DEFAULT_CELL_M;
  const maxSnap = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  const { graph, edgeTime, profile } = net;
  const v = profile.accessSpeed;
  const snap = snapToStreet(graph, net.street, lon, lat, maxSnap);
  if (!snap) return { ok: false, reason: 'too-far-from-street', maxSnapM: maxSnap };
  const budgets = options.budgets;
  const maxBudget = Math.max(...budgets);
  const connector = snap.distance / v;
  const { time, settled, edgesScanned } = shortestTimes(
    graph,
    edgeTime,
    sourcesFromSnap(net, snap, connector),
    maxBudget,
    options.heap,
  );

  // Street points, as (x, y, n) in metres east/north of the origin and seconds.
  const { kx, ky } = metresPerDegree(lat);
  const points = sampleStreets(
    net,
    time,
    [{ edge: snap.edge, along: snap.along, time: connector }],
    budgets,
    cell / 2,
    lon,
    lat,
    kx,
    ky,
  );
  const px = points.x;
  const py = points.y;
  if (px.length === 0) {
    // Not even the snapped point is within budget (a long connector): nothing is covered.
    return {
      ok: true,
      snap,
      bands: budgets.map((budget) => ({ budget, coordinates: [], areaM2: 0 })),
      settled,
      edgesScanned,
      samples: 0,
    };
  }

  // The grid: samples' bounding box grown by the off-street reach and a margin of two cells.
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let k = 0; k < px.length; k++) {
    if (px[k] < minX) minX = px[k];
    if (px[k] > maxX) maxX = px[k];
    if (py[k] < minY) minY = py[k];
    if (py[k] > maxY) maxY = py[k];
  }
  // Never more than maxCells a band: an area wider than that (a long drive) is drawn on coarser cells.
  const maxCells = options.maxCells ?? MAX_AREA_CELLS;
  const cellsAt = (c: number) =>
    (Math.ceil((maxX - minX + 2 * (offroad + 2 * c)) / c) + 1) *
    (Math.ceil((maxY - minY + 2 * (offroad + 2 * c)) / c) + 1);
  while (cellsAt(cell) > maxCells) cell *= Math.max(1.01, Math.sqrt(cellsAt(cell) / maxCells));
  const reach = offroad + 2 * cell;
  minX -= reach;
  minY -= reach;
  const width = Math.ceil((maxX + reach - minX) / cell) + 1;
  const height = Math.ceil((maxY + reach - minY) / cell) + 1;
  const fields = budgets.map(() => new Float64Array(width * height).fill(Infinity));
  stampFields(fields, { minX, minY, cell, width, height }, points, budgets, offroad, v);

  const bands = budgets.map((budget, b) => {
    const field = fields[b];
    // Unstamped nodes are far outside; a finite value keeps the interpolation well defined.
    const far = budget + (4 * reach) / v;
    for (let idx = 0; idx < field.length; idx++) if (field[idx] > far) field[idx] = far;
    // Keep the border outside so every ring closes.
    for (let i = 0; i < width; i++) field[i] = field[(height - 1) * width + i] = far;
    for (let j = 0; j < height; j++) field[j * width] = field[j * width + width - 1] = far;
    const polygons = ringsToPolygons(contourRings(field, width, height, budget));
    const toLonLat = (p: [number, number]) => [
      Math.round((lon + (minX + p[0] * cell) / kx) * 1e7) / 1e7,
      Math.round((lat + (minY + p[1] * cell) / ky) * 1e7) / 1e7,
    ];
    const coordinates = polygons.map((rings) => rings.map((ring) => ring.map(toLonLat)));
    let area = 0;
    for (const rings of coordinates) {
      area += ringAreaM2(rings[0]);
      for (let h = 1; h < rings.length; h++) area -= ringAreaM2(rings[h]);
    }
    return { budget, coordinates, areaM2: area };
  });
  return { ok: true, snap, bands, settled, edgesScanned, samples: px.length };
}

/** The labelled fallback when no network is loaded: a plain circle of the distance the budget allows. */
export function euclideanCircle(
  lon: number,
  lat: number,
  radiusM: number,
  vertices = 96,
): { coordinates: number[][][][]; areaM2: number } {
  const { kx, ky } = metresPerDegree(lat);
  const ring: number[][] = [];
  for (let k = 0; k <= vertices; k++) {
    const a = (2 * Math.PI * (k % vertices)) / vertices;
    ring.push([
      Math.round((lon + (radiusM * Math.cos(a)) / kx) * 1e7) / 1e7,
      Math.round((lat + (radiusM * Math.sin(a)) / ky) * 1e7) / 1e7,
    ]);
  }
  return { coordinates: [[ring]], areaM2: ringAreaM2(ring) };
}
