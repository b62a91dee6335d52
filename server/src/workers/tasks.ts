/**
 * The heavy computations the server hands to its worker threads (service areas, every station's
 * area, coverage, gaps, the partition, what-if and suggestions), as plain functions of the network and
 * a task. The same functions run on the main thread when there are no workers (WORKERS=0) or when a
 * request is known to be small. Inputs and outputs are structured-cloneable: large answers come back
 * as UTF-8 JSON in a SharedArrayBuffer and grids in shared typed arrays, so nothing big is copied on
 * the main thread; the coverage data travels as one JSON string, parsed once per worker.
 */
import { CoverageExtentError, type CoverageResult } from '../geo/coverage.js';
import { MinHeap } from '../geo/heap.js';
import { nearestStations, type NearbyHit } from '../geo/nearby.js';
import type { Snap } from '../geo/snap.js';
import type { TravelMode } from '../geo/osm.js';
import type { ModeNetwork } from '../geo/service-area.js';
import {
  coverageSummary,
  gapsOf,
  partitionOf,
  runCoverage,
  suggestionsFor,
  whatIfOf,
  type CoverageData,
  type CoverageParams,
  type CoverageRun,
} from '../network/coverage-service.js';
import {
  serviceAreaJson,
  stationAreasJson,
  type ServiceAreaRequest,
  type StationPlace,
} from '../network/service-areas.js';

type Network = { modes: Record<TravelMode, ModeNetwork> };

/** The coverage data as one JSON string, keyed by its fingerprint. */
export interface DataRef {
  key: string;
  json: string;
}

/** A saved coverage run, as a task carries it: the result's grids are shared, not copied. */
export interface RunRef {
  data: DataRef;
  params: CoverageParams;
  stations: CoverageData['stations'];
  result: CoverageResult;
}

/**
 * Stations and their points on one mode's network, in shared memory: made once per station table and
 * network on the main thread, read by every worker without a copy (a null snap has edge -1).
 */
export interface SharedStationSnaps {
  key: string;
  lon: Float64Array;
  lat: Float64Array;
  edge: Int32Array;
  along: Float64Array;
  snapLon: Float64Array;
  snapLat: Float64Array;
  distance: Float64Array;
}

export function shareStationSnaps(
  key: string,
  stations: { lon: number; lat: number }[],
  snaps: (Snap | null)[],
): SharedStationSnaps {
  const n = stations.length;
  const f64 = () => new Float64Array(new SharedArrayBuffer(8 * n));
  const out: SharedStationSnaps = {
    key,
    lon: f64(),
    lat: f64(),
    edge: new Int32Array(new SharedArrayBuffer(4 * n)),
    along: f64(),
    snapLon: f64(),
    snapLat: f64(),
    distance: f64(),
  };
  stations.forEach((s, i) => {
    out.lon[i] = s.lon;
    out.lat[i] = s.lat;
    const snap = snaps[i];
    out.edge[i] = snap ? snap.edge : -1;
    if (!snap) return;
    out.along[i] = snap.along;
    out.snapLon[i] = snap.lon;
    out.snapLat[i] = snap.lat;
    out.distance[i] = snap.distance;
  });
  return out;
}

// Stations and snaps rebuilt from their shared arrays, by key: the last few station tables and modes.
const stationSets = new Map<string, { stations: { lon: number; lat: number }[]; snaps: (Snap | null)[] }>();
function stationsOf(shared: SharedStationSnaps) {
  let set = stationSets.get(shared.key);
  if (!set) {
    const stations = Array.from(shared.lon, (lon, i) => ({ lon, lat: shared.lat[i] }));
    const snaps = Array.from(shared.edge, (edge, i): Snap | null =>
      edge < 0
        ? null
        : {
            edge,
            along: shared.along[i],
            lon: shared.snapLon[i],
            lat: shared.snapLat[i],
            distance: shared.distance[i],
          },
    );
    if (stationSets.size >= 4) stationSets.delete(stationSets.keys().next().value!);
    stationSets.set(shared.key, (set = { stations, snaps }));
  }
  return set;
}

export type Task =
  | { kind: 'isochrone'; request: ServiceAreaRequest }
  | {
      kind: 'nearby';
      mode: TravelMode;
      lon: number;
      lat: number;
      limit: number;
      stations: SharedStationSnaps;
      candidates: number[];
    }
  | { kind: 'stationAreas'; stations: StationPlace[]; minutes: number; mode: TravelMode }
  | { kind: 'coverage'; data: DataRef; params: CoverageParams }
  | { kind: 'gaps'; run: RunRef; region: string | null }
  | { kind: 'partition'; run: RunRef }
  | {
      kind: 'scenario';
      /** The saved state's run: the scenario is computed on its data, parameters and grid, and compared with it. */
      base: RunRef;
      stations: CoverageData['stations'];
      gaps: boolean;
    }
  | {
      kind: 'suggestions';
      run: RunRef;
      k: number;
      region: string | null;
      extra: { lon: number; lat: number }[];
    };

/** A refusal the client should see (a 4xx), carried as data because errors lose their class between threads. */
export interface TaskRefusal {
  refused: { status: number; code: string; message: string };
}

export interface TaskResults {
  isochrone: { json: Uint8Array } | TaskRefusal;
  nearby: { snapDistance: number; hits: NearbyHit[] } | { tooFar: true };
  stationAreas: { json: Uint8Array };
  coverage: { result: CoverageResult } | TaskRefusal;
  gaps: { gaps: Uint8Array; uncovered: Uint8Array };
  partition: { json: Uint8Array };
  scenario:
    | {
        summary: ReturnType<typeof coverageSummary>;
        /** The gap polygons with the scenario (JSON), null without geometry. */
        gaps: Uint8Array | null;
        /** A JSON object: gained, lost, uncovered (null without geometry) and villages (see whatIfOf). */
        changes: Uint8Array;
      }
    | TaskRefusal;
  suggestions: ReturnType<typeof suggestionsFor>;
}

export type TaskOf<K extends Task['kind']> = Extract<Task, { kind: K }>;

/** UTF-8 bytes in shared memory: handed to the main thread without a copy. */
export function sharedUtf8(text: string): Uint8Array {
  const bytes = Buffer.byteLength(text);
  const out = new Uint8Array(new SharedArrayBuffer(bytes));
  Buffer.from(out.buffer, 0, bytes).write(text);
  return out;
}

// Parsed coverage data by key: the last two (the saved state and one being edited).
const datasets = new Map<string, CoverageData>();
function dataOf(ref: DataRef): CoverageData {
  let data = datasets.get(ref.key);
  if (!data) {
    data = JSON.parse(ref.json) as CoverageData;
    if (datasets.size >= 2) datasets.delete(datasets.keys().next().value!);
    datasets.set(ref.key, data);
  }
  return data;
}

const runOf = (ref: RunRef): CoverageRun => ({
  data: dataOf(ref.data),
  params: ref.params,
  stations: ref.stations,
  result: ref.result,
});

const extentRefusal = (err: unknown): TaskRefusal | null =>
  err instanceof CoverageExtentError
    ? { refused: { status: 422, code: 'EXTENT_TOO_LARGE', message: err.message } }
    : null;

/** Runs one task on this thread. `network` is null only where no street network is loaded. */
export function runTask<K extends Task['kind']>(
  network: Network | null,
  task: TaskOf<K>,
  heap: MinHeap = new MinHeap(1 << 16),
): TaskResults[K] {
  return run(network, task as Task, heap) as TaskResults[K];
}

function run(network: Network | null, task: Task, heap: MinHeap): TaskResults[Task['kind']] {
  switch (task.kind) {
    case 'isochrone': {
      const out = serviceAreaJson(network, task.request, heap);
      return out.ok
        ? { json: sharedUtf8(out.json) }
        : { refused: { status: 422, code: 'TOO_FAR_FROM_STREET', message: out.message } };
    }
    case 'stationAreas':
      return { json: sharedUtf8(stationAreasJson(network, task.stations, task.minutes, task.mode, heap)) };
  }
  if (!network) throw new Error(`${task.kind} needs a street network`);
  try {
    switch (task.kind) {
      case 'nearby': {
        const { stations, snaps } = stationsOf(task.stations);
        const found = nearestStations(network.modes[task.mode], task.lon, task.lat, stations, snaps, task.candidates, {
          limit: task.limit,
          heap,
        });
        return found.ok ? { snapDistance: found.snap.distance, hits: found.hits } : { tooFar: true as const };
      }
      case 'coverage':
        return {
          result: runCoverage(network, dataOf(task.data), task.params, undefined, heap, { shared: true }).result,
        };
      case 'gaps': {
        const { gaps, uncovered } = gapsOf(runOf(task.run), task.region);
        return { gaps: sharedUtf8(JSON.stringify(gaps)), uncovered: sharedUtf8(JSON.stringify(uncovered)) };
      }
      case 'partition':
        return { json: sharedUtf8(JSON.stringify(partitionOf(network, runOf(task.run)))) };
      case 'scenario': {
        const base = runOf(task.base);
        const { grid, regionOf, regionBox, outside } = base.result;
        const run = runCoverage(network, base.data, base.params, task.stations, heap, {
          areaGrid: { grid, regionOf, regionBox, outside },
        });
        const { gained, lost, villages } = whatIfOf(base, run, task.gaps);
        const gaps = task.gaps ? gapsOf(run, null) : null;
        return {
          summary: coverageSummary(run),
          gaps: gaps ? sharedUtf8(JSON.stringify(gaps.gaps)) : null,
          changes: sharedUtf8(JSON.stringify({ gained, lost, uncovered: gaps?.uncovered ?? null, villages })),
        };
      }
      case 'suggestions':
        return suggestionsFor(network, runOf(task.run), task.k, task.region, task.extra, heap);
    }
  } catch (err) {
    const refusal = extentRefusal(err);
    if (refusal) return refusal;
    throw err;
  }
}
