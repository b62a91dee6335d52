/**
 * Heavy work off the event loop: a piscina pool of worker threads that share the street network's
 * memory (network/shared.ts) and run the tasks of tasks.ts, so that no request, however heavy, keeps
 * `/api/health` waiting. The pool starts with the first heavy request (an app that never computes
 * starts no thread) and is destroyed when the app closes. WORKERS sets its size (default: one thread
 * fewer than the machine has cores, at least one); WORKERS=0 runs everything on the main thread, for
 * debugging only.
 */
import os from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { MinHeap } from '../geo/heap.js';
import { HttpError } from '../plugins/errors.js';
import { shareNetwork } from '../network/shared.js';
import type { NetworkState } from '../network/state.js';
import { runTask, type TaskOf, type TaskRefusal, type TaskResults, type Task } from './tasks.js';

/** The WORKERS setting: threads for heavy work. */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WORKERS?.trim();
  if (!raw) return Math.max(1, os.availableParallelism() - 1);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 256)
    throw new Error(`Invalid WORKERS: "${raw}" (expected an integer 0-256)`);
  return n;
}

/**
 * The worker's module beside this one: worker.ts when running from source (vitest, tsx), worker.js in
 * the build, where esbuild writes it as dist/server/worker.js beside the bundle that holds this code.
 */
function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href;
  if (!fromSource) return { filename, execArgv: [] };
  // Source needs the TypeScript loader in the thread too.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}

export const isRefusal = (value: unknown): value is TaskRefusal =>
  typeof value === 'object' && value !== null && 'refused' in value;

export class HeavyWork {
  private pool: Piscina | null = null;
  private closed = false;
  private readonly heap = new MinHeap(1 << 16);

  constructor(
    private readonly network: NetworkState | null,
    /** Worker threads; 0 runs tasks on this thread. */
    readonly threads: number,
  ) {
    // Moved to shared memory at start (a copy of the graphs, 2.5 ms for the demo district), not in a request.
    if (network && threads > 0) shareNetwork(network);
  }

  private poolFor(): Piscina {
    if (this.closed) throw new Error('the heavy-work pool is closed');
    if (!this.pool) {
      const { filename, execArgv } = workerEntry();
      this.pool = new Piscina({
        filename,
        execArgv,
        minThreads: this.threads,
        maxThreads: this.threads,
        // Tasks are CPU-bound: one at a time per thread, the rest wait in the queue.
        concurrentTasksPerWorker: 1,
        workerData: { network: this.network ? shareNetwork(this.network) : null },
      });
    }
    return this.pool;
  }

  /** Runs a task in a worker thread (on this thread when WORKERS=0); a refusal becomes its 4xx. */
  async run<K extends Task['kind']>(task: TaskOf<K>): Promise<Exclude<TaskResults[K], TaskRefusal>> {
    const out: TaskResults[K] =
      this.threads === 0 ? runTask(this.network, task, this.heap) : await this.poolFor().run(task);
    return this.unwrap(out);
  }

  /** Runs a task known to be small on this thread, without the trip to a worker. */
  inline<K extends Task['kind']>(task: TaskOf<K>): Exclude<TaskResults[K], TaskRefusal> {
    return this.unwrap(runTask(this.network, task, this.heap));
  }

  private unwrap<R>(out: R): Exclude<R, TaskRefusal> {
    if (isRefusal(out)) throw new HttpError(out.refused.status, out.refused.code, out.refused.message);
    return out as Exclude<R, TaskRefusal>;
  }

  /** Threads running now (0 before the first heavy request). */
  get running(): number {
    return this.pool?.threads.length ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    // Ends the threads at once: a task still running belongs to a request that will not be answered.
    if (pool) await pool.destroy();
  }
}
