/**
 * `npm run bench`: timings as JSON on stdout. Not a test: nothing here fails on a slow machine.
 * Each figure warms up first and reports the median (and p95 where it matters) of repeated runs.
 */
import { syntheticGrid } from '../support/synthetic-grid.js';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { generateDemo } from '../../server/src/demo/generate.js';
import { buildStreetGraph } from '../../server/src/geo/graph.js';
import { loginCookie, startTestApp } from '../support/app.js';
import { GEODATA } from '../support/geodata.js';
import fs from 'node:fs';
import path from 'node:path';
import { readOsmFile } from '../../server/src/importers/osm.js';
import { loadNetwork, saveNetwork } from '../../server/src/network/store.js';
import { prepareNetwork, type NetworkState } from '../../server/src/network/state.js';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/db/dialect.js';
import { migrateToLatest } from '../../server/src/db/migrate.js';
import { Random } from '../../server/src/demo/random.js';
import type { OsmData } from '../../server/src/geo/osm.js';
import { leadersBench, sseBench } from './live.js';
import { nearbyBench } from './nearby.js';
import { routeBundles } from './bundle.js';
import { deliveryBench } from './delivery.js';

/** Network build, cached load, and service areas through the HTTP handler from random street points. */
async function serviceAreaBench(name: string, osm: OsmData, readMs: number | null) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pm-bench-${name}-`));
  try {
    const t0 = performance.now();
    const report = saveNetwork(dataDir, osm, name);
    const buildMs = performance.now() - t0;
    const loads: number[] = [];
    let network: NetworkState | null = null;
    for (let k = 0; k < 5; k++) {
      const t1 = performance.now();
      network = prepareNetwork(loadNetwork(dataDir)!);
      loads.push(performance.now() - t1);
    }
    const { db, dialect } = openDatabase({ databaseUrl: null, dataDir });
    await migrateToLatest(db);
    const app = await buildApp({ config: { ...loadConfig({}), dataDir }, db, dialect, network });
    const g = network!.modes.walk.graph;
    const rng = new Random(99);
    const points = Array.from({ length: 40 }, () => {
      const v = rng.int(0, g.nodeCount - 1);
      return [g.nodeLon[v] + rng.range(-2e-4, 2e-4), g.nodeLat[v] + rng.range(-2e-4, 2e-4)];
    });
    let k = 0;
    let settledTotal = 0;
    let scannedTotal = 0;
    const one = (minutes: string) => async () => {
      const [lon, lat] = points[k++ % points.length];
      const res = await app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=${minutes}&mode=walk`);
      if (res.statusCode !== 200 && res.statusCode !== 422) throw new Error(res.body);
    };
    const single = await time(one('15'), 60, 10);
    const bands = await time(one('15,10,5'), 60, 5);
    // Edges settled by one 15-minute search, averaged over the points.
    const { serviceArea } = await import('../../server/src/geo/service-area.js');
    for (const [lon, lat] of points) {
      const r = serviceArea(network!.modes.walk, lon, lat, { budgets: [900] });
      if (r.ok) {
        settledTotal += r.settled;
        scannedTotal += r.edgesScanned;
      }
    }
    await app.close();
    await db.destroy();
    return {
      walkNodes: report.modes.walk.nodes,
      walkEdges: report.modes.walk.edges,
      components: report.modes.walk.components,
      ...(readMs !== null ? { readOsmMs: Math.round(readMs) } : {}),
      graphBuildMs: Math.round(buildMs),
      cachedLoadMs: stats(loads),
      serviceArea15min: single,
      serviceArea3Bands: bands,
      verticesSettledPer15minSearch: Math.round(settledTotal / points.length),
      edgesScannedPer15minSearch: Math.round(scannedTotal / points.length),
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

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

/** Coverage, what-if and siting on the demo (through the HTTP handler), and the design's 500-station case. */
async function coverageBench(grid: OsmData) {
  const out: Record<string, unknown> = {};
  const t = await startTestApp('sqlite');
  try {
    const { loadCoverageData, runCoverage } = await import('../../server/src/network/coverage-service.js');
    const data = await loadCoverageData(t.database.db);
    const params = {
      minutes: 15,
      mode: 'walk' as const,
      levels: ['center', 'institute', 'station'] as ('center' | 'institute' | 'station')[],
    };
    out.demoStationsCounted = data.stations.filter((s) => params.levels.includes(s.level as 'station')).length;
    out.demoFullCoverage = await time(() => runCoverage(t.app.network!, data, params), 10, 2);
    await t.app.inject('/api/coverage');
    // The what-if and suggestions need a planner.
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const station = data.stations.find((s) => s.level === 'station')!;
    let k = 0;
    const move = (gaps: boolean) => async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/coverage/scenario',
        headers: { cookie },
        payload: { move: [{ id: station.id, lon: station.lon + 0.001 * (k++ % 10), lat: station.lat }], gaps },
      });
      if (res.statusCode !== 200) throw new Error(res.body);
    };
    out.demoWhatIfMove = await time(move(false), 10, 2);
    out.demoWhatIfMoveWithGaps = await time(move(true), 5, 1);
    out.demoSuggestions5 = await time(
      async () => {
        const res = await t.app.inject({ url: '/api/siting/suggestions?k=5', headers: { cookie } });
        if (res.statusCode !== 200) throw new Error(res.body);
      },
      5,
      1,
    );
  } finally {
    await t.close();
  }
  // The design's budget case: 500 stations on a 100k-edge network (the synthetic grid).
  const { computeCoverage } = await import('../../server/src/geo/coverage.js');
  const { buildStreetIndex } = await import('../../server/src/geo/snap.js');
  const { MODE_PROFILES } = await import('../../server/src/geo/modes.js');
  const g = buildStreetGraph(grid, 'walk').graph;
  const edgeTime = new Float64Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) edgeTime[e] = g.edgeLength[e] / MODE_PROFILES.walk.accessSpeed;
  const net = { graph: g, edgeTime, street: buildStreetIndex(g), profile: MODE_PROFILES.walk };
  const rng = new Random(7);
  const pick = () => {
    const v = rng.int(0, g.nodeCount - 1);
    return { lon: g.nodeLon[v] + rng.range(-3e-4, 3e-4), lat: g.nodeLat[v] + rng.range(-3e-4, 3e-4) };
  };
  const stations = Array.from({ length: 500 }, pick);
  const population = Array.from({ length: 2000 }, () => ({ ...pick(), population: rng.int(300, 3000), region: 0 }));
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (let v = 0; v < g.nodeCount; v++) {
    w = Math.min(w, g.nodeLon[v]);
    e = Math.max(e, g.nodeLon[v]);
    s = Math.min(s, g.nodeLat[v]);
    n = Math.max(n, g.nodeLat[v]);
  }
  const regions = [
    {
      geometry: {
        type: 'Polygon' as const,
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, n],
            [w, n],
            [w, s],
          ],
        ],
      },
    },
  ];
  const { rasterizeRegions } = await import('../../server/src/geo/coverage.js');
  const areaGrid = rasterizeRegions(regions, 25);
  out.grid100k500Stations = {
    edges: g.edgeCount,
    stations: 500,
    populationPoints: 2000,
    coverage: await time(
      () => computeCoverage(net, { stations, population, regions }, { budget: 900, areaGrid }),
      5,
      1,
    ),
  };
  return out;
}

async function main() {
  const result: Record<string, unknown> = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  };

  const demo = generateDemo({ seed: 1, now: Date.parse('2026-11-24T02:00:00Z') });
  result.demoGenerate = await time(() => generateDemo({ seed: 1, now: Date.parse('2026-11-24T02:00:00Z') }), 5, 1);
  const walk = buildStreetGraph(demo.osm, 'walk').graph;
  result.demoNetwork = {
    osmNodes: demo.osm.nodes.size,
    osmWays: demo.osm.ways.length,
    walkNodes: walk.nodeCount,
    walkEdges: walk.edgeCount,
  };
  result.demoGraphBuild = await time(() => buildStreetGraph(demo.osm, 'walk'), 10);

  // Station list: the demo's ~200 stations, and 10,000 stations (the design's budget: < 50 ms).
  const t = await startTestApp('sqlite');
  try {
    result.stationListDemo = {
      stations: demo.stations.length,
      ...(await time(() => t.app.inject('/api/stations'), 30)),
    };
    const base = await t.database.db
      .selectFrom('stations')
      .selectAll()
      .where('level', '=', 'station')
      .executeTakeFirstOrThrow();
    const { id: _id, ...row } = base;
    const extra = 10_000 - demo.stations.length;
    for (let i = 0; i < extra; i += 1000) {
      await t.database.db
        .insertInto('stations')
        .values(
          Array.from({ length: Math.min(1000, extra - i) }, (_, k) => ({
            ...row,
            name: `基准测试站${i + k}`,
            lon: row.lon + ((i + k) % 100) * 1e-4,
            lat: row.lat + Math.floor((i + k) / 100) * 1e-4,
          })),
        )
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
      httpBrotli: await time(overHttp('br'), 20),
    };
  } finally {
    await t.close();
  }
  result.serviceAreas = {} as Record<string, unknown>;
  const areas = result.serviceAreas as Record<string, unknown>;
  areas.demo = await serviceAreaBench('demo', demo.osm, null);
  if (fs.existsSync(GEODATA)) {
    const t0 = performance.now();
    const monaco = await readOsmFile(path.join(GEODATA, 'monaco.osm.pbf'));
    areas.monaco = await serviceAreaBench('monaco', monaco, performance.now() - t0);
  }
  areas.grid100k = await serviceAreaBench('grid100k', syntheticGrid(), null);
  result.coverage = await coverageBench(syntheticGrid());
  result.nearby = await nearbyBench(time);
  result.clientBundles = routeBundles(path.resolve('dist/client'));
  result.delivery = await deliveryBench();
  result.live = {
    sseSqlite: await sseBench('sqlite'),
    ...(process.env.TEST_DATABASE_URL
      ? { ssePostgres: await sseBench('postgres') }
      : { ssePostgres: 'skipped: set TEST_DATABASE_URL' }),
    leaders: await leadersBench(time),
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
