/**
 * Joins a location to the network at the nearest point on an edge (not the nearest vertex), through a
 * flatbush index of edge segments. Distances are metres in the local plane at the query point.
 */
import Flatbush from 'flatbush';
import { distanceM, metresPerDegree } from './ellipsoid.js';
import type { StreetGraph } from './graph.js';

export interface StreetIndex {
  index: Flatbush;
  /** Segment s runs from geometry point segStart[s] to segStart[s] + 1 of edge segEdge[s]. */
  segEdge: Uint32Array;
  segStart: Uint32Array;
  /** Metres from the start of its edge to each geometry point. */
  geomOffset: Float64Array;
}

export interface Snap {
  edge: number;
  /** Metres along the edge from its `from` vertex to the snapped point. */
  along: number;
  lon: number;
  lat: number;
  /** Straight distance from the location to the snapped point (m). */
  distance: number;
}

export function buildStreetIndex(graph: StreetGraph): StreetIndex {
  const { edgeGeomStart, geomLon, geomLat, edgeCount } = graph;
  const segments = edgeGeomStart[edgeCount] - edgeCount;
  const index = new Flatbush(Math.max(1, segments));
  const segEdge = new Uint32Array(segments);
  const segStart = new Uint32Array(segments);
  const geomOffset = new Float64Array(geomLon.length);
  let s = 0;
  for (let e = 0; e < edgeCount; e++) {
    let acc = 0;
    geomOffset[edgeGeomStart[e]] = 0;
    for (let i = edgeGeomStart[e]; i + 1 < edgeGeomStart[e + 1]; i++) {
      const x0 = geomLon[i],
        y0 = geomLat[i],
        x1 = geomLon[i + 1],
        y1 = geomLat[i + 1];
      index.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
      segEdge[s] = e;
      segStart[s] = i;
      s++;
      acc += distanceM(x0, y0, x1, y1);
      geomOffset[i + 1] = acc;
    }
  }
  if (segments === 0) index.add(0, 0, 0, 0);
  index.finish();
  return { index, segEdge, segStart, geomOffset };
}

/** The nearest point on any edge within `maxDistance` metres, or null. */
export function snapToStreet(
  graph: StreetGraph,
  street: StreetIndex,
  lon: number,
  lat: number,
  maxDistance: number,
): Snap | null {
  if (graph.edgeCount === 0) return null;
  const { kx, ky } = metresPerDegree(lat);
  const { geomLon, geomLat } = graph;
  let best: Snap | null = null;
  // Grow the search box until something is found; the box always covers the best distance so far.
  for (let radius = Math.min(50, maxDistance); ; radius = Math.min(radius * 4, maxDistance)) {
    const dx = radius / kx;
    const dy = radius / ky;
    const hits = street.index.search(lon - dx, lat - dy, lon + dx, lat + dy);
    for (const s of hits) {
      const i = street.segStart[s];
      const ax = (geomLon[i] - lon) * kx,
        ay = (geomLat[i] - lat) * ky;
      const bx = (geomLon[i + 1] - lon) * kx,
        by = (geomLat[i + 1] - lat) * ky;
      const vx = bx - ax,
        vy = by - ay;
      const len2 = vx * vx + vy * vy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * vx + ay * vy) / len2));
      const px = ax + t * vx,
        py = ay + t * vy;
      const d = Math.sqrt(px * px + py * py);
      if (d <= radius && (!best || d < best.distance)) {
        const e = street.segEdge[s];
        const segLength = street.geomOffset[i + 1] - street.geomOffset[i];
        best = {
          edge: e,
          along: street.geomOffset[i] + t * segLength,
          lon: lon + px / kx,
          lat: lat + py / ky,
          distance: d,
        };
      }
    }
    if (best || radius >= maxDistance) return best;
  }
}
