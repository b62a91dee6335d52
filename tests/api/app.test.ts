import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';
import { DEMO_ACCOUNTS_FILE } from '../../server/src/demo/install.js';

describe.each(testDialects)('app on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('reports health with the database and a connected network', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: dialect, demo: true, network: { components: 1 } });
    expect(res.json().network.edges).toBeGreaterThan(1000);
  });

  it('gives the client the district, the demo flag and no online style by default', async () => {
    const res = (await t.app.inject('/api/config')).json();
    expect(res.basemapStyle).toBeNull();
    expect(res.demo).toEqual({ seed: 7 });
    expect(res.district.name).toBe('青川区');
    const [w, s, e, n] = res.district.bbox;
    expect(w).toBeLessThan(e);
    expect(s).toBeLessThan(n);
  });

  it('serves townships as polygons with codes under the district, and villages as points', async () => {
    const townships = (await t.app.inject('/api/regions?level=township')).json();
    expect(townships.features.length).toBeGreaterThanOrEqual(8);
    expect(townships.features.length).toBeLessThanOrEqual(12);
    for (const f of townships.features) {
      expect(f.geometry.type).toBe('Polygon');
      expect(f.properties.code).toMatch(/^379901\d{3}000$/);
      expect(f.properties.parentCode).toBe('379901000000');
    }
    const stationTotal = townships.features.reduce(
      (s: number, f: { properties: { stations: number } }) => s + f.properties.stations,
      0,
    );
    expect(stationTotal).toBe((await t.app.inject('/api/stations')).json().features.length);
    const villages = (
      await t.app.inject(`/api/regions?level=village&parent=${townships.features[5].properties.code}`)
    ).json();
    expect(villages.features.length).toBeGreaterThan(0);
    expect(
      villages.features.every(
        (f: { geometry: { type: string }; properties: { parentCode: string } }) =>
          f.geometry.type === 'Point' && f.properties.parentCode === townships.features[5].properties.code,
      ),
    ).toBe(true);
    expect((await t.app.inject('/api/regions?level=county')).statusCode).toBe(400);
    expect((await t.app.inject('/api/regions?color=red')).statusCode).toBe(400);
  });

  it('serves the base map layers, compressed as the client asks', async () => {
    const plain = await t.app.inject('/api/basemap/streets');
    expect(plain.statusCode).toBe(200);
    const streets = plain.json();
    const classes = new Set(streets.features.map((f: { properties: { class: string } }) => f.properties.class));
    for (const c of ['motorway', 'primary', 'secondary', 'tertiary', 'minor', 'path']) expect(classes).toContain(c);
    const zipped = await t.app.inject({ url: '/api/basemap/streets', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(streets);
    // Brotli is preferred when the client takes both.
    const br = await t.app.inject({ url: '/api/basemap/streets', headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(streets);
    const water = (await t.app.inject('/api/basemap/water')).json();
    expect(water.features.some((f: { geometry: { type: string } }) => f.geometry.type === 'Polygon')).toBe(true);
  });

  it('publishes an OpenAPI document covering the routes', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/stations', '/api/stations/{id}', '/api/regions', '/api/auth/login', '/api/health'])
      expect(Object.keys(doc.paths)).toContain(p);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.app.inject('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('stores the demo accounts file with mode 600', () => {
    const file = path.join(t.database.dataDir, DEMO_ACCOUNTS_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain(t.accounts.admin.password);
  });
});

describe('an empty database (DEMO=0)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { demo: false });
  });
  afterAll(async () => t?.close());

  it('runs with no network and no stations', async () => {
    expect((await t.app.inject('/api/health')).json()).toMatchObject({ demo: false, network: null });
    expect((await t.app.inject('/api/stations')).json().features).toEqual([]);
    expect((await t.app.inject('/api/basemap/streets')).statusCode).toBe(404);
    expect((await t.app.inject('/api/config')).json().district).toBeNull();
  });
});
