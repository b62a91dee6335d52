/**
 * An independent, deliberately plain implementation of the design's service-area definition, for
 * checking the engine: brute-force snapping over every segment, array-scan Dijkstra, street points
 * every 2 m, and the inside test applied point by point. Slow and obviously right.
 */
import { metresPerDegree } from '../../server/src/geo/ellipsoid.js';
import type { StreetGraph } from '../../server/src/geo/graph.js';

export interface ReferenceArea {
  /** Whether a lon/lat point is inside for the budget. */
  inside: (lon: number, lat: number) => boolean;
  snapDistance: number;
}

export function plainDijkstra(
  graph: StreetGraph,
  edgeTime: Float64Array,
  sources: { node: number; time: number }[],
): Float64Array {
  const dist = new Float64Array(graph.nodeCount).fill(Infinity);
  const done = new Uint8Array(graph.nodeCount);
  for (const s of sources) dist[s.node] = Math.min(dist[s.node], s.time);
  for (;;) {
    let v = -1;
    for (let u = 0; u < graph.nodeCount; u++) if (!done[u] && dist[u] < Infinity && (v < 0 || dist[u] < dist[v])) v = u;
    if (v < 0) return dist;
    done[v] = 1;
    // Scan every edge (not the CSR arcs) so the adjacency is checked too.
    for (let e = 0; e < graph.edgeCount; e++) {
      const a = graph.edgeFrom[e];
      const b = graph.edgeTo[e];
      const ow = graph.edgeOneway[e];
      if (a === v && ow !== -1 && dist[v] + edgeTime[e] < dist[b]) dist[b] = dist[v] + edgeTime[e];
      if (b === v && ow !== 1 && dist[v] + edgeTime[e] < dist[a]) dist[a] = dist[v] + edgeTime[e];
    }
  }
}

export function referenceServiceArea(
  graph: StreetGraph,
  edgeTime: Float64Array,
  accessSpeed: number,
  lon: number,
  lat: number,
  budget: number,
  offroad: number,
): ReferenceArea {
  const { kx, ky } = metresPerDegree(lat);
  const X = (g: number) => (graph.geomLon[g] - lon) * kx;
  const Y = (g: number) => (graph.geomLat[g] - lat) * ky;
  // Brute-force snap.
  let best = { d: Infinity, edge: -1, along: 0 };
  for (let e = 0; e < graph.edgeCount; e++) {
    let acc = 0;
    for (let g = graph.edgeGeomStart[e]; g + 1 < graph.edgeGeomStart[e + 1]; g++) {
      const ax = X(g),
        ay = Y(g),
        bx = X(g + 1),
        by = Y(g + 1);
      const l2 = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = l2 ? Math.max(0, Math.min(1, -(ax * (bx - ax) + ay * (by - ay)) / l2)) : 0;
      const d = Math.hypot(ax + t * (bx - ax), ay + t * (by - ay));
      const segLen = Math.sqrt(l2);
      if (d < best.d) best = { d, edge: e, along: acc + t * segLen };
      acc += segLen;
    }
  }
  const e0 = best.edge;
  // Lengths in the local plane here; the engine uses geodesic ones: scale to the stored edge length.
  const planeLength = (e: number) => {
    let acc = 0;
    for (let g = graph.edgeGeomStart[e]; g + 1 < graph.edgeGeomStart[e + 1]; g++)
      acc += Math.hypot(X(g + 1) - X(g), Y(g + 1) - Y(g));
    return acc;
  };
  const connector = best.d / accessSpeed;
  const L0 = planeLength(e0);
  const rate0 = L0 > 0 ? edgeTime[e0] / L0 : 0;
  const sources = [];
  if (graph.edgeOneway[e0] !== -1)
    sources.push({ node: graph.edgeTo[e0], time: connector + (L0 - best.along) * rate0 });
  if (graph.edgeOneway[e0] !== 1) sources.push({ node: graph.edgeFrom[e0], time: connector + best.along * rate0 });
  const dist = plainDijkstra(graph, edgeTime, sources);

  // Street points every 2 m with their times, bucketed by 50 m cells.
  const buckets = new Map<string, number[]>();
  const addPoint = (x: number, y: number, n: number) => {
    if (!(n <= budget)) return;
    const key = `${Math.floor(x / 50)},${Math.floor(y / 50)}`;
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = []));
    b.push(x, y, n);
  };
  for (let e = 0; e < graph.edgeCount; e++) {
    const L = planeLength(e);
    const rate = L > 0 ? edgeTime[e] / L : 0;
    const ow = graph.edgeOneway[e];
    const ta = dist[graph.edgeFrom[e]];
    const tb = dist[graph.edgeTo[e]];
    let acc = 0;
    for (let g = graph.edgeGeomStart[e]; g + 1 < graph.edgeGeomStart[e + 1]; g++) {
      const ax = X(g),
        ay = Y(g),
        bx = X(g + 1),
        by = Y(g + 1);
      const segLen = Math.hypot(bx - ax, by - ay);
      const steps = Math.max(1, Math.ceil(segLen / 2));
      for (let k = 0; k <= steps; k++) {
        const s = acc + (segLen * k) / steps;
        let n = Infinity;
        if (ow !== -1) n = Math.min(n, ta + s * rate);
        if (ow !== 1) n = Math.min(n, tb + (L - s) * rate);
        if (e === e0) {
          if (ow !== -1 && s >= best.along) n = Math.min(n, connector + (s - best.along) * rate);
          if (ow !== 1 && s <= best.along) n = Math.min(n, connector + (best.along - s) * rate);
        }
        addPoint(ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps, n);
      }
      acc += segLen;
    }
  }
  return {
    snapDistance: best.d,
    inside: (plon, plat) => {
      const x = (plon - lon) * kx;
      const y = (plat - lat) * ky;
      const cx = Math.floor(x / 50);
      const cy = Math.floor(y / 50);
      const reach = Math.ceil(offroad / 50);
      for (let i = cx - reach; i <= cx + reach; i++)
        for (let j = cy - reach; j <= cy + reach; j++) {
          const b = buckets.get(`${i},${j}`);
          if (!b) continue;
          for (let k = 0; k < b.length; k += 3) {
            const d = Math.hypot(x - b[k], y - b[k + 1]);
            if (d <= offroad && b[k + 2] + d / accessSpeed <= budget) return true;
          }
        }
      return false;
    },
  };
}
