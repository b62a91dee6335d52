import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

describe.each(testDialects)('coverage API on %s', (dialect) => {
  let t: TestApp;
  let base: any;
  let cookie: string;
  /** A request as the demo planner: the what-if, suggestions and downloads need one. */
  const planner = (opts: string | { method: 'POST'; url: string; payload: object }) =>
    t.app.inject(typeof opts === 'string' ? { url: opts, headers: { cookie } } : { ...opts, headers: { cookie } });
  beforeAll(async () => {
    t = await startTestApp(dialect);
    cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    base = (await t.app.inject('/api/coverage?minutes=15&mode=walk')).json();
  });
  afterAll(async () => t?.close());

  it('reports population and area per township, adding up to the totals', () => {
    expect(base.regions.length).toBeGreaterThanOrEqual(8);
    for (const key of ['population', 'coveredPopulation', 'areaM2', 'coveredAreaM2']) {
      expect(base.totals[key]).toBe(base.regions.reduce((s: number, r: any) => s + r[key], 0));
    }
    for (const r of base.regions) {
      expect(r.coveredPopulation).toBeLessThanOrEqual(r.population);
      expect(r.coveredAreaM2).toBeLessThanOrEqual(r.areaM2);
      expect(r.code).toMatch(/^\d{12}$/);
    }
    expect(base.totals.coveredPopulation).toBeLessThan(base.totals.population);
    expect(base.totals.population).toBeGreaterThan(250_000);
  });

  it('counts only the levels asked for', async () => {
    const centreOnly = (await t.app.inject('/api/coverage?levels=center')).json();
    expect(centreOnly.totals.stations).toBe(1);
    expect(centreOnly.totals.coveredPopulation).toBeLessThan(base.totals.coveredPopulation);
    const longer = (await t.app.inject('/api/coverage?minutes=30')).json();
    expect(longer.totals.coveredPopulation).toBeGreaterThanOrEqual(base.totals.coveredPopulation);
    expect((await t.app.inject('/api/coverage?levels=village')).statusCode).toBe(400);
    expect((await t.app.inject('/api/coverage?minutes=0')).statusCode).toBe(400);
  });

  it('lists gaps and uncovered places largest first, for one township', async () => {
    const region = base.regions.find((r: any) => r.coveredPopulation < r.population);
    const res = (await t.app.inject(`/api/coverage/gaps?region=${region.code}`)).json();
    const areas = res.gaps.features.map((f: any) => f.properties.areaM2);
    expect(areas).toEqual([...areas].sort((a, b) => b - a));
    expect(res.gaps.features.every((f: any) => f.properties.region === region.code)).toBe(true);
    const people = res.uncovered.features.map((f: any) => f.properties.population);
    expect(people).toEqual([...people].sort((a, b) => b - a));
    expect(people.reduce((s: number, p: number) => s + p, 0)).toBe(region.population - region.coveredPopulation);
    expect((await t.app.inject('/api/coverage/gaps?region=999999999999')).statusCode).toBe(400);
  });

  it('what-if: switching a station off loses its people, and writes nothing', async () => {
    const stations = (await t.app.inject('/api/stations?level=station')).json().features;
    const before = await t.database.db.selectFrom('stations').select(['id', 'lon', 'lat']).orderBy('id').execute();
    const removed = stations[0].id;
    const res = await planner({ method: 'POST', url: '/api/coverage/scenario', payload: { remove: [removed] } });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.base.coveredPopulation).toBe(base.totals.coveredPopulation);
    expect(s.delta.coveredPopulation).toBe(s.totals.coveredPopulation - base.totals.coveredPopulation);
    expect(s.delta.coveredPopulation).toBeLessThanOrEqual(0);
    expect(s.totals.stations).toBe(base.totals.stations - 1);
    expect(s.gaps.type).toBe('FeatureCollection');
    // Moving it onto another station changes coverage the same as removing it.
    const other = stations[1].geometry.coordinates;
    const moved = (
      await planner({
        method: 'POST',
        url: '/api/coverage/scenario',
        payload: { move: [{ id: removed, lon: other[0], lat: other[1] }], gaps: false },
      })
    ).json();
    expect(moved.totals.coveredPopulation).toBe(s.totals.coveredPopulation);
    expect(moved.gaps).toBeNull();
    expect(await t.database.db.selectFrom('stations').select(['id', 'lon', 'lat']).orderBy('id').execute()).toEqual(
      before,
    );
    const bad = await planner({ method: 'POST', url: '/api/coverage/scenario', payload: { remove: [999999] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('999999');
  });

  it('what-if: says which areas and villages change, the same with and without geometry', async () => {
    const stations = (await t.app.inject('/api/stations?level=station')).json().features;
    const saved = (await t.app.inject('/api/coverage/gaps')).json();
    const savedUncovered = new Set(saved.uncovered.features.map((f: any) => f.properties.id));
    const townships = new Map(base.regions.map((r: any) => [r.code, r.name]));
    // Switch off three stations: only losses.
    const remove = stations.slice(0, 3).map((f: any) => f.id);
    const off = (await planner({ method: 'POST', url: '/api/coverage/scenario', payload: { remove } })).json();
    expect(off.gained.features).toEqual([]);
    expect(off.lost.features.length).toBeGreaterThan(0);
    for (const f of off.lost.features) {
      expect(townships.get(f.properties.region)).toBe(f.properties.regionName);
      expect(f.properties.areaM2).toBeGreaterThanOrEqual(1250);
      expect(f.geometry.type).toBe('Polygon');
    }
    // The lost pieces measure what the township table lost, to within the grid's boundary cells.
    const lostM2 = off.lost.features.reduce((sum: number, f: any) => sum + f.properties.areaM2, 0);
    expect(Math.abs(lostM2 + off.delta.coveredAreaM2)).toBeLessThan(0.05 * -off.delta.coveredAreaM2);
    // villages: exactly the places whose status differs between the saved gaps and the scenario's.
    const after = new Set(off.uncovered.features.map((f: any) => f.properties.id));
    const flipped = [...after].filter((id) => !savedUncovered.has(id));
    expect(off.villages.map((v: any) => v.id).sort()).toEqual(flipped.sort());
    expect([...savedUncovered].every((id) => after.has(id))).toBe(true);
    expect(off.villages.length).toBeGreaterThan(0);
    for (const v of off.villages) {
      expect(v).toMatchObject({ before: 'covered', after: 'uncovered' });
      expect(v.minutesBefore).toBeLessThanOrEqual(15);
      expect(v.minutesAfter === null || v.minutesAfter > 15).toBe(true);
    }
    const people = off.villages.map((v: any) => v.population);
    expect(people).toEqual([...people].sort((a, b) => b - a));
    expect(-off.delta.coveredPopulation).toBe(people.reduce((sum: number, p: number) => sum + p, 0));
    // The cheap mode: no geometry, the same villages.
    const cheap = (
      await planner({ method: 'POST', url: '/api/coverage/scenario', payload: { remove, gaps: false } })
    ).json();
    expect(cheap).toMatchObject({ gaps: null, gained: null, lost: null, uncovered: null });
    expect(cheap.villages).toEqual(off.villages);
    // A site at the largest uncovered village gains it, and loses nothing.
    const village = saved.uncovered.features.find((f: any) => !f.properties.unreachable);
    const [lon, lat] = village.geometry.coordinates;
    const add = (
      await planner({ method: 'POST', url: '/api/coverage/scenario', payload: { add: [{ lon, lat }] } })
    ).json();
    expect(add.lost.features).toEqual([]);
    expect(add.gained.features.length).toBeGreaterThan(0);
    expect(add.gained.features.some((f: any) => f.properties.region === village.properties.region)).toBe(true);
    const gainedVillage = add.villages.find((v: any) => v.id === village.properties.id);
    expect(gainedVillage).toMatchObject({
      before: 'uncovered',
      after: 'covered',
      minutesBefore: village.properties.minutes,
    });
    expect(gainedVillage.minutesAfter).toBeLessThan(15);
    expect(add.uncovered.features.some((f: any) => f.properties.id === village.properties.id)).toBe(false);
  });

  it('needs a planner or admin for the what-if, suggestions and downloads; coverage itself stays public', async () => {
    const organizer = await loginCookie(t.app, 'organizer', t.accounts.organizer.password);
    const admin = await loginCookie(t.app, 'admin', t.accounts.admin.password);
    const protectedRoutes = [
      { method: 'POST' as const, url: '/api/coverage/scenario', payload: { remove: [], gaps: false } },
      { method: 'GET' as const, url: '/api/siting/suggestions?k=1' },
      { method: 'POST' as const, url: '/api/siting/suggestions', payload: { k: 1, candidates: [] } },
      { method: 'GET' as const, url: '/api/coverage/export?format=csv' },
      { method: 'GET' as const, url: '/api/coverage/export?format=xlsx' },
      { method: 'GET' as const, url: '/api/coverage/uncovered.csv' },
      { method: 'GET' as const, url: '/api/coverage/gaps.geojson' },
    ];
    for (const route of protectedRoutes) {
      const anonymous = await t.app.inject(route);
      expect(anonymous.statusCode, route.url).toBe(401);
      expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
      const wrongRole = await t.app.inject({ ...route, headers: { cookie: organizer } });
      expect(wrongRole.statusCode, route.url).toBe(403);
      expect(wrongRole.json().error.message).toContain('planner or admin');
      expect((await t.app.inject({ ...route, headers: { cookie } })).statusCode, route.url).toBe(200);
      expect((await t.app.inject({ ...route, headers: { cookie: admin } })).statusCode, route.url).toBe(200);
    }
    for (const url of ['/api/coverage', '/api/coverage/gaps', '/api/coverage/partition'])
      expect((await t.app.inject(url)).statusCode, url).toBe(200);
    const doc = (await t.app.inject('/api/openapi.json')).json();
    for (const [path, method] of [
      ['/api/coverage/scenario', 'post'],
      ['/api/siting/suggestions', 'get'],
      ['/api/coverage/export', 'get'],
      ['/api/coverage/uncovered.csv', 'get'],
      ['/api/coverage/gaps.geojson', 'get'],
    ]) {
      expect(doc.paths[path][method]['x-roles'], path).toEqual(['planner', 'admin']);
      expect(doc.paths[path][method].security, path).toEqual([{ session: [] }]);
    }
    expect(doc.paths['/api/coverage'].get.security).toBeUndefined();
  });

  it('suggestions: gains fall, and building them all adds exactly their running total', async () => {
    const res = (await planner('/api/siting/suggestions?k=4')).json();
    expect(res.suggestions).toHaveLength(4);
    expect(res.baseCoveredPopulation).toBe(base.totals.coveredPopulation);
    const gains = res.suggestions.map((s: any) => s.newlyCovered);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    const scenario = (
      await planner({
        method: 'POST',
        url: '/api/coverage/scenario',
        payload: { add: res.suggestions.map((s: any) => ({ lon: s.lon, lat: s.lat })), gaps: false },
      })
    ).json();
    expect(scenario.delta.coveredPopulation).toBe(res.suggestions[3].runningTotal);
    // A planner's own candidate at an uncovered village is considered too.
    const gaps = (await t.app.inject('/api/coverage/gaps')).json();
    const village = gaps.uncovered.features[0].geometry.coordinates;
    const own = (
      await planner({
        method: 'POST',
        url: '/api/siting/suggestions',
        payload: { k: 1, candidates: [{ lon: village[0], lat: village[1] }] },
      })
    ).json();
    expect(own.candidates).toBe(res.candidates + 1);
  });

  it('exports the coverage table as CSV and XLSX, with Chinese headers', async () => {
    const csv = await planner('/api/coverage/export?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toMatch(/^乡镇\/街道,统计代码,/);
    expect(lines).toHaveLength(base.regions.length + 2);
    expect(lines[lines.length - 1]).toContain(`合计,,${base.totals.population},${base.totals.coveredPopulation}`);
    const xlsx = await planner('/api/coverage/export?format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0].rowCount).toBe(base.regions.length + 2);
    const gaps = await planner('/api/coverage/gaps.geojson');
    expect(gaps.headers['content-disposition']).toContain('.geojson');
    expect(gaps.json().type).toBe('FeatureCollection');
  });
});

describe('coverage without a network', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { demo: false });
  });
  afterAll(async () => t?.close());
  it('says so with 409 instead of inventing circles', async () => {
    const res = await t.app.inject('/api/coverage');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NO_NETWORK');
  });
});
