/**
 * Where the engine keeps its own code instead of a library, the figures behind the one-line "why ours"
 * comments: `npx tsx tests/geo/why-ours.bench.ts` prints JSON. Not a test: nothing here fails. Each
 * timing warms up, then reports the median of repeated runs. Libraries that are not installed (cheap-ruler,
 * d3-contour, a polygon clipper) are not timed; the comments say so.
 */
import { syntheticGrid } from '../support/synthetic-grid.js';
import { performance } from 'node:perf_hooks';
import FlatQueue from 'flatqueue';
import TinyQueue from 'tinyqueue';
import turfArea from '@turf/area';
import { generateDemo } from '../../server/src/demo/generate.js';
import { MinHeap } from '../../server/src/geo/heap.js';
import { shortestTimes } from '../../server/src/geo/dijkstra.js';
import { distanceM } from '../../server/src/geo/ellipsoid.js';
import { ringAreaM2 } from '../../server/src/geo/polygon.js';
import { contourRings, ringsToPolygons } from '../../server/src/geo/marching-squares.js';
import { serviceArea, sourcesFromSnap } from '../../server/src/geo/service-area.js';
import { snapToStreet } from '../../server/src/geo/snap.js';
import { computeCoverage } from '../../server/src/geo/coverage.js';
import { Random } from '../../server/src/demo/random.js';
import { modeNetwork } from '../support/networks.js';
import { vincentyInverse } from '../support/vincenty.js';

function median(run: () => void, repeats = 15, warmup = 3): number {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return +times[times.length >> 1].toFixed(3);
}

// The heap interface Dijkstra uses, over mourner's flatqueue and tinyqueue.
class FlatHeap {
  private q = new FlatQueue<number>();
  get length() {
    return this.q.length;
  }
  clear() {
    this.q.clear();
  }
  push(item: number, priority: number) {
    this.q.push(item, priority);
  }
  peekPriority() {
    return this.q.peekValue()!;
  }
  pop() {
    return this.q.pop()!;
  }
}
class TinyHeap {
  private q = new TinyQueue<{ item: number; priority: number }>([], (a, b) => a.priority - b.priority);
  get length() {
    return this.q.length;
  }
  clear() {
    this.q = new TinyQueue<{ item: number; priority: number }>([], (a, b) => a.priority - b.priority);
  }
  push(item: number, priority: number) {
    this.q.push({ item, priority });
  }
  peekPriority() {
    return this.q.peek()!.priority;
  }
  pop() {
    return this.q.pop()!.item;
  }
}

const report: Record<string, unknown> = {};
const demo = generateDemo({ seed: 1, now: Date.parse('2026-11-24T02:00:00Z') });
const walk = modeNetwork(demo.osm, 'walk');

// 1. The heap: the same Dijkstra with each queue, 15-minute searches from every demo station and
//    whole-graph searches on the 100k-edge grid.
{
  const big = modeNetwork(syntheticGrid(), 'walk');
  const order = (process.env.HEAP_ORDER ?? 'ours,flatqueue,tinyqueue').split(',');
  const all = { ours: new MinHeap(), flatqueue: new FlatHeap(), tinyqueue: new TinyHeap() } as Record<string, unknown>;
  const heaps = Object.fromEntries(order.map((k) => [k, all[k]]));
  const starts = demo.stations.map((s) => {
    const snap = snapToStreet(walk.graph, walk.street, s.lon, s.lat, 500)!;
    return sourcesFromSnap(walk, snap, snap.distance / walk.profile.accessSpeed);
  });
  const out: Record<string, unknown> = {};
  for (const [name, heap] of Object.entries(heaps)) {
    out[name] = {
      demo200x15minMs: median(
        () => {
          for (const s of starts) shortestTimes(walk.graph, walk.edgeTime, s, 900, heap as unknown as MinHeap);
        },
        41,
        20,
      ),
      grid100kEdgesWholeGraphMs: median(
        () => shortestTimes(big.graph, big.edgeTime, [{ node: 0, time: 0 }], Infinity, heap as unknown as MinHeap),
        7,
        2,
      ),
    };
  }
  report.heap = out;
}

// 2. Distances: the engine's local-plane formula (cheap-ruler's), haversine (turf's, R = 6371008.8 m), Vincenty.
{
  const rng = new Random(3);
  const pairs = Array.from({ length: 200_000 }, () => {
    const lon = rng.range(73, 135);
    const lat = rng.range(18, 53);
    return [lon, lat, lon + rng.range(-0.02, 0.02), lat + rng.range(-0.02, 0.02)];
  });
  const R = 6371008.8;
  const RAD = Math.PI / 180;
  const haversine = (lon1: number, lat1: number, lon2: number, lat2: number) => {
    const a =
      Math.sin(((lat2 - lat1) * RAD) / 2) ** 2 +
      Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(((lon2 - lon1) * RAD) / 2) ** 2;
    return 2 * R * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  };
  let sink = 0;
  const ns = (f: (a: number, b: number, c: number, d: number) => number) =>
    +(
      (median(() => {
        for (const p of pairs) sink += f(p[0], p[1], p[2], p[3]);
      }) *
        1e6) /
      pairs.length
    ).toFixed(1);
  let oursErr = 0;
  let havErr = 0;
  for (const p of pairs.slice(0, 5000)) {
    const v = vincentyInverse(p[0], p[1], p[2], p[3]).distance;
    oursErr = Math.max(oursErr, Math.abs(distanceM(p[0], p[1], p[2], p[3]) / v - 1));
    havErr = Math.max(havErr, Math.abs(haversine(p[0], p[1], p[2], p[3]) / v - 1));
  }
  report.distance = {
    oursNsPerCall: ns(distanceM),
    haversineNsPerCall: ns(haversine),
    vincentyNsPerCall: ns((a, b, c, d) => vincentyInverse(a, b, c, d).distance),
    oursMaxRelErrorVsVincenty: oursErr,
    haversineMaxRelErrorVsVincenty: havErr,
    sink: sink > 0,
  };
}

// 3. Area: the engine's ellipsoidal ring area against @turf/area (spherical), bias and speed.
{
  const bias: Record<string, number> = {};
  const exact = (lat: number, size: number) => {
    // The 0.1° square, measured with the engine (exact to 1e-12, tests/geo/polygon.test.ts).
    const ring = [
      [116, lat],
      [116 + size, lat],
      [116 + size, lat + size],
      [116, lat + size],
      [116, lat],
    ];
    return { ring, area: ringAreaM2(ring) };
  };
  for (const lat of [18, 22, 30, 36, 40, 45, 53]) {
    const { ring, area } = exact(lat, 0.1);
    bias[`lat${lat}`] = +(turfArea({ type: 'Polygon', coordinates: [ring] }) / area - 1).toFixed(5);
  }
  const sa = serviceArea(walk, demo.stations[0].lon, demo.stations[0].lat, { budgets: [900] });
  const ring = sa.ok ? sa.bands[0].coordinates[0][0] : [];
  report.area = {
    turfRelativeBiasOn01DegreeSquare: bias,
    serviceAreaRingVertices: ring.length,
    oursUsPerRing: +(median(() => ringAreaM2(ring), 500, 2000) * 1000).toFixed(1),
    turfUsPerRing: +(median(() => turfArea({ type: 'Polygon', coordinates: [ring] }), 500, 2000) * 1000).toFixed(1),
  };
}

// 4. Marching squares on a service-area-sized field (a 2.5 km square at 25 m: 101 x 101 nodes), and the
//    whole service area it is part of.
{
  const n = 101;
  const field = new Float64Array(n * n);
  const rng = new Random(5);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++)
      field[j * n + i] = Math.hypot(i - 50, j - 50) * 25 + 150 * Math.sin(i / 4) * Math.cos(j / 5) + rng.range(0, 40);
  for (let i = 0; i < n; i++) field[i] = field[(n - 1) * n + i] = field[i * n] = field[i * n + n - 1] = 1e9;
  report.marchingSquares = {
    grid: `${n}x${n}`,
    contourMs: median(() => ringsToPolygons(contourRings(field, n, n, 1000)), 50, 10),
    wholeServiceAreaMs: median(
      () => serviceArea(walk, demo.stations[7].lon, demo.stations[7].lat, { budgets: [900] }),
      50,
      10,
    ),
  };
}

// 5. Union by grid: coverage of every demo station in one run, against only computing each station's
//    polygon (which a polygon-overlay union would need before it even starts).
{
  const townships = demo.regions.filter((r) => r.level === 'township');
  const input = {
    stations: demo.stations.map((s) => ({ lon: s.lon, lat: s.lat })),
    population: demo.populationPoints.map((p) => ({
      lon: p.lon,
      lat: p.lat,
      population: p.population,
      region: townships.findIndex((t) => t.code === p.township_code),
    })),
    regions: townships.map((t) => ({ geometry: JSON.parse(t.geometry!) })),
  };
  report.unionByGrid = {
    stations: demo.stations.length,
    coverageRunMs: median(() => computeCoverage(walk, input, { budget: 900 }), 5, 1),
    separateServiceAreasMs: median(
      () => {
        for (const s of demo.stations) serviceArea(walk, s.lon, s.lat, { budgets: [900] });
      },
      5,
      1,
    ),
  };
}

console.log(JSON.stringify(report, null, 1));
