/** One-to-all shortest travel times with a cutoff, over the CSR graph. */
import type { StreetGraph } from './graph.js';
import { MinHeap } from './heap.js';

export interface SearchSource {
  node: number;
  /** Seconds already spent reaching this vertex (the connector and the part of the snapped edge). */
  time: number;
  /** Which origin this is (a station's index), carried to every vertex it reaches first. */
  label?: number;
}

export interface SearchResult {
  /** Seconds to each vertex; Infinity where not reached within the cutoff. */
  time: Float64Array;
  /** Vertices settled (popped with a final time). */
  settled: number;
  /** Edges looked at from settled vertices. */
  edgesScanned: number;
  /** The label of the source each vertex was reached from, -1 where unreached. */
  label: Int32Array;
}

/**
 * Dijkstra with lazy decrease-key. `edgeTime[e]` is the time to travel edge e; arcs already encode
 * oneway rules for the graph's mode. Stops at the cutoff (seconds): vertices beyond it stay Infinity.
 * When `predecessor` (one slot per vertex) is given, it receives the edge each reached vertex was
 * entered by, -1 at a source, so paths can be rebuilt; slots of unreached vertices are left as they were.
 */
export function shortestTimes(
  graph: StreetGraph,
  edgeTime: Float64Array,
  sources: SearchSource[],
  cutoff: number,
  heap = new MinHeap(),
  predecessor?: Int32Array,
): SearchResult {
  const time = new Float64Array(graph.nodeCount).fill(Infinity);
  const done = new Uint8Array(graph.nodeCount);
  const label = new Int32Array(graph.nodeCount).fill(-1);
  heap.clear();
  for (const s of sources) {
    if (s.time <= cutoff && s.time < time[s.node]) {
      time[s.node] = s.time;
      label[s.node] = s.label ?? 0;
      if (predecessor) predecessor[s.node] = -1;
      heap.push(s.node, s.time);
    }
  }
  const { arcStart, arcEdge, arcHead } = graph;
  let settled = 0;
  let edgesScanned = 0;
  while (heap.length) {
    const t = heap.peekPriority();
    const v = heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    settled++;
    edgesScanned += arcStart[v + 1] - arcStart[v];
    for (let a = arcStart[v], end = arcStart[v + 1]; a < end; a++) {
      const w = arcHead[a];
      if (done[w]) continue;
      const tw = t + edgeTime[arcEdge[a]];
      if (tw < time[w] && tw <= cutoff) {
        time[w] = tw;
        label[w] = label[v];
        if (predecessor) predecessor[w] = arcEdge[a];
        heap.push(w, tw);
      }
    }
  }
  return { time, settled, edgesScanned, label };
}
