import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

describe.each(testDialects)('coverage API on %s', (dialect) => {
  let t: TestApp;
  let base: any;
  beforeAll(async () => {
    t = await startTestApp(dialect);
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
    const res = await t.app.inject({ method: 'POST', url: '/api/coverage/scenario', payload: { remove: [removed] } });
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
      await t.app.inject({
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
    const bad = await t.app.inject({ method: 'POST', url: '/api/coverage/scenario', payload: { remove: [999999] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('999999');
  });

  it('suggestions: gains fall, and building them all adds exactly their running total', async () => {
    const res = (await t.app.inject('/api/siting/suggestions?k=4')).json();
    expect(res.suggestions).toHaveLength(4);
    expect(res.baseCoveredPopulation).toBe(base.totals.coveredPopulation);
    const gains = res.suggestions.map((s: any) => s.newlyCovered);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));
    const scenario = (
      await t.app.inject({
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
      await t.app.inject({
        method: 'POST',
        url: '/api/siting/suggestions',
        payload: { k: 1, candidates: [{ lon: village[0], lat: village[1] }] },
      })
    ).json();
    expect(own.candidates).toBe(res.candidates + 1);
  });

  it('exports the coverage table as CSV and XLSX, with Chinese headers', async () => {
    const csv = await t.app.inject('/api/coverage/export?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[1]).toContain('乡镇/街道');
    expect(lines).toHaveLength(base.regions.length + 3);
    expect(lines[lines.length - 1]).toContain(`合计,,${base.totals.population},${base.totals.coveredPopulation}`);
    const xlsx = await t.app.inject('/api/coverage/export?format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0].rowCount).toBe(base.regions.length + 2);
    const gaps = await t.app.inject('/api/coverage/gaps.geojson');
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
