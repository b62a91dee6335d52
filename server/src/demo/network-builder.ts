/**
 * Builds an OSM-like street network in a local metric plane: nodes, ways with tags, and a noding pass
 * that puts a shared node wherever two at-grade streets cross (as mappers do), so the generated network
 * goes through the same graph builder as a real extract.
 */
import type { LocalPlane } from '../geo/ellipsoid.js';
import type { OsmData, OsmTags } from '../geo/osm.js';

export type XY = [number, number];

interface Way {
  id: number;
  nodes: number[];
  tags: OsmTags;
  /** Grade-separated ways (motorways and their ramps) cross others without a junction. */
  separated: boolean;
  /** A way that meets the river may bridge it (else the crossing segment is dropped). */
  mayBridge: boolean;
}

/** Segment intersection parameters (t along p, u along q), or null when they do not properly cross. */
function crossing(p0: XY, p1: XY, q0: XY, q1: XY): [number, number] | null {
  const rx = p1[0] - p0[0];
  const ry = p1[1] - p0[1];
  const sx = q1[0] - q0[0];
  const sy = q1[1] - q0[1];
  const den = rx * sy - ry * sx;
  if (Math.abs(den) < 1e-9) return null;
  const qpx = q0[0] - p0[0];
  const qpy = q0[1] - p0[1];
  const t = (qpx * sy - qpy * sx) / den;
  const u = (qpx * ry - qpy * rx) / den;
  const eps = 1e-7;
  if (t <= eps || t >= 1 - eps || u <= eps || u >= 1 - eps) return null;
  return [t, u];
}

export function segmentsCross(p0: XY, p1: XY, q0: XY, q1: XY): boolean {
  return crossing(p0, p1, q0, q1) !== null;
}

export class NetworkBuilder {
  readonly xy: XY[] = [];
  private ways: Way[] = [];
  private nextWayId = 1;

  addNode(p: XY): number {
    this.xy.push([p[0], p[1]]);
    return this.xy.length - 1;
  }

  /** Adds a way through existing node ids. */
  addWay(nodes: number[], tags: OsmTags, options: { separated?: boolean; mayBridge?: boolean } = {}): number {
    if (nodes.length < 2) return -1;
    const id = this.nextWayId++;
    this.ways.push({ id, nodes, tags, separated: options.separated ?? false, mayBridge: options.mayBridge ?? false });
    return id;
  }

  /** Adds a way through new nodes at the given points, optionally reusing a node id at either end. */
  addPolyline(
    points: XY[],
    tags: OsmTags,
    options: { startNode?: number; endNode?: number; separated?: boolean; mayBridge?: boolean } = {},
  ): number[] {
    const ids = points.map((p, i) => {
      if (i === 0 && options.startNode !== undefined) return options.startNode;
      if (i === points.length - 1 && options.endNode !== undefined) return options.endNode;
      return this.addNode(p);
    });
    this.addWay(ids, tags, options);
    return ids;
  }

  /**
   * Inserts a shared node at every proper crossing of two at-grade ways. Uses a uniform grid of
   * segment bounding boxes, so it stays near-linear for county-sized networks.
   */
  nodeCrossings(cell = 250): void {
    interface Seg {
      way: number;
      index: number;
    }
    const buckets = new Map<string, Seg[]>();
    const key = (cx: number, cy: number) => `${cx},${cy}`;
    this.ways.forEach((way, w) => {
      if (way.separated) return;
      for (let i = 0; i + 1 < way.nodes.length; i++) {
        const a = this.xy[way.nodes[i]];
        const b = this.xy[way.nodes[i + 1]];
        const x0 = Math.floor(Math.min(a[0], b[0]) / cell);
        const x1 = Math.floor(Math.max(a[0], b[0]) / cell);
        const y0 = Math.floor(Math.min(a[1], b[1]) / cell);
        const y1 = Math.floor(Math.max(a[1], b[1]) / cell);
        for (let cx = x0; cx <= x1; cx++)
          for (let cy = y0; cy <= y1; cy++) {
            const k = key(cx, cy);
            let list = buckets.get(k);
            if (!list) buckets.set(k, (list = []));
            list.push({ way: w, index: i });
          }
      }
    });
    // insertions[way][segment] = [(t, node)]
    const insertions = new Map<number, Map<number, [number, number][]>>();
    const add = (w: number, i: number, t: number, node: number) => {
      let perWay = insertions.get(w);
      if (!perWay) insertions.set(w, (perWay = new Map()));
      let list = perWay.get(i);
      if (!list) perWay.set(i, (list = []));
      list.push([t, node]);
    };
    const seen = new Set<string>();
    for (const list of buckets.values()) {
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          const s = list[i];
          const r = list[j];
          if (s.way === r.way && Math.abs(s.index - r.index) <= 1) continue;
          const pairKey =
            s.way < r.way || (s.way === r.way && s.index < r.index)
              ? `${s.way}:${s.index}|${r.way}:${r.index}`
              : `${r.way}:${r.index}|${s.way}:${s.index}`;
          if (seen.has(pairKey)) continue;
          seen.add(pairKey);
          const ws = this.ways[s.way];
          const wr = this.ways[r.way];
          const p0 = this.xy[ws.nodes[s.index]];
          const p1 = this.xy[ws.nodes[s.index + 1]];
          const q0 = this.xy[wr.nodes[r.index]];
          const q1 = this.xy[wr.nodes[r.index + 1]];
          const hit = crossing(p0, p1, q0, q1);
          if (!hit) continue;
          const node = this.addNode([p0[0] + hit[0] * (p1[0] - p0[0]), p0[1] + hit[0] * (p1[1] - p0[1])]);
          add(s.way, s.index, hit[0], node);
          add(r.way, r.index, hit[1], node);
        }
    }
    for (const [w, perWay] of insertions) {
      const way = this.ways[w];
      const nodes: number[] = [];
      for (let i = 0; i < way.nodes.length; i++) {
        nodes.push(way.nodes[i]);
        const list = perWay.get(i);
        if (list) for (const [, node] of list.sort((a, b) => a[0] - b[0])) nodes.push(node);
      }
      way.nodes = nodes;
    }
  }

  /**
   * Where a way crosses the river line: a way that may bridge gets that segment split off as a bridge;
   * any other way loses the segment, ending at the banks. Returns the number of bridges built.
   */
  applyRiver(river: XY[], bridgeName: (way: OsmTags) => string | undefined): number {
    let bridges = 0;
    const crossesRiver = (a: XY, b: XY) => {
      for (let k = 0; k + 1 < river.length; k++) if (segmentsCross(a, b, river[k], river[k + 1])) return true;
      return false;
    };
    const result: Way[] = [];
    for (const way of this.ways) {
      let piece: number[] = [way.nodes[0]];
      let crossed = false;
      for (let i = 0; i + 1 < way.nodes.length; i++) {
        const a = way.nodes[i];
        const b = way.nodes[i + 1];
        if (!crossesRiver(this.xy[a], this.xy[b])) {
          piece.push(b);
          continue;
        }
        crossed = true;
        if (piece.length >= 2) result.push({ ...way, id: this.nextWayId++, nodes: piece });
        if (way.mayBridge) {
          const name = bridgeName(way.tags);
          const tags: OsmTags = { ...way.tags, bridge: 'yes', layer: '1' };
          if (name) tags.name = name;
          result.push({ ...way, id: this.nextWayId++, nodes: [a, b], tags });
          bridges++;
        }
        piece = [b];
      }
      if (!crossed) result.push(way);
      else if (piece.length >= 2) result.push({ ...way, id: this.nextWayId++, nodes: piece });
    }
    this.ways = result;
    return bridges;
  }

  /** Removes ways for which `drop` says so. */
  removeWays(drop: (tags: OsmTags, nodes: readonly number[]) => boolean): void {
    this.ways = this.ways.filter((w) => !drop(w.tags, w.nodes));
  }

  /** Drops dangling stubs shorter than `maxLength` metres (left where footpaths overshoot a street). */
  trimStubs(maxLength: number): void {
    for (let pass = 0; pass < 2; pass++) {
      const degree = new Map<number, number>();
      for (const w of this.ways)
        w.nodes.forEach((n, i) => {
          const d = i === 0 || i === w.nodes.length - 1 ? 1 : 2;
          degree.set(n, (degree.get(n) ?? 0) + d);
        });
      const len = (a: number, b: number) => Math.hypot(this.xy[a][0] - this.xy[b][0], this.xy[a][1] - this.xy[b][1]);
      for (const w of this.ways) {
        while (w.nodes.length > 2 && degree.get(w.nodes[0]) === 1 && len(w.nodes[0], w.nodes[1]) < maxLength)
          w.nodes.shift();
        while (
          w.nodes.length > 2 &&
          degree.get(w.nodes[w.nodes.length - 1]) === 1 &&
          len(w.nodes[w.nodes.length - 1], w.nodes[w.nodes.length - 2]) < maxLength
        )
          w.nodes.pop();
      }
    }
  }

  /** Non-street features (the river, the water area) go straight into the output. */
  addFeatureWay(points: XY[], tags: OsmTags, closed = false): void {
    const ids = points.map((p) => this.addNode(p));
    if (closed) ids.push(ids[0]);
    this.ways.push({ id: this.nextWayId++, nodes: ids, tags, separated: true, mayBridge: false });
  }

  get wayCount(): number {
    return this.ways.length;
  }

  /** Every way and the nodes they use, converted to lon/lat, with OSM-style positive ids. */
  toOsm(plane: LocalPlane): OsmData {
    const nodes = new Map<number, [number, number]>();
    const ways = this.ways.map((w) => {
      for (const n of w.nodes) {
        if (!nodes.has(n + 1)) {
          const [lon, lat] = plane.toLonLat(this.xy[n][0], this.xy[n][1]);
          nodes.set(n + 1, [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]);
        }
      }
      return { id: w.id, refs: w.nodes.map((n) => n + 1), tags: w.tags };
    });
    return { nodes, ways };
  }
}
