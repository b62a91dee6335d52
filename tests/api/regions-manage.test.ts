/**
 * Renaming and deleting regions, and replacing the whole set of townships: what depends on a region is
 * reported, moved to the township that contains it, or the change is refused; never left dangling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/db/schema.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

/** Everything that names a region that does not exist, or a village under another township than its station's. */
async function dangling(db: Kysely<Database>): Promise<string[]> {
  const regions = await db.selectFrom('regions').select(['code', 'parent_code', 'level']).execute();
  const codes = new Set(regions.map((r) => r.code));
  const parentOf = new Map(regions.map((r) => [r.code, r.parent_code]));
  const stations = await db.selectFrom('stations').select(['id', 'region_code', 'village_code']).execute();
  const points = await db.selectFrom('population_points').select(['id', 'region_code', 'township_code']).execute();
  return [
    ...regions.filter((r) => r.parent_code && !codes.has(r.parent_code)).map((r) => `region ${r.code}`),
    ...stations
      .filter(
        (s) =>
          !codes.has(s.region_code) ||
          (s.village_code && (!codes.has(s.village_code) || parentOf.get(s.village_code) !== s.region_code)),
      )
      .map((s) => `station ${s.id}`),
    ...points
      .filter((p) => !codes.has(p.township_code) || !codes.has(p.region_code))
      .map((p) => `population point ${p.id}`),
  ];
}

const countOf = async (db: Kysely<Database>, table: 'stations' | 'population_points' | 'activities' | 'regions') =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The whole state that a refused change must leave as it was. */
async function snapshot(db: Kysely<Database>) {
  return {
    regions: await db.selectFrom('regions').selectAll().orderBy('code').execute(),
    stations: await db.selectFrom('stations').select(['id', 'region_code', 'village_code']).orderBy('id').execute(),
    points: await db
      .selectFrom('population_points')
      .select(['id', 'region_code', 'township_code'])
      .orderBy('id')
      .execute(),
  };
}

interface Township {
  code: string;
  name: string;
  geometry: { type: string; coordinates: unknown };
}

describe.each(testDialects)('managing regions on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let organizer: string;
  let townships: Township[];
  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    organizer = await loginCookie(t.app, 'organizer', t.accounts.organizer.password);
    townships = (await t.app.inject('/api/regions?level=township'))
      .json()
      .features.map((f: { properties: { code: string; name: string }; geometry: Township['geometry'] }) => ({
        code: f.properties.code,
        name: f.properties.name,
        geometry: f.geometry,
      }));
  });
  afterAll(async () => t?.close());

  const send = (method: 'PATCH' | 'DELETE', url: string, payload?: unknown, cookie = planner) =>
    t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: cookie ? { cookie } : {} });
  const importRegions = (features: unknown[], query = '') =>
    t.app.inject({
      method: 'POST',
      url: `/api/import/regions${query}`,
      payload: JSON.stringify({ type: 'FeatureCollection', features }),
      headers: { 'content-type': 'application/geo+json', cookie: planner },
    });
  const asFeature = (tw: Township, code = tw.code, name = tw.name) => ({
    type: 'Feature',
    properties: { code, name },
    geometry: tw.geometry,
  });

  it('renames a township: 401 anonymous, 403 organizer, 409 for a name taken; the station list follows', async () => {
    const [a, b] = townships;
    expect((await send('PATCH', `/api/regions/${a.code}`, { name: '新名镇' }, '')).statusCode).toBe(401);
    expect((await send('PATCH', `/api/regions/${a.code}`, { name: '新名镇' }, organizer)).statusCode).toBe(403);
    const taken = await send('PATCH', `/api/regions/${a.code}`, { name: b.name });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toBe(`${b.name} is already the name of township ${b.code}`);
    expect((await send('PATCH', `/api/regions/${a.code}`, { name: '   ' })).statusCode).toBe(400);
    expect((await send('PATCH', `/api/regions/${a.code}`, { name: '长'.repeat(101) })).json().error.message).toMatch(
      /^body\.name: /,
    );
    expect((await send('PATCH', '/api/regions/379901999000', { name: '无此镇' })).statusCode).toBe(404);

    const stationsBefore = (await t.app.inject(`/api/stations?region=${a.code}`)).json().features.length;
    expect(stationsBefore).toBeGreaterThan(0);
    const list = await t.app.inject('/api/stations'); // cached whole list
    const res = await send('PATCH', `/api/regions/${a.code}`, { name: ' 新名街道 ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: a.code,
      properties: { code: a.code, name: '新名街道', kind: 'subdistrict', level: 'township', stations: stationsBefore },
    });
    const after = await t.app.inject({
      url: '/api/stations',
      headers: { 'if-none-match': list.headers.etag as string },
    });
    expect(after.statusCode).toBe(200);
    const names = after
      .json()
      .features.filter((f: { properties: { regionCode: string } }) => f.properties.regionCode === a.code)
      .map((f: { properties: { regionName: string } }) => f.properties.regionName);
    expect(new Set(names)).toEqual(new Set(['新名街道']));
    const coverage = (await t.app.inject('/api/coverage')).json();
    expect(coverage.regions.find((r: { code: string }) => r.code === a.code).name).toBe('新名街道');
    await send('PATCH', `/api/regions/${a.code}`, { name: a.name });
  });

  it('refuses to delete a township in use with what depends on it, and a forced delete that would strand stations', async () => {
    const a = townships[0];
    const before = await snapshot(t.database.db);
    const stations = before.stations.filter((s) => s.region_code === a.code).length;
    const points = before.points.filter((p) => p.township_code === a.code).length;
    const villages = before.regions.filter((r) => r.parent_code === a.code).length;
    expect(stations * points * villages).toBeGreaterThan(0);
    const activities = Number(
      (
        await t.database.db
          .selectFrom('activities')
          .innerJoin('stations', 'stations.id', 'activities.station_id')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('stations.region_code', '=', a.code)
          .executeTakeFirstOrThrow()
      ).n,
    );

    expect((await send('DELETE', `/api/regions/${a.code}`, undefined, '')).statusCode).toBe(401);
    expect((await send('DELETE', `/api/regions/${a.code}`, undefined, organizer)).statusCode).toBe(403);
    const res = await send('DELETE', `/api/regions/${a.code}`);
    expect(res.statusCode).toBe(409);
    const { error } = res.json();
    expect(error.code).toBe('REGION_IN_USE');
    expect(error.details).toEqual({
      dependents: { children: villages, stations, populationPoints: points, activities },
      unplaced: [],
    });
    expect(error.message).toContain(`${villages} villages or communities, ${stations} stations`);

    // Forced: no other township contains its stations, so nothing may happen.
    const forced = await send('DELETE', `/api/regions/${a.code}?force=true`);
    expect(forced.statusCode).toBe(409);
    expect(forced.json().error.details.unplaced).toHaveLength(stations);
    expect(forced.json().error.message).toContain('move or delete those stations first');
    expect(await snapshot(t.database.db)).toEqual(before);
    expect((await send('DELETE', '/api/regions/379901999000')).statusCode).toBe(404);
  });

  it('a forced delete moves villages, stations and people to the township that contains them', async () => {
    const a = townships[1];
    // A second township with the same outline, as when a township's code changes.
    const twin = await importRegions([asFeature(a, '379901950000', `${a.name}（新）`)]);
    expect(twin.statusCode, twin.body).toBe(200);
    const before = await snapshot(t.database.db);
    const activities = await countOf(t.database.db, 'activities');
    const stations = before.stations.filter((s) => s.region_code === a.code);
    const villages = before.regions.filter((r) => r.parent_code === a.code);
    const points = before.points.filter((p) => p.township_code === a.code);
    const population = before.regions.find((r) => r.code === a.code)!.population;

    const res = await send('DELETE', `/api/regions/${a.code}?force=true`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      code: a.code,
      name: a.name,
      level: 'township',
      relocated: {
        stations: stations.length,
        villages: villages.length,
        populationPoints: points.length,
        removedVillages: 0,
        removedPopulationPoints: 0,
      },
    });
    const db = t.database.db;
    expect(await db.selectFrom('regions').select('code').where('code', '=', a.code).execute()).toEqual([]);
    const moved = await db
      .selectFrom('stations')
      .select(['region_code', 'village_code'])
      .where(
        'id',
        'in',
        stations.map((s) => s.id),
      )
      .execute();
    expect(new Set(moved.map((s) => s.region_code))).toEqual(new Set(['379901950000']));
    // Stations keep their villages, which moved with them.
    expect(moved.map((s) => s.village_code).sort()).toEqual(stations.map((s) => s.village_code).sort());
    const twinRow = await db
      .selectFrom('regions')
      .selectAll()
      .where('code', '=', '379901950000')
      .executeTakeFirstOrThrow();
    expect(twinRow.population).toBe(population);
    expect(await countOf(db, 'activities')).toBe(activities);
    expect(await dangling(db)).toEqual([]);
    expect((await t.app.inject('/api/coverage')).statusCode).toBe(200);
  });

  it('deletes a township nothing depends on at once', async () => {
    const res = await importRegions([
      {
        type: 'Feature',
        properties: { code: '379901951000', name: '空镇' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [116.6, 36.2],
              [116.601, 36.2],
              [116.601, 36.201],
              [116.6, 36.2],
            ],
          ],
        },
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const deleted = await send('DELETE', '/api/regions/379901951000');
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json()).toMatchObject({ code: '379901951000', name: '空镇', relocated: { stations: 0 } });
    expect(
      (await t.app.inject('/api/regions?level=township')).json().features.map((f: { id: string }) => f.id),
    ).not.toContain('379901951000');
  });

  it('deletes a village: 409 first, then with force its stations keep their township and its people count there', async () => {
    const db = t.database.db;
    const station = await db
      .selectFrom('stations')
      .select(['id', 'region_code', 'village_code'])
      .where('village_code', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const village = station.village_code!;
    const people = await db.selectFrom('population_points').select(['id']).where('region_code', '=', village).execute();
    const refused = await send('DELETE', `/api/regions/${village}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details.dependents).toMatchObject({ children: 0, populationPoints: people.length });
    const res = await send('DELETE', `/api/regions/${village}?force=true`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ level: 'village', relocated: { populationPoints: people.length } });
    const after = await db
      .selectFrom('stations')
      .select(['region_code', 'village_code'])
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ region_code: station.region_code, village_code: null });
    if (people.length) {
      const point = await db
        .selectFrom('population_points')
        .selectAll()
        .where('id', '=', people[0].id)
        .executeTakeFirstOrThrow();
      expect(point.region_code).toBe(point.township_code);
    }
    expect(await dangling(db)).toEqual([]);
  });

  it('never deletes the district while anything is under it, forced or not', async () => {
    const district = (await t.app.inject('/api/regions?level=district')).json().features[0].id;
    for (const query of ['', '?force=true']) {
      const res = await send('DELETE', `/api/regions/${district}${query}`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toContain('delete its townships and stations first');
    }
  });
});

describe.each(testDialects)('replacing the townships on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let townships: Township[];
  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    townships = (await t.app.inject('/api/regions?level=township'))
      .json()
      .features.map((f: { properties: { code: string; name: string }; geometry: Township['geometry'] }) => ({
        code: f.properties.code,
        name: f.properties.name,
        geometry: f.geometry,
      }));
  });
  afterAll(async () => t?.close());

  const replace = (features: unknown[], language = 'en') =>
    t.app.inject({
      method: 'POST',
      url: '/api/import/regions?mode=replace',
      payload: JSON.stringify({ type: 'FeatureCollection', features }),
      headers: { 'content-type': 'application/geo+json', cookie: planner, 'accept-language': language },
    });
  const asFeature = (tw: Township, code = tw.code, name = tw.name) => ({
    type: 'Feature',
    properties: { code, name },
    geometry: tw.geometry,
  });

  it('refuses a set that leaves stations in no township, naming them, and writes nothing', async () => {
    const before = await snapshot(t.database.db);
    const res = await replace(townships.slice(1).map((tw) => asFeature(tw)));
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toMatch(/^Nothing was imported: [0-9]+ stations would be left in no township: /);
    expect(error.message).toContain('Add the townships that contain them to the file');
    // The page's default language says all of it in Chinese: only the stations' names and positions remain.
    const zh = (
      await replace(
        townships.slice(1).map((tw) => asFeature(tw)),
        'zh-CN',
      )
    ).json().error.message;
    expect(zh).toMatch(/^未导入任何数据：[0-9]+ 个站点将不属于任何乡镇：/);
    expect(zh).not.toMatch(/station|township|would|Nothing/);
    expect(await snapshot(t.database.db)).toEqual(before);
  });

  it('replaces the set: a township under a new code takes over everything of the old one', async () => {
    const db = t.database.db;
    const [a, ...rest] = townships;
    const before = await snapshot(db);
    const activities = await countOf(db, 'activities');
    const stations = before.stations.filter((s) => s.region_code === a.code);
    const villages = before.regions.filter((r) => r.parent_code === a.code);
    const points = before.points.filter((p) => p.township_code === a.code);
    const population = before.regions.find((r) => r.code === a.code)!.population;
    const res = await replace([asFeature(a, '379901960000', `${a.name}（新）`), ...rest.map((tw) => asFeature(tw))]);
    expect(res.statusCode, res.body).toBe(200);
    // The townships sent again as they are count as unchanged, not as updated.
    expect(res.json()).toMatchObject({
      kind: 'regions',
      created: 1,
      updated: 0,
      counts: { new: 1, updated: 0, unchanged: rest.length, invalid: 0 },
      removed: 1,
      relocated: {
        stations: stations.length,
        villages: villages.length,
        populationPoints: points.length,
        removedVillages: 0,
        removedPopulationPoints: 0,
      },
    });
    const now = await snapshot(db);
    expect(now.regions.filter((r) => r.level === 'township').map((r) => r.code)).toEqual(
      ['379901960000', ...rest.map((tw) => tw.code)].sort(),
    );
    expect(now.stations.filter((s) => s.region_code === '379901960000').map((s) => s.id)).toEqual(
      stations.map((s) => s.id),
    );
    expect(now.regions.filter((r) => r.parent_code === '379901960000')).toHaveLength(villages.length);
    expect(now.regions.find((r) => r.code === '379901960000')!.population).toBe(population);
    expect(await countOf(db, 'activities')).toBe(activities);
    expect(await dangling(db)).toEqual([]);
    const coverage = await t.app.inject('/api/coverage');
    expect(coverage.statusCode).toBe(200);
    expect(coverage.json().regions.map((r: { code: string }) => r.code)).toContain('379901960000');
  });
});
