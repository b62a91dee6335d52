/**
 * The saved state's coverage, computed once per (budget, mode, levels, data, network) in a worker
 * thread and shared by the coverage routes, the heatmap of uncovered people and the big screen's
 * figures; and the answers derived from it (gaps, partition, suggestions, what-if), also computed in
 * workers. Everything is kept in one cache bounded by bytes, keyed by every parameter, and concurrent
 * identical requests wait on one computation.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, StationLevel } from '../db/schema.js';
import { HttpError } from '../plugins/errors.js';
import type { HeavyWork } from '../workers/pool.js';
import type { DataRef, RunRef, TaskResults } from '../workers/tasks.js';
import { ByteCache, approximateBytes } from './byte-cache.js';
import {
  coverageSummary,
  loadCoverageData,
  type CoverageData,
  type CoverageParams,
  type CoverageRun,
} from './coverage-service.js';
import { minutesOverLimit } from './limits.js';
import { networkBuildId } from './shared.js';
import type { NetworkState } from './state.js';

/** Points (实践点) are bases and posts, not staffed stations: by default they do not count. */
export const DEFAULT_COVERAGE_LEVELS: StationLevel[] = ['center', 'institute', 'station'];

/**
 * Bytes of coverage kept: runs (their grids are most of it: 6 bytes a 25 m cell, about 11 MB for the
 * demo district) and the answers made from them.
 */
export const COVERAGE_CACHE_BYTES = 256 * 1024 * 1024;

export const noNetwork = (what = 'coverage') =>
  new HttpError(
    409,
    'NO_NETWORK',
    `No street network is loaded: ${what} needs one (npm run cli -- import-osm, or the demo)`,
  );

type Suggestions = TaskResults['suggestions'];
type Scenario = Exclude<TaskResults['scenario'], { refused: unknown }>;
type Cached =
  | { kind: 'run'; run: CoverageRun }
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'gaps'; gaps: Buffer; uncovered: Buffer }
  | { kind: 'suggestions'; value: Suggestions }
  | { kind: 'scenario'; value: Scenario };

const sizeOf = (c: Cached): number => {
  switch (c.kind) {
    case 'run':
      // The data itself is shared by every run of the same state and held by loadCoverageData.
      return approximateBytes(c.run.result) + approximateBytes(c.run.stations);
    case 'bytes':
      return c.bytes.byteLength;
    case 'gaps':
      return c.gaps.byteLength + c.uncovered.byteLength;
    default:
      return approximateBytes(c.value);
  }
};

/**
 * A worker's shared UTF-8 bytes as a Buffer to send. Copied once (a memcpy, about 0.1 ms a megabyte):
 * Fastify sends only Buffers over an ordinary ArrayBuffer as they are.
 */
export function bufferOf(bytes: Uint8Array): Buffer {
  if (!(bytes.buffer instanceof SharedArrayBuffer))
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = Buffer.allocUnsafeSlow(bytes.byteLength);
  out.set(bytes);
  return out;
}

const hashOf = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64url');

export class CoverageCache {
  private readonly cache: ByteCache<Cached>;
  private readonly json = new WeakMap<CoverageData, DataRef>();
  private readonly keys = new WeakMap<CoverageRun, string>();
  private readonly summaries = new WeakMap<CoverageRun, ReturnType<typeof coverageSummary>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly network: NetworkState | null,
    private readonly work: HeavyWork,
    maxBytes = COVERAGE_CACHE_BYTES,
  ) {
    this.cache = new ByteCache<Cached>(maxBytes, sizeOf);
  }

  /** Bytes held now, and the bound. */
  get usage() {
    return { bytes: this.cache.bytes, maxBytes: this.cache.maxBytes, entries: this.cache.size };
  }

  private checked(params: CoverageParams): NetworkState {
    if (!this.network) throw noNetwork();
    const over = minutesOverLimit('minutes', params.minutes, params.mode);
    if (over) throw new HttpError(400, 'BAD_REQUEST', over);
    return this.network;
  }

  private dataRef(data: CoverageData): DataRef {
    let ref = this.json.get(data);
    if (!ref) this.json.set(data, (ref = { key: data.fingerprint, json: JSON.stringify(data) }));
    return ref;
  }

  private runRef(run: CoverageRun): RunRef {
    return { data: this.dataRef(run.data), params: run.params, stations: run.stations, result: run.result };
  }

  private async cached<C extends Cached>(key: string, compute: () => Promise<C>): Promise<C> {
    return (await this.cache.getOrCompute(key, compute)) as C;
  }

  /** The saved state's coverage for these parameters. */
  async saved(params: CoverageParams): Promise<CoverageRun> {
    const network = this.checked(params);
    const data = await loadCoverageData(this.db);
    const key = `run|${params.minutes}|${params.mode}|${params.levels.join()}|${data.fingerprint}|${networkBuildId(network)}`;
    const { run } = await this.cached(key, async () => {
      const { result } = await this.work.run({ kind: 'coverage', data: this.dataRef(data), params });
      const counted = data.stations.filter((s) => params.levels.includes(s.level));
      return { kind: 'run' as const, run: { result, stations: counted, data, params } };
    });
    this.keys.set(run, key);
    return run;
  }

  /** The run's summary (per township and in total), made once per run. */
  summary(run: CoverageRun) {
    let summary = this.summaries.get(run);
    if (!summary) this.summaries.set(run, (summary = coverageSummary(run)));
    return summary;
  }

  private keyOf(run: CoverageRun): string {
    return this.keys.get(run) ?? `unkeyed|${Math.random()}`;
  }

  /** Gap polygons and uncovered places as JSON (`region` null: every township). */
  async gaps(run: CoverageRun, region: string | null): Promise<{ gaps: Buffer; uncovered: Buffer }> {
    return this.cached(`gaps|${region ?? ''}|${this.keyOf(run)}`, async () => {
      const out = await this.work.run({ kind: 'gaps', run: this.runRef(run), region });
      return { kind: 'gaps' as const, gaps: bufferOf(out.gaps), uncovered: bufferOf(out.uncovered) };
    });
  }

  /** The service partition as GeoJSON. */
  async partition(run: CoverageRun): Promise<Buffer> {
    const { bytes } = await this.cached(`partition|${this.keyOf(run)}`, async () => {
      const out = await this.work.run({ kind: 'partition', run: this.runRef(run) });
      return { kind: 'bytes' as const, bytes: bufferOf(out.json) };
    });
    return bytes;
  }

  async suggestions(
    run: CoverageRun,
    k: number,
    region: string | null,
    extra: { lon: number; lat: number }[],
  ): Promise<Suggestions> {
    const key = `suggestions|${k}|${region ?? ''}|${hashOf(extra)}|${this.keyOf(run)}`;
    const { value } = await this.cached(key, async () => ({
      kind: 'suggestions' as const,
      value: await this.work.run({ kind: 'suggestions', run: this.runRef(run), k, region, extra }),
    }));
    return value;
  }

  /**
   * Coverage with a scenario's stations, against the same data, parameters and grid as `base`, and what
   * changes from it (see whatIfOf).
   */
  async scenario(base: CoverageRun, stations: CoverageData['stations'], gaps: boolean): Promise<Scenario> {
    const key = `scenario|${gaps}|${hashOf(stations)}|${this.keyOf(base)}`;
    const { value } = await this.cached(key, async () => ({
      kind: 'scenario' as const,
      value: await this.work.run({ kind: 'scenario', base: this.runRef(base), stations, gaps }),
    }));
    return value;
  }
}
