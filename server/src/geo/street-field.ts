/**
 * What service areas and coverage share: street points along every reached edge with their travel
 * times, and the field f(x) = min_p(max(n_p, T − offroad/v) + |x − p|/v) stamped from them on a flat
 * grid. Geography stays at the edges: points come out in metres east and north of an origin.
 */
import type { ModeNetwork } from './service-area.js';

/** A start on an edge's interior: a station or origin snapped there, with the time it starts with. */
export interface EdgeSeed {
  edge: number;
  along: number;
  time: number;
}

export interface StreetPoints {
  x: number[];
  y: number[];
  n: number[];
}

/**
 * Street points every `step` metres along each edge reached within `maxBudget`, plus the exact points
 * where each budget's reach ends; `time` holds the search's times at vertices.
 */
export function sampleStreets(
  net: ModeNetwork,
  time: Float64Array,
  seeds: EdgeSeed[],
  budgets: number[],
  step: number,
  lon0: number,
  lat0: number,
  kx: number,
  ky: number,
): StreetPoints {
  const maxBudget = Math.max(...budgets);
  const { graph, edgeTime } = net;
  const { edgeFrom, edgeTo, edgeLength, edgeOneway, edgeGeomStart, geomLon, geomLat } = graph;
  const offsets = net.street.geomOffset;
  const seedsByEdge = new Map<number, EdgeSeed[]>();
  for (const s of seeds) {
    const list = seedsByEdge.get(s.edge);
    if (list) list.push(s);
    else seedsByEdge.set(s.edge, [s]);
  }
  const out: StreetPoints = { x: [], y: [], n: [] };
  const ts: number[] = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    const ta = time[edgeFrom[e]];
    const tb = time[edgeTo[e]];
    const edgeSeeds = seedsByEdge.get(e);
    if (ta > maxBudget && tb > maxBudget && !edgeSeeds) continue;
    const length = edgeLength[e];
    const perMetre = length > 0 ? edgeTime[e] / length : 0;
    const oneway = edgeOneway[e];
    const viaA = oneway !== -1 && ta <= maxBudget;
    const viaB = oneway !== 1 && tb <= maxBudget;
    const nAt = (t: number) => {
      let n = Infinity;
      if (viaA) n = ta + t * perMetre;
      if (viaB) n = Math.min(n, tb + (length - t) * perMetre);
      if (edgeSeeds)
        for (const s of edgeSeeds) {
          if (oneway !== -1 && t >= s.along) n = Math.min(n, s.time + (t - s.along) * perMetre);
          if (oneway !== 1 && t <= s.along) n = Math.min(n, s.time + (s.along - t) * perMetre);
        }
      return n;
    };
    ts.length = 0;
    const count = Math.max(1, Math.ceil(length / step));
    for (let k = 0; k <= count; k++) ts.push((k / count) * length);
    // Where the reach along the edge ends, for each budget: the boundary is most sensitive there.
    if (perMetre > 0)
      for (const b of budgets) {
        if (viaA) ts.push((b - ta) / perMetre);
        if (viaB) ts.push(length - (b - tb) / perMetre);
        if (edgeSeeds)
          for (const s of edgeSeeds) ts.push(s.along + (b - s.time) / perMetre, s.along - (b - s.time) / perMetre);
      }
    if (edgeSeeds) for (const s of edgeSeeds) ts.push(s.along);
    ts.sort((p, q) => p - q);
    const g0 = edgeGeomStart[e];
    const g1 = edgeGeomStart[e + 1];
    let seg = g0;
    for (const t of ts) {
      if (t < 0 || t > length) continue;
      const n = nAt(t);
      if (!(n <= maxBudget)) continue;
      while (seg + 2 < g1 && offsets[seg + 1] < t) seg++;
      const s0 = offsets[seg];
      const s1 = offsets[seg + 1];
      const f = s1 > s0 ? Math.min(1, Math.max(0, (t - s0) / (s1 - s0))) : 0;
      out.x.push((geomLon[seg] + f * (geomLon[seg + 1] - geomLon[seg]) - lon0) * kx);
      out.y.push((geomLat[seg] + f * (geomLat[seg + 1] - geomLat[seg]) - lat0) * ky);
      out.n.push(n);
    }
  }
  return out;
}

export interface FieldGrid {
  minX: number;
  minY: number;
  cell: number;
  width: number;
  height: number;
}

/** Stamps each street point's disk (offroad + 1.5 cells) into one field per budget (seconds). */
export function stampFields(
  fields: Float32Array[] | Float64Array[],
  grid: FieldGrid,
  points: StreetPoints,
  budgets: number[],
  offroad: number,
  speed: number,
): void {
  const { minX, minY, cell, width, height } = grid;
  const stampRadius = (offroad + 1.5 * cell) / cell; // in cells
  const stampRadius2 = stampRadius * stampRadius;
  const floor = budgets.map((b) => b - offroad / speed);
  const secondsPerCell = cell / speed;
  const nb = budgets.length;
  for (let k = 0; k < points.x.length; k++) {
    const ci = (points.x[k] - minX) / cell;
    const cj = (points.y[k] - minY) / cell;
    const n = points.n[k];
    const j0 = Math.max(0, Math.ceil(cj - stampRadius));
    const j1 = Math.min(height - 1, Math.floor(cj + stampRadius));
    for (let j = j0; j <= j1; j++) {
      const dj = j - cj;
      // Only the columns of this row that fall inside the stamp's disk.
      const half = Math.sqrt(Math.max(0, stampRadius2 - dj * dj));
      const i0 = Math.max(0, Math.ceil(ci - half));
      const i1 = Math.min(width - 1, Math.floor(ci + half));
      const row = j * width;
      for (let i = i0; i <= i1; i++) {
        const di = i - ci;
        const travel = Math.sqrt(di * di + dj * dj) * secondsPerCell;
        for (let b = 0; b < nb; b++) {
          if (n > budgets[b]) continue;
          const value = (n > floor[b] ? n : floor[b]) + travel;
          const field = fields[b];
          if (value < field[row + i]) field[row + i] = value;
        }
      }
    }
  }
}
