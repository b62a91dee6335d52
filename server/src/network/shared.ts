/**
 * The street network in shared memory, so worker threads compute on the very arrays the main thread
 * holds instead of each loading a copy: every typed array of the graphs, the edge times and the
 * snapping indexes is moved once into a SharedArrayBuffer, the main thread's own state is pointed at
 * the shared arrays (its private copies are then garbage), and a worker rebuilds the few objects
 * around them (a Flatbush view, the mode profiles) in about a millisecond.
 * Why shared rather than loaded per worker: on the demo district loading the files and preparing them
 * costs 40-70 ms and 4-6 MB per worker (a prefecture's network, hundreds of MB each); sharing costs one
 * copy at start (2.5 ms here) and nothing per worker, and a worker started later can never see a network
 * rebuilt on disk since (import-osm) that the server has not loaded.
 */
import Flatbush from 'flatbush';
import { STREET_GRAPH_ARRAYS, type StreetGraph } from '../geo/graph.js';
import { MODE_PROFILES } from '../geo/modes.js';
import { TRAVEL_MODES, type TravelMode } from '../geo/osm.js';
import type { ModeNetwork } from '../geo/service-area.js';
import type { StreetIndex } from '../geo/snap.js';
import type { NetworkState } from './state.js';

/** What the engine needs of a network: its modes, and its build id to key caches with. */
export interface EngineNetwork {
  buildId: string;
  modes: Record<TravelMode, ModeNetwork>;
}

type Typed = Float64Array | Float32Array | Uint32Array | Int32Array | Uint16Array | Int8Array | Uint8Array;

interface SharedIndex {
  data: SharedArrayBuffer;
  segEdge: Uint32Array;
  segStart: Uint32Array;
  geomOffset: Float64Array;
}

/** Structured-cloneable: every array here is backed by a SharedArrayBuffer, so cloning shares it. */
export interface SharedNetwork {
  buildId: string;
  graphs: StreetGraph[];
  indexes: SharedIndex[];
  modes: Record<TravelMode, { graph: number; index: number; edgeTime: Float64Array }>;
}

function shared<T extends Typed>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
  copy.set(a as never);
  return copy;
}

function sharedIndex(index: Flatbush): { index: Flatbush; data: SharedArrayBuffer } {
  if (index.data instanceof SharedArrayBuffer) return { index, data: index.data };
  const data = new SharedArrayBuffer(index.data.byteLength);
  new Uint8Array(data).set(new Uint8Array(index.data));
  return { index: Flatbush.from(data), data };
}

const sharedNetworks = new WeakMap<NetworkState, SharedNetwork>();

/**
 * The network's arrays in shared memory. The state passed in is updated to use them (its results do
 * not change: the values are the same), so the process holds one copy. Done once per state.
 */
export function shareNetwork(state: NetworkState): SharedNetwork {
  const done = sharedNetworks.get(state);
  if (done) return done;
  const graphs: StreetGraph[] = [];
  const indexes: SharedIndex[] = [];
  const graphIds = new Map<StreetGraph, number>();
  const indexIds = new Map<StreetIndex, number>();
  const modes = {} as SharedNetwork['modes'];
  for (const mode of TRAVEL_MODES) {
    const net = state.modes[mode];
    let g = graphIds.get(net.graph);
    if (g === undefined) {
      for (const name of STREET_GRAPH_ARRAYS)
        (net.graph as unknown as Record<string, Typed>)[name] = shared(net.graph[name]);
      g = graphs.push(net.graph) - 1;
      graphIds.set(net.graph, g);
    }
    let i = indexIds.get(net.street);
    if (i === undefined) {
      const street = net.street;
      const { index, data } = sharedIndex(street.index);
      street.index = index;
      street.segEdge = shared(street.segEdge);
      street.segStart = shared(street.segStart);
      street.geomOffset = shared(street.geomOffset);
      i = indexes.push({ data, segEdge: street.segEdge, segStart: street.segStart, geomOffset: street.geomOffset }) - 1;
      indexIds.set(street, i);
    }
    net.edgeTime = shared(net.edgeTime);
    modes[mode] = { graph: g, index: i, edgeTime: net.edgeTime };
  }
  const result: SharedNetwork = { buildId: networkBuildId(state), graphs, indexes, modes };
  sharedNetworks.set(state, result);
  return result;
}

/** The engine's view of a shared network, in a worker thread. */
export function networkFromShared(shared: SharedNetwork): EngineNetwork {
  const streets = shared.indexes.map((s): StreetIndex => ({
    index: Flatbush.from(s.data),
    segEdge: s.segEdge,
    segStart: s.segStart,
    geomOffset: s.geomOffset,
  }));
  const modes = {} as Record<TravelMode, ModeNetwork>;
  for (const mode of TRAVEL_MODES) {
    const m = shared.modes[mode];
    modes[mode] = {
      graph: shared.graphs[m.graph],
      street: streets[m.index],
      edgeTime: m.edgeTime,
      profile: MODE_PROFILES[mode],
    };
  }
  return { buildId: shared.buildId, modes };
}

/** Identifies the loaded network in cache keys: where it came from and when it was built. */
export const networkBuildId = (state: Pick<NetworkState, 'report'>) => `${state.report.source}@${state.report.builtAt}`;

/** The main thread's engine view of its state. */
export const engineNetwork = (state: NetworkState): EngineNetwork => ({
  buildId: networkBuildId(state),
  modes: state.modes,
});
