/**
 * Boundaries that would break the district are refused at import, each bad feature named with the rule
 * and the place, nothing written, and coverage still answers afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

type Ring = number[][];
const square = (x: number, y: number, s: number): Ring => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];
const feature = (name: string, code: string, coordinates: Ring[]) => ({
  type: 'Feature',
  properties: { name, code },
  geometry: { type: 'Polygon', coordinates },
});
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

describe.each(testDialects)('boundaries refused at import on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  /** A point well inside the demo district, and the township codes before the test. */
  let inside: [number, number];
  let before: string[];
  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const townships = (await t.app.inject('/api/regions?level=township')).json().features;
    before = townships.map((f: { properties: { code: string } }) => f.properties.code);
    const first = townships[0].properties;
    inside = [first.labelLon, first.labelLat];
  });
  afterAll(async () => t?.close());

  const upload = (body: string, query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/import/regions${query}`,
      payload: body,
      headers: { 'content-type': 'application/geo+json', cookie: planner, 'accept-language': 'en' },
    });
  const townshipCodes = async () =>
    (
      await t.database.db.selectFrom('regions').select('code').where('level', '=', 'township').orderBy('code').execute()
    ).map((r) => r.code);

  /** Uploads one bad township among good ones; expects a 400 naming it, nothing written, coverage still 200. */
  async function refused(bad: ReturnType<typeof feature>, rule: RegExp | string) {
    const good = feature('好镇', '379901900000', [square(inside[0] - 0.002, inside[1] - 0.002, 0.004)]);
    const res = await upload(collection(good, bad));
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain('nothing was imported');
    expect(error.details).toHaveLength(1);
    expect(error.details[0].row).toBe(2);
    expect(error.details[0].message).toMatch(/^feature 2 \(/);
    if (typeof rule === 'string') expect(error.details[0].message).toContain(rule);
    else expect(error.details[0].message).toMatch(rule);
    expect(await townshipCodes()).toEqual(before);
    const coverage = await t.app.inject('/api/coverage');
    expect(coverage.statusCode, coverage.body).toBe(200);
    return error.details[0].message as string;
  }

  it('a bow-tie: the ring crosses itself, named with the place', async () => {
    const [x, y] = inside;
    const bowTie = [
      [x, y],
      [x + 0.02, y + 0.02],
      [x + 0.02, y],
      [x, y + 0.02],
      [x, y],
    ];
    const message = await refused(feature('新店镇', '379901901000', [bowTie]), 'ring 0 crosses itself near');
    expect(message).toBe(
      `feature 2 (新店镇): ring 0 crosses itself near ${(x + 0.01).toFixed(5)}, ${(y + 0.01).toFixed(5)}`,
    );
  });

  it('an unclosed ring', async () => {
    const open = square(inside[0], inside[1], 0.01).slice(0, 4);
    await refused(feature('开口镇', '379901902000', [open]), 'ring 0 is not closed');
  });

  it('a ring of zero area', async () => {
    const [x, y] = inside;
    const flat = [
      [x, y],
      [x + 0.01, y],
      [x + 0.02, y],
      [x, y],
    ];
    await refused(feature('无面积镇', '379901903000', [flat]), 'encloses no area');
    const sliver = [
      [x, y],
      [x + 0.001, y],
      [x + 0.001, y + 1e-7],
      [x, y],
    ];
    await refused(feature('细条镇', '379901903000', [sliver]), /encloses [0-9.]+ m², less than the 100 m²/);
  });

  it('a 400,000-vertex ring, refused by the vertex limit', async () => {
    const n = 400_000;
    const ring: Ring = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      ring.push([inside[0] + 0.01 * Math.cos(a), inside[1] + 0.01 * Math.sin(a)]);
    }
    ring.push(ring[0]);
    await refused(feature('密点镇', '379901904000', [ring]), 'geometry has 400,001 positions, more than the 20,000');
  });

  it('a township 1° away and one 700 km away, outside the district', async () => {
    const oneDegree = await refused(
      feature('远镇', '379901905000', [square(inside[0] + 1, inside[1], 0.01)]),
      /outside the district: it reaches [0-9]+ km beyond the district's extent/,
    );
    expect(oneDegree).toMatch(/^feature 2 \(远镇\): lies outside the district/);
    await refused(
      feature('更远镇', '379901906000', [square(inside[0] + 7.8, inside[1], 0.01)]),
      /reaches (68|69|70)[0-9] km beyond the district's extent/,
    );
  });

  it('a 5,000-character name, named shortened', async () => {
    const message = await refused(
      feature('长'.repeat(5000), '379901907000', [square(inside[0], inside[1], 0.005)]),
      'name is 5000 characters long; at most 100',
    );
    expect(message.length).toBeLessThan(200);
  });

  it('several bad features are all listed, and a good file still goes in afterwards', async () => {
    const [x, y] = inside;
    const res = await upload(
      collection(
        feature('甲', '379901908000', [square(x + 2, y, 0.01)]),
        feature('', '3799', [square(x, y, 0.01).slice(0, 4)]),
        feature('乙', '379901908000', [square(x, y, 0.001)]),
      ),
    );
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.message).toBe('3 of 3 features are invalid; nothing was imported');
    // Each problem is a detail of its own, naming its feature.
    const messages = (row: number) =>
      error.details.filter((d: { row: number }) => d.row === row).map((d: { message: string }) => d.message);
    expect([...new Set(error.details.map((d: { row: number }) => d.row))]).toEqual([1, 2, 3]);
    expect(messages(2)).toEqual([
      expect.stringMatching(/^feature 2 \(no name\): .*name is missing/),
      expect.stringContaining('not a 12-digit statistics code'),
      expect.stringContaining('ring 0 is not closed'),
    ]);
    expect(messages(3)[0]).toContain('code 379901908000 appears twice (also feature 1)');
    expect(await townshipCodes()).toEqual(before);
    const ok = await upload(collection(feature('好镇', '379901909000', [square(x - 0.002, y - 0.002, 0.004)])));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ kind: 'regions', created: 1, updated: 0 });
    expect((await t.app.inject('/api/coverage')).statusCode).toBe(200);
  });
});

describe('where townships may lie without a district boundary', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
  });
  afterAll(async () => t?.close());

  const upload = (body: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/import/regions',
      payload: body,
      headers: { 'content-type': 'application/geo+json', cookie, 'accept-language': 'en' },
    });

  it("within the street network's extent when the district has no boundary", async () => {
    await t.database.db.updateTable('regions').set({ geometry: null }).where('level', '=', 'district').execute();
    const [x, y] = [116.62, 36.18];
    const res = await upload(collection(feature('远镇', '379901905000', [square(x + 1, y, 0.01)])));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].message).toMatch(
      /^feature 1 \(远镇\): lies outside the street network: it reaches [0-9]+ km beyond the street network's extent \(/,
    );
    const near = await upload(collection(feature('近镇', '379901906000', [square(x, y, 0.01)])));
    expect(near.statusCode, near.body).toBe(200);
    expect((await t.app.inject('/api/coverage')).statusCode).toBe(200);
  });
});

describe('where townships may lie with neither a district boundary nor a street network', () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { demo: false });
    const { hashPassword } = await import('../../server/src/auth/password.js');
    await t.database.db
      .insertInto('users')
      .values({
        username: 'p',
        password_hash: await hashPassword('planner-pass'),
        role: 'planner',
        station_id: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    cookie = await loginCookie(t.app, 'p', 'planner-pass');
  });
  afterAll(async () => t?.close());

  const upload = (body: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/import/regions',
      payload: body,
      headers: { 'content-type': 'application/geo+json', cookie, 'accept-language': 'en' },
    });

  it('within 100 km of the middle of the townships, those already imported included', async () => {
    const far = await upload(
      collection(
        feature('甲镇', '110108101000', [square(116.3, 39.9, 0.05)]),
        feature('乙镇', '110108102000', [square(116.4, 39.9, 0.05)]),
        feature('丙镇', '110108103000', [square(124.6, 39.9, 0.05)]),
      ),
    );
    expect(far.statusCode).toBe(400);
    expect(far.json().error.details).toEqual([
      expect.objectContaining({
        row: 3,
        message: expect.stringMatching(
          /^feature 3 \(丙镇\): reaches 7[0-9]{2} km from the middle of the townships \(116\.425, 39\.925\); a district's townships must lie within 100 km of it$/,
        ),
      }),
    ]);
    const ok = await upload(
      collection(
        feature('甲镇', '110108101000', [square(116.3, 39.9, 0.05)]),
        feature('乙镇', '110108102000', [square(116.4, 39.9, 0.05)]),
      ),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    // A later file is measured with the townships already there.
    const later = await upload(collection(feature('丁镇', '110108104000', [square(118.0, 39.9, 0.05)])));
    expect(later.statusCode).toBe(400);
    expect(later.json().error.details[0].message).toContain('km from the middle of the townships');
  });
});
