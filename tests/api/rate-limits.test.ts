/**
 * The heavy routes are limited per user (by session) or else per address, with a 429 in the usual
 * error shape, `retry-after` and a Chinese and English message; on PostgreSQL the count is shared by
 * every instance on the database. The limits here are set low through the config; the defaults are
 * far above what the client or the test suites send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { RATE_LIMIT_DEFAULTS, loadConfig } from '../../server/src/config.js';
import { heavyRoute } from '../../server/src/plugins/rate-limits.js';
import { appOn, loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

const LOW = { scenario: 3, isochrone: 2, coverage: 2 };

describe.each(testDialects)('rate limits on heavy routes on %s', (dialect) => {
  let t: TestApp;
  let what: { remove: number[]; gaps: false };
  let point: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { config: { rateLimits: LOW } });
    const station = (await t.app.inject('/api/stations?level=station')).json().features[0];
    what = { remove: [station.id], gaps: false };
    const [lon, lat] = station.geometry.coordinates;
    point = `lon=${lon}&lat=${lat}`;
  });
  afterAll(async () => t?.close());

  const scenario = (headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/coverage/scenario', payload: what, headers, remoteAddress });
  const publicCoverage = (remoteAddress: string) => t.app.inject({ url: '/api/coverage', remoteAddress });

  it('answers 429 past the limit, with retry-after and a bilingual message, per address', async () => {
    for (let k = 0; k < 2; k++) {
      const ok = await publicCoverage('10.0.0.1');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('2');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(1 - k));
    }
    const refused = await publicCoverage('10.0.0.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      error: { code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^请求过于频繁.*Too many requests/) },
    });
    // Another address has its own count.
    expect((await publicCoverage('10.0.0.2')).statusCode).toBe(200);
  });

  it('counts a logged-in user by the session, not the address, and a refused login not at all', async () => {
    const planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const admin = await loginCookie(t.app, 'admin', t.accounts.admin.password);
    for (let k = 0; k < 3; k++) {
      const ok = await scenario({ cookie: planner }, '10.0.1.1');
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - k));
    }
    expect((await scenario({ cookie: planner }, '10.0.1.2')).statusCode).toBe(429);
    // Same address, another user.
    expect((await scenario({ cookie: admin }, '10.0.1.1')).statusCode).toBe(200);
    // The what-if needs a planner: the public is refused before anything is counted.
    for (let k = 0; k < 4; k++) expect((await scenario({}, '10.0.1.3')).statusCode).toBe(401);
    // A saved scenario's what-if counts with the posted one.
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { cookie: admin },
      payload: { name: 'rate limit', remove: what.remove },
    });
    expect(created.statusCode, created.body).toBe(201);
    const saved = await t.app.inject({
      url: `/api/scenarios/${created.json().id}/coverage?gaps=false`,
      headers: { cookie: admin },
      remoteAddress: '10.0.1.4',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers['x-ratelimit-remaining']).toBe('1');
  });

  it('limits each heavy route by its own setting, and leaves the other routes alone', async () => {
    const iso = (addr: string) => t.app.inject({ url: `/api/isochrone?${point}&minutes=15`, remoteAddress: addr });
    expect((await iso('10.0.2.1')).statusCode).toBe(200);
    expect((await iso('10.0.2.1')).statusCode).toBe(200);
    expect((await iso('10.0.2.1')).statusCode).toBe(429);
    const coverage = (url: string) => t.app.inject({ url, remoteAddress: '10.0.2.1' });
    expect((await coverage('/api/coverage')).statusCode).toBe(200);
    expect((await coverage('/api/coverage')).statusCode).toBe(200);
    expect((await coverage('/api/coverage')).statusCode).toBe(429);
    // The coverage routes count together.
    expect((await coverage('/api/coverage/gaps')).statusCode).toBe(429);
    // Light routes carry no limit.
    for (let k = 0; k < 5; k++) {
      const res = await t.app.inject({ url: '/api/stations?level=center', remoteAddress: '10.0.2.1' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('documents the 429 on the limited routes', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.paths['/api/coverage/scenario'].post.responses['429']).toBeTruthy();
    expect(doc.paths['/api/isochrone'].get.responses['429']).toBeTruthy();
    expect(doc.paths['/api/stations'].get.responses['429']).toBeUndefined();
  });
});

describe('rate limit settings', () => {
  it('sorts every heavy route under its limit, and no other', () => {
    expect(heavyRoute('/api/isochrone')).toBe('isochrone');
    expect(heavyRoute('/api/service-areas')).toBe('service-areas');
    expect(heavyRoute('/api/stations/:id/service-area')).toBe('station-area');
    for (const url of ['/api/coverage', '/api/coverage/gaps', '/api/coverage/partition', '/api/coverage/export'])
      expect(heavyRoute(url)).toBe('coverage');
    expect(heavyRoute('/api/coverage/scenario')).toBe('scenario');
    expect(heavyRoute('/api/scenarios/:id/coverage')).toBe('scenario');
    expect(heavyRoute('/api/coverage/uncovered.csv')).toBe('coverage');
    for (const url of ['/api/scenarios', '/api/scenarios/:id', '/api/scenarios/:id/adopt'])
      expect(heavyRoute(url)).toBeNull();
    expect(heavyRoute('/api/siting/suggestions')).toBe('siting');
    expect(heavyRoute('/api/nearby')).toBe('nearby');
    expect(heavyRoute('/api/heatmap')).toBe('heatmap');
    expect(heavyRoute('/api/import/stations')).toBe('import');
    for (const url of [
      '/api/stations',
      '/api/stations/:id',
      '/api/health',
      '/api/activities/stream',
      '/api/auth/login',
    ])
      expect(heavyRoute(url)).toBeNull();
  });

  it('reads RATE_LIMITS and TRUST_PROXY, naming what it cannot read', () => {
    expect(loadConfig({}).rateLimits).toEqual({});
    expect(loadConfig({ RATE_LIMITS: 'scenario=240, isochrone=0' }).rateLimits).toEqual({
      scenario: 240,
      isochrone: 0,
    });
    expect(() => loadConfig({ RATE_LIMITS: 'scenarios=5' })).toThrow(/unknown limit "scenarios"/);
    expect(() => loadConfig({ RATE_LIMITS: 'scenario=lots' })).toThrow(/scenario="lots"/);
    expect(RATE_LIMIT_DEFAULTS.scenario).toBe(120);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});

describe('rate limits behind a proxy (TRUST_PROXY)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { config: { rateLimits: LOW, trustProxy: 'loopback' } });
  });
  afterAll(async () => t?.close());

  it("counts each visitor by the address the proxy forwards, and only a trusted proxy's word counts", async () => {
    const via = (forwarded: string, remoteAddress = '127.0.0.1') =>
      t.app.inject({ url: '/api/coverage', headers: { 'x-forwarded-for': forwarded }, remoteAddress });
    expect((await via('203.0.113.5')).statusCode).toBe(200);
    expect((await via('203.0.113.5')).statusCode).toBe(200);
    expect((await via('203.0.113.5')).statusCode).toBe(429);
    expect((await via('203.0.113.6')).statusCode).toBe(200);
    // A client talking directly cannot pose as someone else: its own address is counted.
    expect((await via('203.0.113.7', '198.51.100.1')).statusCode).toBe(200);
    expect((await via('203.0.113.8', '198.51.100.1')).statusCode).toBe(200);
    expect((await via('203.0.113.9', '198.51.100.1')).statusCode).toBe(429);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('rate limits across two instances on one PostgreSQL', () => {
  let t: TestApp;
  let second: FastifyInstance;
  beforeAll(async () => {
    t = await startTestApp('postgres', { config: { rateLimits: LOW } });
    second = await appOn(t.database, { config: { rateLimits: LOW } });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('counts requests to either instance against one limit', async () => {
    const codes = [];
    for (const app of [t.app, second, t.app, second])
      codes.push((await app.inject({ url: '/api/coverage', remoteAddress: '10.8.0.1' })).statusCode);
    expect(codes).toEqual([200, 200, 429, 429]);
  });
});
