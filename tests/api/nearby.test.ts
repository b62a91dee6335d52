/**
 * GET /api/nearby on the demo district: the ranking against an independent reference (a plain
 * Dijkstra written here), agreement with the 15-minute service areas, the routes, the filters, and
 * the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceM, metresPerDegree, polylineLengthM } from '../../server/src/geo/ellipsoid.js';
import { pointInArea, type MultiPolygonGeometry } from '../../server/src/geo/polygon.js';
import { snapToStreet } from '../../server/src/geo/snap.js';
import type { ModeNetwork } from '../../server/src/geo/service-area.js';
import { loginCookie, startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

interface StationFeature {
  id: number;
  properties: { id: number; level: string; hours: string; services: string[]; contactPhone?: string };
  geometry: { coordinates: [number, number] };
}
interface Result {
  station: StationFeature;
  seconds: number;
  meters: number;
  openNow: boolean | null;
  route: { type: 'Feature'; geometry: { type: 'LineString'; coordinates: [number, number][] } };
}

/**
 * Reference: each station's walking time from (lon, lat), from a textbook Dijkstra over every vertex
 * (no cutoff, no predecessor bookkeeping), then each station through both ends of its own edge or
 * straight along the origin's edge, plus both connectors.
 */
function referenceSeconds(net: ModeNetwork, lon: number, lat: number, stations: StationFeature[]): Map<number, number> {
  const { graph, edgeTime } = net;
  const v = net.profile.accessSpeed;
  const o = snapToStreet(graph, net.street, lon, lat, 500)!;
  const dist = new Array<number>(graph.nodeCount).fill(Infinity);
  const perMetre = (e: number) => (graph.edgeLength[e] > 0 ? edgeTime[e] / graph.edgeLength[e] : 0);
  const start = (node: number, t: number) => (dist[node] = Math.min(dist[node], t));
  if (graph.edgeOneway[o.edge] !== -1)
    start(graph.edgeTo[o.edge], o.distance / v + (graph.edgeLength[o.edge] - o.along) * perMetre(o.edge));
  if (graph.edgeOneway[o.edge] !== 1) start(graph.edgeFrom[o.edge], o.distance / v + o.along * perMetre(o.edge));
  // A plain binary heap of [time, vertex].
  const heap: [number, number][] = [];
  const push = (item: [number, number]) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  dist.forEach((d, node) => d < Infinity && push([d, node]));
  const done = new Set<number>();
  while (heap.length) {
    const [d, u] = pop();
    if (done.has(u)) continue;
    done.add(u);
    for (let e = 0; e < graph.edgeCount; e++) {
      // Every edge, both directions as oneway allows (slow and obvious on purpose).
      if (graph.edgeFrom[e] === u && graph.edgeOneway[e] !== -1 && d + edgeTime[e] < dist[graph.edgeTo[e]])
        push([(dist[graph.edgeTo[e]] = d + edgeTime[e]), graph.edgeTo[e]]);
      if (graph.edgeTo[e] === u && graph.edgeOneway[e] !== 1 && d + edgeTime[e] < dist[graph.edgeFrom[e]])
        push([(dist[graph.edgeFrom[e]] = d + edgeTime[e]), graph.edgeFrom[e]]);
    }
  }
  const out = new Map<number, number>();
  for (const s of stations) {
    const [slon, slat] = s.geometry.coordinates;
    const p = snapToStreet(graph, net.street, slon, slat, 500);
    if (!p) continue;
    const k = perMetre(p.edge);
    let best = Math.min(
      graph.edgeOneway[p.edge] !== -1 ? dist[graph.edgeFrom[p.edge]] + p.along * k : Infinity,
      graph.edgeOneway[p.edge] !== 1 ? dist[graph.edgeTo[p.edge]] + (graph.edgeLength[p.edge] - p.along) * k : Infinity,
    );
    if (p.edge === o.edge) best = Math.min(best, o.distance / v + Math.abs(p.along - o.along) * k);
    if (best < Infinity) out.set(s.id, best + p.distance / v);
  }
  return out;
}

describe.each(testDialects)('nearby API on %s', (dialect) => {
  let t: TestApp;
  let stations: StationFeature[];
  let origins: [number, number][];
  const nearby = async (query: string, cookie?: string) =>
    t.app.inject({ url: `/api/nearby?${query}`, headers: cookie ? { cookie } : {} });
  const results = async (query: string): Promise<Result[]> => {
    const res = await nearby(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().results;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { now: () => TEST_NOW });
    stations = (await t.app.inject('/api/stations')).json().features;
    const center = stations.find((s) => s.properties.level === 'center')!.geometry.coordinates;
    const institutes = stations.filter((s) => s.properties.level === 'institute').map((s) => s.geometry.coordinates);
    // The town centre, a point 300 m off it, and points off the first institutes (rural seats).
    origins = [
      center,
      [center[0] + 0.003, center[1] + 0.0015],
      ...institutes.slice(0, 3).map(([lon, lat]): [number, number] => [lon - 0.002, lat + 0.001]),
    ];
  });
  afterAll(async () => t?.close());

  it('answers the contract shape, sorted by seconds, ranked as an independent reference ranks', async () => {
    const net = t.app.network!.modes.walk;
    for (const [lon, lat] of origins) {
      const res = await nearby(`lon=${lon}&lat=${lat}&limit=20`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.origin).toMatchObject({ lon, lat });
      expect(body).toMatchObject({ mode: 'walk', method: 'network' });
      const list: Result[] = body.results;
      expect(list).toHaveLength(20);
      for (let i = 1; i < list.length; i++) expect(list[i].seconds).toBeGreaterThanOrEqual(list[i - 1].seconds);
      const reference = referenceSeconds(net, lon, lat, stations);
      const ranked = [...reference.entries()].sort((a, b) => a[1] - b[1]);
      expect(list[0].station.id).toBe(ranked[0][0]);
      // Every reported time is the reference's, and the 20 are the reference's 20 fastest.
      list.forEach((r, i) => {
        expect(r.seconds).toBeCloseTo(reference.get(r.station.id)!, 0);
        expect(r.seconds).toBeCloseTo(ranked[i][1], 0);
      });
    }
  });

  it('agrees with the 15-minute service area from the same origin', async () => {
    const net = t.app.network!.modes.walk;
    let inside = 0;
    let outside = 0;
    for (const [lon, lat] of origins) {
      const area = (await t.app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=15`)).json().features[0]
        .geometry as MultiPolygonGeometry;
      for (const r of await results(`lon=${lon}&lat=${lat}&limit=20`)) {
        const [slon, slat] = r.station.geometry.coordinates;
        const nearStreet = snapToStreet(net.graph, net.street, slon, slat, 500)!.distance <= 100;
        // The area is contoured on a 25 m grid: leave a few metres' walk either side of the line.
        if (r.seconds <= 900 - 20 && nearStreet) {
          expect(pointInArea(slon, slat, area), `station ${r.station.id} at ${r.seconds} s`).toBe(true);
          inside++;
        } else if (r.seconds >= 900 + 120) {
          expect(pointInArea(slon, slat, area), `station ${r.station.id} at ${r.seconds} s`).toBe(false);
          outside++;
        }
      }
    }
    expect(inside).toBeGreaterThan(10);
    expect(outside).toBeGreaterThan(10);
  });

  it('routes from the origin through its snapped point along the streets to the station, as long as `meters`', async () => {
    const net = t.app.network!.modes.walk;
    for (const [lon, lat] of origins) {
      const iso = (await t.app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=15`)).json().features[0].properties;
      const snap = snapToStreet(net.graph, net.street, lon, lat, 500)!;
      expect(snap.distance).toBeCloseTo(iso.snapDistanceM, 1);
      const body = (await nearby(`lon=${lon}&lat=${lat}&limit=8`)).json();
      expect(body.origin.snapDistanceM).toBe(iso.snapDistanceM);
      for (const r of body.results as Result[]) {
        const line = r.route.geometry.coordinates;
        expect(r.route.type).toBe('Feature');
        expect(r.route.geometry.type).toBe('LineString');
        expect(line[0]).toEqual([lon, lat]);
        expect(Math.abs(line[1][0] - snap.lon)).toBeLessThan(1e-6);
        expect(Math.abs(line[1][1] - snap.lat)).toBeLessThan(1e-6);
        expect(distanceM(lon, lat, line[1][0], line[1][1])).toBeCloseTo(iso.snapDistanceM, 0);
        expect(line[line.length - 1]).toEqual(r.station.geometry.coordinates);
        expect(Math.abs(polylineLengthM(line) - r.meters)).toBeLessThanOrEqual(0.01 * r.meters);
        // Walking at 4 km/h throughout: time and distance agree.
        expect(r.seconds).toBeCloseTo(r.meters / (4 / 3.6), -1);
      }
    }
  });

  it('filters by service, by level and by opening hours at the server time', async () => {
    const [lon, lat] = origins[1];
    for (const r of await results(`lon=${lon}&lat=${lat}&limit=10&service=health`))
      expect(r.station.properties.services).toContain('health');
    const levels = await results(`lon=${lon}&lat=${lat}&limit=10&levels=center,institute`);
    expect(levels.length).toBeGreaterThan(2);
    for (const r of levels) expect(['center', 'institute']).toContain(r.station.properties.level);
    // Tuesday 10:00 China time: every hour set of the demo is open then.
    const open = await results(`lon=${lon}&lat=${lat}&limit=20&openNow=true`);
    expect(open).toHaveLength(20);
    for (const r of open) expect(r.openNow).toBe(true);
    const all = await results(`lon=${lon}&lat=${lat}&limit=20`);
    for (const r of all) expect(typeof r.openNow === 'boolean' || r.openNow === null).toBe(true);
    // An evening clock: nothing of the demo is open at 22:00.
    const late = await startTestApp(dialect, { now: () => TEST_NOW + 12 * 3_600_000 });
    try {
      const res = (await late.app.inject(`/api/nearby?lon=${lon}&lat=${lat}&limit=5&openNow=true`)).json();
      expect(res.results).toEqual([]);
      const closed = (await late.app.inject(`/api/nearby?lon=${lon}&lat=${lat}&limit=5`)).json();
      for (const r of closed.results as Result[]) expect(r.openNow).toBe(false);
    } finally {
      await late.close();
    }
  });

  it('reports a station as closed when its hours say so, and unknown when they cannot be read', async () => {
    const [lon, lat] = origins[0];
    const first = (await results(`lon=${lon}&lat=${lat}&limit=2`))[0].station.id;
    const second = (await results(`lon=${lon}&lat=${lat}&limit=2`))[1].station.id;
    const later = new Date(TEST_NOW + 60_000).toISOString();
    await t.database.db
      .updateTable('stations')
      .set({ hours: 'Tu off', updated_at: later })
      .where('id', '=', first)
      .execute();
    await t.database.db
      .updateTable('stations')
      .set({ hours: '周一至周五 9:00-17:00', updated_at: later })
      .where('id', '=', second)
      .execute();
    const list = await results(`lon=${lon}&lat=${lat}&limit=2`);
    expect(list.map((r) => [r.station.id, r.openNow])).toEqual([
      [first, false],
      [second, null],
    ]);
    const open = await results(`lon=${lon}&lat=${lat}&limit=20&openNow=true`);
    expect(open.map((r) => r.station.id)).not.toContain(first);
    expect(open.map((r) => r.station.id)).not.toContain(second);
  });

  it('never serves phone numbers to the public, and does to staff', async () => {
    const [lon, lat] = origins[0];
    const publicBody = (await nearby(`lon=${lon}&lat=${lat}&limit=10`)).body;
    expect(publicBody).not.toContain('contactPhone');
    expect(publicBody).not.toContain('contactName');
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const staff: Result[] = (await nearby(`lon=${lon}&lat=${lat}&limit=10`, cookie)).json().results;
    for (const r of staff) expect(r.station.properties.contactPhone).toMatch(/^[0-9+() -]*$/);
    expect(staff.some((r) => /^1\d{10}$/.test(r.station.properties.contactPhone ?? ''))).toBe(true);
  });

  it('answers 422 for a point more than 500 m from every street', async () => {
    const district = (await t.app.inject('/api/config')).json().district;
    const { ky } = metresPerDegree(district.bbox[1]);
    for (const [lon, lat] of [
      [district.bbox[0] - 0.05, district.bbox[1] - 0.05],
      [district.center[0], district.bbox[1] - 2000 / ky],
    ]) {
      const res = await nearby(`lon=${lon}&lat=${lat}`);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('TOO_FAR_FROM_STREET');
      expect(res.json().error.message).toContain('500 m');
    }
  });

  it.each([
    ['lat=36', 'querystring.lon'],
    ['lon=200&lat=36', 'querystring.lon'],
    ['lon=116.6&lat=abc', 'querystring.lat'],
    ['lon=116.6&lat=36.2&limit=0', 'querystring.limit'],
    ['lon=116.6&lat=36.2&limit=21', 'querystring.limit'],
    ['lon=116.6&lat=36.2&limit=2.5', 'querystring.limit'],
    ['lon=116.6&lat=36.2&mode=plane', 'querystring.mode'],
    ['lon=116.6&lat=36.2&service=karaoke', 'querystring.service'],
    ['lon=116.6&lat=36.2&openNow=maybe', 'querystring.openNow'],
    ['lon=116.6&lat=36.2&levels=centre', 'querystring.levels'],
    ['lon=116.6&lat=36.2&radius=5', 'querystring'],
  ])('rejects %s with a 400 naming %s', async (query, field) => {
    const res = await nearby(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(field);
  });
});

describe('nearby without a street network', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { demo: false });
  });
  afterAll(async () => t?.close());

  it('answers 409 NO_NETWORK rather than straight-line guesses', async () => {
    const res = await t.app.inject('/api/nearby?lon=116.6&lat=36.2');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NO_NETWORK');
  });
});
