/**
 * /api/health sampled over real HTTP from a worker thread while the fuzzer runs, one request at a
 * time every `intervalMs`: the worker's clock does not stop when the server's event loop is blocked,
 * so a heavy request that holds the loop shows up as a slow health answer.
 */
import { Worker } from 'node:worker_threads';

export interface HealthSample {
  /** When the request was sent, in ms since the epoch (comparable across threads). */
  at: number;
  ms: number;
  status: number;
  error?: string;
}

// Plain JavaScript, evaluated in the worker: no loader is needed there.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const now = () => performance.timeOrigin + performance.now();
const samples = [];
let stop = false;
parentPort.on('message', (m) => { if (m === 'stop') stop = true; });
function once() {
  return new Promise((resolve) => {
    const at = now();
    const req = http.get({ host: '127.0.0.1', port: workerData.port, path: '/api/health', agent, timeout: 10000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ at, ms: now() - at, status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout after 10 s')));
    req.on('error', (err) => resolve({ at, ms: now() - at, status: 0, error: err.message }));
  });
}
(async () => {
  while (!stop) {
    samples.push(await once());
    await new Promise((r) => setTimeout(r, workerData.intervalMs));
  }
  agent.destroy();
  parentPort.postMessage(samples);
})();
`;

export function startHealthSampler(port: number, intervalMs = 50): { stop(): Promise<HealthSample[]> } {
  const worker = new Worker(WORKER, { eval: true, workerData: { port, intervalMs } });
  const done = new Promise<HealthSample[]>((resolve, reject) => {
    worker.once('message', (samples: HealthSample[]) => resolve(samples));
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const samples = await done;
      await worker.terminate();
      return samples;
    },
  };
}
