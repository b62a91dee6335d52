/**
 * Station import at scale, through HTTP on a listening server: `npx tsx tests/bench/imports.ts [rows]
 * [existing] [sqlite|postgres]` (defaults 20000, 10000, sqlite; PostgreSQL needs TEST_DATABASE_URL).
 * The database gets `existing` stations first; the file updates half of its rows' stations (as many as
 * exist) and adds the rest. A second client asks /api/health again 1 ms after each answer during the import. Prints JSON:
 * the import's time and answer, the health latencies (max, p99, median) and the process's peak RSS.
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { loginCookie, startTestApp } from '../support/app.js';
import type { DialectCase } from '../support/databases.js';
import { seedStations, stationSheet, townshipPlaces } from '../support/station-sheet.js';

export async function importBench(rows: number, existing: number, dialect: DialectCase, port = 0) {
  const t = await startTestApp(dialect, { config: { rateLimits: { import: 0 } } as never });
  try {
    const places = await townshipPlaces(t.database.db);
    await seedStations(t.database.db, places, existing);
    // Encoded before the health poller starts: the poller shares this process, and undici turning a 2 MB
    // string into bytes is the client's own pause, not the server's.
    const csv = Buffer.from(stationSheet(places, rows, existing - Math.min(existing, Math.floor(rows / 2))));
    await t.app.listen({ port, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    let done = false;
    const latencies: number[] = [];
    let peakRss = process.memoryUsage().rss;
    const poll = (async () => {
      while (!done) {
        const t0 = performance.now();
        await (await fetch(`${base}/api/health`)).arrayBuffer();
        latencies.push(performance.now() - t0);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const res = await fetch(`${base}/api/import/stations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie },
      body: csv,
    });
    const answer = await res.json();
    const importMs = performance.now() - t0;
    done = true;
    await poll;
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    const ms = (x: number) => Math.round(x * 10) / 10;
    return {
      rows,
      existing,
      dialect,
      status: res.status,
      answer,
      importMs: Math.round(importMs),
      health: { count: latencies.length, maxMs: ms(latencies.at(-1)!), p99Ms: ms(q(0.99)), medianMs: ms(q(0.5)) },
      peakRssMB: Math.round(peakRss / 2 ** 20),
    };
  } finally {
    await t.close();
  }
}

if (process.argv[1]?.endsWith('imports.ts')) {
  const [rows = '20000', existing = '10000', dialect = 'sqlite'] = process.argv.slice(2);
  importBench(Number(rows), Number(existing), dialect as DialectCase).then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
