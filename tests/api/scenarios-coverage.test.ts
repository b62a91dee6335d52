/**
 * A saved scenario's what-if equals the coverage after really adopting it: the same demo district is
 * installed in a second (scratch) database, the same scenario is adopted there, and GET /api/coverage
 * there is compared with GET /api/scenarios/:id/coverage here, township by township.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

interface StationFeature {
  id: number;
  properties: { name: string; level: string; regionCode: string };
  geometry: { coordinates: [number, number] };
}
interface Row {
  code: string;
  [field: string]: unknown;
}

const AREA_FIELDS = new Set(['areaM2', 'coveredAreaM2']);

/** Field for field: areas within 1e-6 relative, everything else (population included) exact. */
function compareFigures(what: string, scenario: Record<string, unknown>, adopted: Record<string, unknown>) {
  expect(Object.keys(scenario).sort(), what).toEqual(Object.keys(adopted).sort());
  for (const [field, value] of Object.entries(adopted)) {
    const mine = scenario[field];
    if (AREA_FIELDS.has(field)) {
      const a = Number(value);
      expect(Math.abs(Number(mine) - a), `${what}.${field}: ${mine} vs ${a}`).toBeLessThanOrEqual(
        Math.max(1e-6 * Math.abs(a), 1e-9),
      );
    } else expect(mine, `${what}.${field}`).toEqual(value);
  }
}

describe.each(testDialects)('scenario coverage against an adopted copy on %s', (dialect) => {
  let here: TestApp;
  let scratch: TestApp;
  let cookies: { here: string; scratch: string };
  let body: { name: string; add: object[]; move: object[]; remove: number[] };

  beforeAll(async () => {
    // Two demo installs: on PostgreSQL on a busy machine, more than the default two minutes.
    [here, scratch] = await Promise.all([startTestApp(dialect), startTestApp(dialect)]);
    cookies = {
      here: await loginCookie(here.app, here.accounts.planner.username, here.accounts.planner.password),
      scratch: await loginCookie(scratch.app, scratch.accounts.planner.username, scratch.accounts.planner.password),
    };
    const stations: StationFeature[] = (await here.app.inject('/api/stations')).json().features;
    // The same seed in both: the same stations under the same ids.
    const theirs: StationFeature[] = (await scratch.app.inject('/api/stations')).json().features;
    expect(theirs.map((s) => [s.id, s.properties.name])).toEqual(stations.map((s) => [s.id, s.properties.name]));

    const uncovered = (await here.app.inject('/api/coverage/gaps'))
      .json()
      .uncovered.features.filter(
        (f: { properties: { unreachable: boolean; region: string | null } }) =>
          !f.properties.unreachable && f.properties.region,
      );
    const townships = (await here.app.inject('/api/regions?level=township')).json().features;
    const site = (f: { geometry: { coordinates: [number, number] } }, extra: object) => ({
      lon: f.geometry.coordinates[0],
      lat: f.geometry.coordinates[1],
      level: 'station',
      services: ['theory'],
      hours: 'Mo-Su 08:00-18:00',
      ...extra,
    });
    const levelled = (level: string) => stations.filter((s) => s.properties.level === level);
    // A station moved into another township: next to an institute elsewhere.
    const mover = levelled('station')[0];
    const target = levelled('institute').find((s) => s.properties.regionCode !== mover.properties.regionCode)!;
    expect(townships.length).toBeGreaterThan(1);
    body = {
      name: '对照方案',
      add: [
        // Its township given, another's inferred from the point, and a point (counted only with points).
        site(uncovered[0], { name: '对照站点 一', regionCode: uncovered[0].properties.region }),
        site(uncovered[1], { name: '对照站点 二' }),
        site(uncovered[2], { name: '对照站点 三', level: 'point' }),
      ],
      move: [
        {
          id: mover.id,
          lon: target.geometry.coordinates[0] + 0.0008,
          lat: target.geometry.coordinates[1] + 0.0005,
        },
      ],
      remove: [levelled('station')[5].id, levelled('institute')[1].id, levelled('point')[0].id],
    };
  }, 300_000);
  afterAll(async () => {
    await here?.close();
    await scratch?.close();
  });

  it('gives, for every parameter set, the coverage that adopting the scenario gives', async () => {
    const created = await here.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { cookie: cookies.here },
      payload: body,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const queries = ['', 'minutes=10&levels=center,institute,station,point', 'mode=bike&minutes=5'];
    const answers = [];
    for (const q of queries) {
      const res = await here.app.inject({
        url: `/api/scenarios/${id}/coverage?gaps=false&${q}`,
        headers: { cookie: cookies.here },
      });
      expect(res.statusCode, res.body).toBe(200);
      answers.push(res.json());
    }
    // The moved station counts in the township it now lies in, as adoption writes it.
    const mover = (body.move[0] as { id: number }).id;

    const copy = await scratch.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      headers: { cookie: cookies.scratch },
      payload: body,
    });
    const adopted = await scratch.app.inject({
      method: 'POST',
      url: `/api/scenarios/${copy.json().id}/adopt`,
      headers: { cookie: cookies.scratch },
      payload: { version: 1 },
    });
    expect(adopted.statusCode, adopted.body).toBe(200);
    const movedRow = await scratch.database.db
      .selectFrom('stations')
      .select('region_code')
      .where('id', '=', mover)
      .executeTakeFirstOrThrow();
    const before = await here.database.db
      .selectFrom('stations')
      .select('region_code')
      .where('id', '=', mover)
      .executeTakeFirstOrThrow();
    expect(movedRow.region_code).not.toBe(before.region_code);

    for (const [i, q] of queries.entries()) {
      const truth = (await scratch.app.inject(`/api/coverage?${q}`)).json();
      const answer = answers[i];
      for (const field of ['minutes', 'mode', 'levels', 'method']) expect(answer[field], field).toEqual(truth[field]);
      compareFigures(`${q} totals`, answer.totals, truth.totals);
      expect(answer.regions.map((r: Row) => r.code)).toEqual(truth.regions.map((r: Row) => r.code));
      truth.regions.forEach((r: Row, k: number) => compareFigures(`${q} ${r.code}`, answer.regions[k], r));
      // And the difference it reports is the difference adoption made.
      const saved = (await here.app.inject(`/api/coverage?${q}`)).json();
      expect(answer.base).toEqual(saved.totals);
      expect(answer.delta.coveredPopulation).toBe(truth.totals.coveredPopulation - saved.totals.coveredPopulation);
    }
    // The scenario changed something worth comparing.
    expect(answers[0].delta.coveredPopulation).not.toBe(0);
  });
});
