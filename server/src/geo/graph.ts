/**
 * The street graph as compressed sparse rows. Vertices are way ends and nodes shared by two or more
 * ways; each edge keeps its polyline (for snapping and for drawing) and its geodesic length.
 */
import { distanceM } from './ellipsoid.js';
import { modeFilter, onewayDirection, type OsmData, type TravelMode } from './osm.js';

/** The graph's typed arrays by name: what is written to disk and shared with worker threads. */
export const STREET_GRAPH_ARRAYS = [
  'nodeLon',
  'nodeLat',
  'nodeOsmId',
  'edgeFrom',
  'edgeTo',
  'edgeLength',
  'edgeOneway',
  'edgeClass',
  'edgeGeomStart',
  'geomLon',
  'geomLat',
  'arcStart',
  'arcEdge',
  'arcHead',
] as const;

export interface StreetGraph {
  mode: TravelMode;
  nodeCount: number;
  edgeCount: number;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
  /** OSM id of each vertex (float64 holds every OSM id exactly). */
  nodeOsmId: Float64Array;
  edgeFrom: Uint32Array;
  edgeTo: Uint32Array;
  edgeLength: Float64Array;
  /** +1 may be travelled from -> to only, -1 to -> from only, 0 both. */
  edgeOneway: Int8Array;
  /** Index into `highwayClasses`. */
  edgeClass: Uint8Array;
  highwayClasses: string[];
  /** Edge e's polyline is geomLon/geomLat[edgeGeomStart[e] .. edgeGeomStart[e + 1]). */
  edgeGeomStart: Uint32Array;
  geomLon: Float64Array;
  geomLat: Float64Array;
  /** Outgoing arcs of vertex v are arcStart[v] .. arcStart[v + 1]: arcEdge (edge index) and arcHead (vertex). */
  arcStart: Uint32Array;
  arcEdge: Uint32Array;
  arcHead: Uint32Array;
}

export interface GraphBuildReport {
  waysUsed: number;
  /** Way node references that the file does not contain (an extract cut through the way). */
  missingNodeRefs: number;
}

export function buildStreetGraph(
  osm: OsmData,
  mode: TravelMode = 'walk',
): { graph: StreetGraph; report: GraphBuildReport } {
  const accept = modeFilter(mode);
  const ways = osm.ways.filter((w) => accept(w.tags));
  let missingNodeRefs = 0;

  // How often each node is used; way ends count as junctions.
  const useCount = new Map<number, number>();
  const runs: { way: (typeof ways)[number]; refs: number[] }[] = [];
  for (const way of ways) {
    // A missing node splits the way: an extract's border cuts streets, and we keep both stubs.
    let run: number[] = [];
    const flush = () => {
      if (run.length >= 2) runs.push({ way, refs: run });
      run = [];
    };
    for (const ref of way.refs) {
      if (osm.nodes.has(ref)) run.push(ref);
      else {
        missingNodeRefs++;
        flush();
      }
    }
    flush();
  }
  for (const { refs } of runs) {
    for (let i = 0; i < refs.length; i++) {
      const isEnd = i === 0 || i === refs.length - 1;
      useCount.set(refs[i], (useCount.get(refs[i]) ?? 0) + (isEnd ? 2 : 1));
    }
  }

  const vertexOf = new Map<number, number>();
  const nodeOsm: number[] = [];
  const vertex = (ref: number) => {
    let v = vertexOf.get(ref);
    if (v === undefined) {
      v = nodeOsm.length;
      vertexOf.set(ref, v);
      nodeOsm.push(ref);
    }
    return v;
  };

  const classes: string[] = [];
  const classIndex = new Map<string, number>();
  const from: number[] = [];
  const to: number[] = [];
  const length: number[] = [];
  const oneway: number[] = [];
  const cls: number[] = [];
  const geomStart: number[] = [0];
  const gLon: number[] = [];
  const gLat: number[] = [];

  for (const { way, refs } of runs) {
    const highway = way.tags.highway;
    let c = classIndex.get(highway);
    if (c === undefined) {
      c = classes.length;
      classes.push(highway);
      classIndex.set(highway, c);
    }
    const dir = onewayDirection(way.tags, mode);
    let start = 0;
    let len = 0;
    let [pLon, pLat] = osm.nodes.get(refs[0])!;
    gLon.push(pLon);
    gLat.push(pLat);
    for (let i = 1; i < refs.length; i++) {
      const [lon, lat] = osm.nodes.get(refs[i])!;
      len += distanceM(pLon, pLat, lon, lat);
      gLon.push(lon);
      gLat.push(lat);
      pLon = lon;
      pLat = lat;
      if (i === refs.length - 1 || (useCount.get(refs[i]) ?? 0) >= 2) {
        from.push(vertex(refs[start]));
        to.push(vertex(refs[i]));
        length.push(len);
        oneway.push(dir);
        cls.push(c);
        geomStart.push(gLon.length);
        if (i < refs.length - 1) {
          // The next edge starts at this vertex: repeat it in the geometry.
          gLon.push(lon);
          gLat.push(lat);
        }
        start = i;
        len = 0;
      }
    }
  }

  const nodeCount = nodeOsm.length;
  const edgeCount = from.length;
  const nodeLon = new Float64Array(nodeCount);
  const nodeLat = new Float64Array(nodeCount);
  for (let v = 0; v < nodeCount; v++) {
    const [lon, lat] = osm.nodes.get(nodeOsm[v])!;
    nodeLon[v] = lon;
    nodeLat[v] = lat;
  }

  const edgeFrom = Uint32Array.from(from);
  const edgeTo = Uint32Array.from(to);
  const edgeOneway = Int8Array.from(oneway);
  // Arcs: an edge is an arc from -> to unless oneway -1, and to -> from unless oneway +1.
  const degree = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) {
    if (edgeOneway[e] !== -1) degree[edgeFrom[e] + 1]++;
    if (edgeOneway[e] !== 1) degree[edgeTo[e] + 1]++;
  }
  for (let v = 0; v < nodeCount; v++) degree[v + 1] += degree[v];
  const arcStart = degree;
  const arcCount = arcStart[nodeCount];
  const arcEdge = new Uint32Array(arcCount);
  const arcHead = new Uint32Array(arcCount);
  const fill = arcStart.slice(0, nodeCount);
  for (let e = 0; e < edgeCount; e++) {
    if (edgeOneway[e] !== -1) {
      const a = fill[edgeFrom[e]]++;
      arcEdge[a] = e;
      arcHead[a] = edgeTo[e];
    }
    if (edgeOneway[e] !== 1) {
      const a = fill[edgeTo[e]]++;
      arcEdge[a] = e;
      arcHead[a] = edgeFrom[e];
    }
  }

  const graph: StreetGraph = {
    mode,
    nodeCount,
    edgeCount,
    nodeLon,
    nodeLat,
    nodeOsmId: Float64Array.from(nodeOsm),
    edgeFrom,
    edgeTo,
    edgeLength: Float64Array.from(length),
    edgeOneway,
    edgeClass: Uint8Array.from(cls),
    highwayClasses: classes,
    edgeGeomStart: Uint32Array.from(geomStart),
    geomLon: Float64Array.from(gLon),
    geomLat: Float64Array.from(gLat),
    arcStart,
    arcEdge,
    arcHead,
  };
  return { graph, report: { waysUsed: ways.length, missingNodeRefs } };
}

export interface Components {
  /** Component index of each vertex, 0 = the largest. */
  componentOf: Uint32Array;
  /** Vertex count of each component, largest first. */
  sizes: number[];
}

/** Weakly connected components (oneway ignored), by union-find over the edges. */
export function connectedComponents(graph: StreetGraph): Components {
  const parent = new Uint32Array(graph.nodeCount);
  for (let v = 0; v < graph.nodeCount; v++) parent[v] = v;
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  };
  for (let e = 0; e < graph.edgeCount; e++) {
    const a = find(graph.edgeFrom[e]);
    const b = find(graph.edgeTo[e]);
    if (a !== b) parent[a] = b;
  }
  const counts = new Map<number, number>();
  for (let v = 0; v < graph.nodeCount; v++) {
    const r = find(v);
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const roots = [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const rank = new Map<number, number>();
  roots.forEach(([r], i) => rank.set(r, i));
  const componentOf = new Uint32Array(graph.nodeCount);
  for (let v = 0; v < graph.nodeCount; v++) componentOf[v] = rank.get(find(v))!;
  return { componentOf, sizes: roots.map(([, n]) => n) };
}
