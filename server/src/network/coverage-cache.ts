/**
 * The saved state's coverage, computed once per (budget, mode, levels, data, network) and shared by
 * the coverage routes, the heatmap of uncovered people and the big screen's figures.
 */
import type { Kysely } from 'kysely';
import type { Database, StationLevel } from '../db/schema.js';
import type { MinHeap } from '../geo/heap.js';
import { HttpError } from '../plugins/errors.js';
import { loadCoverageData, runCoverage, type CoverageParams, type CoverageRun } from './coverage-service.js';
import type { NetworkState } from './state.js';

/** Points (实践点) are bases and posts, not staffed stations: by default they do not count. */
export const DEFAULT_COVERAGE_LEVELS: StationLevel[] = ['center', 'institute', 'station'];

export const noNetwork = (what = 'coverage') =>
  new HttpError(
    409,
    'NO_NETWORK',
    `No street network is loaded: ${what} needs one (npm run cli -- import-osm, or the demo)`,
  );

export class CoverageCache {
  private readonly runs = new Map<string, CoverageRun>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly network: NetworkState | null,
    readonly heap: MinHeap,
  ) {}

  async saved(params: CoverageParams): Promise<CoverageRun> {
    if (!this.network) throw noNetwork();
    const data = await loadCoverageData(this.db);
    const key = `${params.minutes}|${params.mode}|${params.levels.join()}|${data.fingerprint}|${this.network.report.builtAt}`;
    let run = this.runs.get(key);
    if (!run) {
      run = runCoverage(this.network, data, params, data.stations, this.heap);
      if (this.runs.size > 8) this.runs.clear();
      this.runs.set(key, run);
    }
    return run;
  }
}
