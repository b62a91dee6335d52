/**
 * The nearest stations by travel time from one location, with the route to each, from ONE search:
 * the location joins the network at its snapped point, a Dijkstra (with predecessor edges) runs out
 * from both ends of that edge, and every candidate station is reached through both ends of its own
 * snapped edge, or straight along the edge when it shares the origin's. A station's time follows the
 * design's "who is covered": origin connector, network, station connector, all at the mode's speeds.
 * The cutoff starts small and widens until enough stations are found or the reachable network is
 * exhausted; stations that cannot be reached are left out.
 */
import type { MinHeap } from './heap.js';
import { shortestTimes } from './dijkstra.js';
import { snapToStreet, type Snap } from './snap.js';
import { DEFAULT_MAX_SNAP_M, sourcesFromSnap, type ModeNetwork } from './service-area.js';

export interface NearbyOptions {
  limit: number;
  maxSnapM?: number;
  /** First cutoff in seconds (default 30 minutes); doubled up to `maxCutoff` while too few are found. */
  cutoff?: number;
  /** Largest cutoff in seconds (default 4 hours). */
  maxCutoff?: number;
  heap?: MinHeap;
}

export interface NearbyHit {
  /** Index into the candidates' array. */
  station: number;
  seconds: number;
  metres: number;
  /** [lon, lat] from the origin through its snapped point along the streets to the station. */
  route: number[][];
}

export type NearbyResult =
  | { ok: true; snap: Snap; hits: NearbyHit[]; searches: number; cutoff: number }
  | { ok: false; reason: 'too-far-from-street'; maxSnapM: number };

export const DEFAULT_NEARBY_CUTOFF = 30 * 60;
export const DEFAULT_NEARBY_MAX_CUTOFF = 4 * 3600;

/** Each station's point on the network (null farther than `maxSnapM` from every street). */
export function snapStations(
  net: ModeNetwork,
  stations: { lon: number; lat: number }[],
  maxSnapM = DEFAULT_MAX_SNAP_M,
): (Snap | null)[] {
  return stations.map((s) => snapToStreet(net.graph, net.street, s.lon, s.lat, maxSnapM));
}

/** How the best arrival at a station's snapped point was made. */
const VIA_FROM = 0;
const VIA_TO = 1;
const VIA_DIRECT = 2;

/**
 * The `limit` stations nearest in time among `candidates` (indexes into `stations` and `snaps`),
 * fastest first. `snaps[i]` is station i's snapped point, computed once by `snapStations`.
 */
export function nearestStations(
  net: ModeNetwork,
  lon: number,
  lat: number,
  stations: { lon: number; lat: number }[],
  snaps: (Snap | null)[],
  candidates: number[],
  options: NearbyOptions,
): NearbyResult {
  const maxSnap = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  const { graph, edgeTime } = net;
  const v = net.profile.accessSpeed;
  const snap = snapToStreet(graph, net.street, lon, lat, maxSnap);
  if (!snap) return { ok: false, reason: 'too-far-from-street', maxSnapM: maxSnap };
  const connector = snap.distance / v;
  const sources = sourcesFromSnap(net, snap, connector);
  const predecessor = new Int32Array(graph.nodeCount);
  const maxCutoff = Math.max(options.maxCutoff ?? DEFAULT_NEARBY_MAX_CUTOFF, 1);
  let cutoff = Math.min(options.cutoff ?? DEFAULT_NEARBY_CUTOFF, maxCutoff);
  const limit = Math.max(0, options.limit);
  const { edgeFrom, edgeTo, edgeLength, edgeOneway } = graph;

  // Per candidate: arrival time at the station and how its snapped point was reached.
  const arrival = new Float64Array(candidates.length);
  const via = new Uint8Array(candidates.length);
  let searches = 0;
  let accepted: number[];
  for (;;) {
    searches++;
    const time = shortestTimes(graph, edgeTime, sources, cutoff, options.heap, predecessor).time;
    accepted = [];
    let certain = 0;
    for (let k = 0; k < candidates.length; k++) {
      const s = snaps[candidates[k]];
      arrival[k] = Infinity;
      if (!s) continue;
      const f = s.edge;
      const length = edgeLength[f];
      const perMetre = length > 0 ? edgeTime[f] / length : 0;
      const oneway = edgeOneway[f];
      let best = Infinity;
      let how = VIA_FROM;
      if (oneway !== -1 && time[edgeFrom[f]] + s.along * perMetre < best) best = time[edgeFrom[f]] + s.along * perMetre;
      if (oneway !== 1 && time[edgeTo[f]] + (length - s.along) * perMetre < best) {
        best = time[edgeTo[f]] + (length - s.along) * perMetre;
        how = VIA_TO;
      }
      if (f === snap.edge && (s.along >= snap.along ? oneway !== -1 : oneway !== 1)) {
        const direct = connector + Math.abs(s.along - snap.along) * perMetre;
        if (direct <= best) {
          best = direct;
          how = VIA_DIRECT;
        }
      }
      if (best === Infinity) continue;
      arrival[k] = best + s.distance / v;
      via[k] = how;
      accepted.push(k);
      if (arrival[k] <= cutoff) certain++;
    }
    if (certain >= limit || cutoff >= maxCutoff || exhausted(net, time)) {
      // Beyond the cutoff a time may not be the shortest unless the whole reachable network was searched.
      if (certain >= limit || cutoff >= maxCutoff) accepted = accepted.filter((k) => arrival[k] <= cutoff);
      break;
    }
    cutoff = Math.min(cutoff * 2, maxCutoff);
  }

  accepted.sort((a, b) => arrival[a] - arrival[b] || candidates[a] - candidates[b]);
  const hits = accepted.slice(0, limit).map((k) => {
    const station = candidates[k];
    const { metres, route } = routeTo(net, lon, lat, snap, predecessor, stations[station], snaps[station]!, via[k]);
    return { station, seconds: arrival[k], metres, route };
  });
  return { ok: true, snap, hits, searches, cutoff };
}

/** True when the search reached everything reachable: no settled vertex has an arc to an unreached one. */
function exhausted(net: ModeNetwork, time: Float64Array): boolean {
  const { arcStart, arcHead, nodeCount } = net.graph;
  for (let u = 0; u < nodeCount; u++) {
    if (time[u] === Infinity) continue;
    for (let a = arcStart[u], end = arcStart[u + 1]; a < end; a++) if (time[arcHead[a]] === Infinity) return false;
  }
  return true;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

/**
 * Geometry points of edge e strictly between `from` and `to` metres along it, in the order travelled
 * (from -> to may run against the edge's direction).
 */
function pointsBetween(net: ModeNetwork, e: number, from: number, to: number, out: number[][]): void {
  const { edgeGeomStart, geomLon, geomLat } = net.graph;
  const offset = net.street.geomOffset;
  const first = edgeGeomStart[e];
  const last = edgeGeomStart[e + 1] - 1;
  if (from <= to) {
    for (let g = first; g <= last; g++)
      if (offset[g] > from && offset[g] < to) out.push([round7(geomLon[g]), round7(geomLat[g])]);
  } else {
    for (let g = last; g >= first; g--)
      if (offset[g] < from && offset[g] > to) out.push([round7(geomLon[g]), round7(geomLat[g])]);
  }
}

function vertexPoint(net: ModeNetwork, vertex: number): number[] {
  return [round7(net.graph.nodeLon[vertex]), round7(net.graph.nodeLat[vertex])];
}

function routeTo(
  net: ModeNetwork,
  lon: number,
  lat: number,
  origin: Snap,
  predecessor: Int32Array,
  station: { lon: number; lat: number },
  target: Snap,
  how: number,
): { metres: number; route: number[][] } {
  const { graph } = net;
  const { edgeFrom, edgeTo, edgeLength, edgeGeomStart, geomLon, geomLat } = graph;
  const route: number[][] = [
    [lon, lat],
    [round7(origin.lon), round7(origin.lat)],
  ];
  let metres = origin.distance + target.distance;
  if (how === VIA_DIRECT) {
    pointsBetween(net, origin.edge, origin.along, target.along, route);
    metres += Math.abs(target.along - origin.along);
  } else {
    // The vertex at which the station's edge is entered, then back along the predecessors to a source.
    const entry = how === VIA_FROM ? edgeFrom[target.edge] : edgeTo[target.edge];
    const path: number[] = [];
    let x = entry;
    while (predecessor[x] !== -1) {
      const g = predecessor[x];
      path.push(g);
      x = edgeTo[g] === x ? edgeFrom[g] : edgeTo[g];
    }
    // x is an end of the origin's edge, where the search started.
    const e = origin.edge;
    const length = edgeLength[e];
    const oneway = graph.edgeOneway[e];
    const fromEnd =
      edgeFrom[e] === x && oneway !== 1 && (edgeTo[e] !== x || oneway === -1 || origin.along <= length - origin.along);
    const end = fromEnd ? 0 : length;
    pointsBetween(net, e, origin.along, end, route);
    route.push(vertexPoint(net, x));
    metres += Math.abs(end - origin.along);
    let at = x;
    for (let k = path.length - 1; k >= 0; k--) {
      const g = path[k];
      const forward = edgeFrom[g] === at;
      const first = edgeGeomStart[g];
      const last = edgeGeomStart[g + 1] - 1;
      if (forward) for (let p = first + 1; p <= last; p++) route.push([round7(geomLon[p]), round7(geomLat[p])]);
      else for (let p = last - 1; p >= first; p--) route.push([round7(geomLon[p]), round7(geomLat[p])]);
      metres += edgeLength[g];
      at = forward ? edgeTo[g] : edgeFrom[g];
    }
    const start = how === VIA_FROM ? 0 : edgeLength[target.edge];
    pointsBetween(net, target.edge, start, target.along, route);
    metres += Math.abs(target.along - start);
  }
  route.push([round7(target.lon), round7(target.lat)], [station.lon, station.lat]);
  // Drop repeated points (a snap on a vertex, a station on its street), keeping the origin's first leg.
  const out = [route[0], route[1]];
  for (let k = 2; k < route.length; k++) {
    const p = out[out.length - 1];
    if (route[k][0] !== p[0] || route[k][1] !== p[1]) out.push(route[k]);
  }
  return { metres, route: out };
}
