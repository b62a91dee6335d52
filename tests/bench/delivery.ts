/**
 * Delivery, measured as a user meets it: how long a server takes from `node` to its first answer and how
 * much memory it holds (the compiled build against the old tsx way, same data folder, same run), and
 * the bytes each view really receives over the wire in Chromium (headers included, compressed as sent).
 * Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../support/browser.js';
import { routeFiles } from './bundle.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Resident memory of a process and all its descendants, in MB (tsx runs the server in a child). */
function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
      }
    } catch {
      // The process ended between two reads: nothing more to count.
    }
  };
  visit(pid);
  return Math.round(kb / 1024);
}

interface Started {
  child: ChildProcess;
  origin: string;
  firstAnswerMs: number;
}

async function startServer(args: string[], dataDir: string, port: number): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const res = await fetch(`${origin}/api/health`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - t0 > 120_000) throw new Error(`server did not answer in 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, origin, firstAnswerMs: Math.round(performance.now() - t0) };
}

async function stopServer(s: Started) {
  const ended = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await ended;
}

/** The old start (tsx over the TypeScript sources) against the compiled one, three starts each. */
async function startupBench(dataDir: string) {
  const variants = {
    tsxSources: [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/src/main.ts'],
    compiled: ['dist/server/main.js'],
    npmStartUnchanged: ['scripts/start.mjs'],
  };
  const out: Record<string, unknown> = {};
  for (const [name, args] of Object.entries(variants)) {
    const runs: { firstAnswerMs: number; rssMb: number; rssAfterLoadMb: number }[] = [];
    for (let k = 0; k < 3; k++) {
      const s = await startServer(args, dataDir, 18_400 + k);
      const rssMb = treeRssMb(s.child.pid!);
      // What a running server holds once the public map and the planner have asked for their data.
      for (const url of ['/api/stations', '/api/service-areas', '/api/coverage', '/api/basemap/streets'])
        await (await fetch(s.origin + url)).arrayBuffer();
      runs.push({ firstAnswerMs: s.firstAnswerMs, rssMb, rssAfterLoadMb: treeRssMb(s.child.pid!) });
      await stopServer(s);
    }
    const median = (key: keyof (typeof runs)[number]) => runs.map((r) => r[key]).sort((a, b) => a - b)[1];
    out[name] = {
      firstAnswerMs: median('firstAnswerMs'),
      rssAtFirstAnswerMb: median('rssMb'),
      rssAfterLoadMb: median('rssAfterLoadMb'),
      processes: name === 'tsxSources' ? 2 : 1,
    };
  }
  return out;
}

/** Large answers as sent with `Accept-Encoding: br, gzip`, against the identity size. */
async function apiBytes(origin: string) {
  const out: Record<string, unknown> = {};
  for (const url of [
    '/api/stations',
    '/api/service-areas',
    '/api/coverage/partition',
    '/api/coverage/gaps',
    '/api/basemap/streets',
  ]) {
    const identity = (await (await fetch(origin + url, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer())
      .byteLength;
    // fetch decodes bodies, so read the wire size from a raw request.
    const sent = await wireSize(origin + url);
    out[url] = { identityBytes: identity, sentBytes: sent.bytes, encoding: sent.encoding };
  }
  return out;
}

async function wireSize(url: string): Promise<{ bytes: number; encoding: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      })
      .on('error', reject);
  });
}

/**
 * Bytes each view receives in Chromium (bodies as transferred, compressed, plus headers), until the
 * network is quiet for 1.5 s. The public view is also loaded with its map chunk held back: what a phone receives
 * before the map, which the design budgets at 150 kB.
 */
export async function viewBytes(origin: string) {
  const executablePath = findChromium();
  if (!executablePath) return 'skipped: no Chromium';
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const out: Record<string, unknown> = {};
  try {
    const load = async (route: string, holdBack: RegExp | null, viewport: { width: number; height: number }) => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      if (holdBack) await page.route(holdBack, (r) => r.abort());
      const bytes: Record<string, number> = {};
      const pending: Promise<void>[] = [];
      let lastActivity = performance.now();
      page.on('request', () => (lastActivity = performance.now()));
      page.on('requestfinished', (request) => {
        lastActivity = performance.now();
        const url = new URL(request.url());
        if (url.protocol === 'blob:' || url.protocol === 'data:') return;
        const kind = url.pathname.startsWith('/api/')
          ? 'api'
          : /\.js$/.test(url.pathname)
            ? 'js'
            : /\.css$/.test(url.pathname)
              ? 'css'
              : 'other';
        // Body as transferred (compressed) plus the response headers.
        pending.push(
          request.sizes().then((s) => {
            bytes[kind] = (bytes[kind] ?? 0) + s.responseBodySize + s.responseHeadersSize;
          }),
        );
      });
      // The big screen keeps its event stream open, so "network idle" never comes: wait for 1.5 s of quiet.
      await page.goto(origin + route, { waitUntil: 'load' });
      const deadline = performance.now() + 30_000;
      while (performance.now() - lastActivity < 1500 && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      await Promise.all(pending);
      await context.close();
      const total = Object.values(bytes).reduce((a, b) => a + b, 0);
      return { totalKB: +(total / 1024).toFixed(1), byKindKB: mapValues(bytes, (b) => +(b / 1024).toFixed(1)) };
    };
    const phone = { width: 375, height: 667 };
    const desktop = { width: 1440, height: 900 };
    // The map chunk: what the public view imports dynamically, with everything those chunks import.
    const deferred = [...routeFiles(path.join(ROOT, 'dist/client'), 'public').deferred];
    const mapChunk = new RegExp(`/(${deferred.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    out.publicBeforeMapChunk = { ...(await load('/', mapChunk, phone)), heldBack: deferred, budgetKB: 150 };
    out.publicFull = await load('/', null, phone);
    out.plan = await load('/plan', null, desktop);
    out.screen = await load('/screen', null, { width: 1920, height: 1080 });
  } finally {
    await browser.close();
  }
  return out;
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

export async function deliveryBench() {
  if (!fs.existsSync(path.join(ROOT, 'dist/server/main.js'))) return 'skipped: run npm run build first';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-bench-delivery-'));
  try {
    // The first start generates the demo district; the measured starts find it in place.
    const first = await startServer(['dist/server/main.js'], dataDir, 18_399);
    const out: Record<string, unknown> = { firstStartWithDemoMs: first.firstAnswerMs };
    out.apiBytes = await apiBytes(first.origin);
    out.viewBytes = await viewBytes(first.origin);
    await stopServer(first);
    out.startup = await startupBench(dataDir);
    return out;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  console.log(JSON.stringify(await deliveryBench(), null, 2));
}
