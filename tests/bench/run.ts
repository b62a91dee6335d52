/**
 * `npm run bench`: timings as JSON on stdout. Not a test: nothing here fails on a slow machine.
 * Each figure warms up first and reports the median (and p95 where it matters) of repeated runs.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { generateDemo } from '../../server/src/demo/generate.js';
import { buildStreetGraph } from '../../server/src/geo/graph.js';
import { startTestApp } from '../support/app.js';

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { medianMs: +q(0.5).toFixed(2), p95Ms: +q(0.95).toFixed(2), runs: s.length };
}

async function time(fn: () => unknown | Promise<unknown>, runs: number, warmup = 3) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

async function main() {
  const result: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  };

  const demo = generateDemo({ seed: 1, now: Date.parse('2026-11-24T02:00:00Z') });
  result.demoGenerate = await time(() => generateDemo({ seed: 1, now: Date.parse('2026-11-24T02:00:00Z') }), 5, 1);
  const walk = buildStreetGraph(demo.osm, 'walk').graph;
  result.demoNetwork = { osmNodes: demo.osm.nodes.size, osmWays: demo.osm.ways.length, walkNodes: walk.nodeCount, walkEdges: walk.edgeCount };
  result.demoGraphBuild = await time(() => buildStreetGraph(demo.osm, 'walk'), 10);

  // Station list: the demo's ~200 stations, and 10,000 stations (the design's budget: < 50 ms).
  const t = await startTestApp('sqlite');
  try {
    result.stationListDemo = { stations: demo.stations.length, ...(await time(() => t.app.inject('/api/stations'), 30)) };
    const base = await t.database.db.selectFrom('stations').selectAll().where('level', '=', 'station').executeTakeFirstOrThrow();
    const { id: _id, ...row } = base;
    const extra = 10_000 - demo.stations.length;
    for (let i = 0; i < extra; i += 1000) {
      await t.database.db
        .insertInto('stations')
        .values(Array.from({ length: Math.min(1000, extra - i) }, (_, k) => ({ ...row, name: `基准测试站${i + k}`, lon: row.lon + ((i + k) % 100) * 1e-4, lat: row.lat + Math.floor((i + k) / 100) * 1e-4 })))
        .execute();
    }
    const list = await t.app.inject('/api/stations');
    const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const overHttp = (encoding: string) => async () => {
      const res = await fetch(`${origin}/api/stations`, { headers: { 'accept-encoding': encoding } });
      await res.arrayBuffer();
    };
    result.stationList10k = {
      stations: list.json().features.length,
      bytes: list.body.length,
      httpIdentity: await time(overHttp('identity'), 20),
      httpGzip: await time(overHttp('gzip'), 20),
    };
  } finally {
    await t.close();
  }
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
