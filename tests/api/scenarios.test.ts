/**
 * Scenarios (方案): saved drafts that never touch the stations table, only planners and admins see
 * them, and adoption applies exactly the listed changes (or nothing, naming why).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/db/schema.js';
import { createUser } from '../../server/src/auth/users.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

/** Every column of every station row, in id order: what no scenario operation may change. */
async function stationRows(db: Kysely<Database>) {
  return db.selectFrom('stations').selectAll().orderBy('id').execute();
}
const fingerprint = async (db: Kysely<Database>) => JSON.stringify(await stationRows(db));

interface StationFeature {
  id: number;
  properties: { id: number; name: string; level: string; regionCode: string };
  geometry: { coordinates: [number, number] };
}

describe.each(testDialects)('scenarios on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let planner2: string;
  let admin: string;
  let organizer: string;
  let stations: StationFeature[];
  /** An uncovered village: a point where a new site changes something. */
  let village: { lon: number; lat: number; name: string; region: string };

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    cookie: string | null,
    payload?: object,
  ) => t.app.inject({ method, url, headers: cookie ? { cookie } : {}, ...(payload !== undefined ? { payload } : {}) });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, t.accounts.planner.username, t.accounts.planner.password);
    admin = await loginCookie(t.app, t.accounts.admin.username, t.accounts.admin.password);
    organizer = await loginCookie(t.app, t.accounts.organizer.username, t.accounts.organizer.password);
    const other = await createUser(t.database.db, { username: 'planner2', role: 'planner' });
    planner2 = await loginCookie(t.app, 'planner2', other.password);
    stations = (await t.app.inject('/api/stations')).json().features;
    const gaps = (await t.app.inject('/api/coverage/gaps')).json();
    const reachable = gaps.uncovered.features.find(
      (f: { properties: { unreachable: boolean; region: string | null } }) =>
        !f.properties.unreachable && f.properties.region,
    );
    village = {
      lon: reachable.geometry.coordinates[0],
      lat: reachable.geometry.coordinates[1],
      name: reachable.properties.name,
      region: reachable.properties.region,
    };
  });
  afterAll(async () => t?.close());

  const ofLevel = (level: string) => stations.filter((s) => s.properties.level === level);
  const completeSite = (name: string, at = village) => ({
    lon: at.lon,
    lat: at.lat,
    name,
    level: 'station',
    services: ['theory', 'culture'],
    hours: 'Mo-Fr 09:00-17:00',
    address: '拟建地址 1 号',
  });

  it('answers 401 to the public and 403 to an organizer on every scenario route', async () => {
    const created = await call('POST', '/api/scenarios', planner, { name: '权限检查' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const routes: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] = [
      ['GET', '/api/scenarios'],
      ['POST', '/api/scenarios', { name: 'x' }],
      ['GET', `/api/scenarios/${id}`],
      ['PATCH', `/api/scenarios/${id}`, { name: 'y' }],
      ['DELETE', `/api/scenarios/${id}`],
      ['POST', `/api/scenarios/${id}/duplicate`, {}],
      ['GET', `/api/scenarios/${id}/coverage`],
      ['GET', `/api/scenarios/${id}/adoption`],
      ['POST', `/api/scenarios/${id}/adopt`, { version: 1 }],
    ];
    const before = await fingerprint(t.database.db);
    for (const [method, url, payload] of routes) {
      expect((await call(method, url, null, payload)).statusCode, `${method} ${url}`).toBe(401);
      expect((await call(method, url, organizer, payload)).statusCode, `${method} ${url}`).toBe(403);
    }
    expect(await fingerprint(t.database.db)).toBe(before);
    expect((await call('GET', `/api/scenarios/${id}`, planner)).json().name).toBe('权限检查');
  });

  it('never changes the stations table, whatever is done to a scenario short of adopting it', async () => {
    const before = await fingerprint(t.database.db);
    const [moved, removed] = ofLevel('station');
    const body = {
      name: '方案甲',
      add: [completeSite('拟建站点 甲'), { lon: village.lon + 0.002, lat: village.lat, name: '拟建站点 乙' }],
      move: [{ id: moved.id, lon: moved.geometry.coordinates[0] + 0.001, lat: moved.geometry.coordinates[1] }],
      remove: [removed.id],
    };
    const created = await call('POST', '/api/scenarios', planner, body);
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({
      name: '方案甲',
      owner: { username: t.accounts.planner.username },
      version: 1,
      adoptedAt: null,
      adoptedBy: null,
      add: body.add,
      move: body.move,
      remove: body.remove,
    });
    const id = s.id;
    const list = (await call('GET', '/api/scenarios', planner)).json().scenarios;
    expect(list[0]).toMatchObject({ id, name: '方案甲', counts: { add: 2, move: 1, remove: 1 } });
    expect(list[0].add).toBeUndefined();
    expect((await call('GET', `/api/scenarios/${id}`, planner2)).json()).toEqual(s);

    const patched = await call('PATCH', `/api/scenarios/${id}`, planner, { name: '方案甲 改', version: 1 });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: '方案甲 改', version: 2, add: body.add, remove: body.remove });
    const stale = await call('PATCH', `/api/scenarios/${id}`, planner, { name: '晚了', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toMatch(/version 2, not 1/);

    const copy = await call('POST', `/api/scenarios/${id}/duplicate`, planner2, {});
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json()).toMatchObject({
      name: '方案甲 改 副本',
      owner: { username: 'planner2' },
      version: 1,
      add: body.add,
      move: body.move,
      remove: body.remove,
    });
    expect(copy.json().id).not.toBe(id);

    for (const gaps of ['true', 'false']) {
      const coverage = await call('GET', `/api/scenarios/${id}/coverage?gaps=${gaps}`, planner);
      expect(coverage.statusCode, coverage.body).toBe(200);
    }
    const preview = await call('GET', `/api/scenarios/${id}/adoption`, planner);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().ready).toBe(false);
    expect((await call('POST', `/api/scenarios/${id}/adopt`, planner, { version: 2 })).statusCode).toBe(422);
    expect((await call('POST', `/api/scenarios/${id}/adopt`, planner, { version: 1 })).statusCode).toBe(409);
    expect((await call('DELETE', `/api/scenarios/${copy.json().id}`, planner2)).statusCode).toBe(204);
    expect((await call('GET', `/api/scenarios/${copy.json().id}`, planner)).statusCode).toBe(404);

    expect(await fingerprint(t.database.db)).toBe(before);
    expect((await call('GET', `/api/scenarios/${id}`, planner)).json().adoptedAt).toBeNull();
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'subject', 'username'])
      .where('subject', 'in', [`scenario:${id}`, `scenario:${copy.json().id}`])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => `${a.action} ${a.subject} ${a.username}`)).toEqual([
      `scenario.create scenario:${id} ${t.accounts.planner.username}`,
      `scenario.update scenario:${id} ${t.accounts.planner.username}`,
      `scenario.create scenario:${copy.json().id} planner2`,
      `scenario.delete scenario:${copy.json().id} planner2`,
    ]);
  });

  it('never shows a hypothetical site to the public', async () => {
    const name = '不应公开的拟建站点';
    const created = await call('POST', '/api/scenarios', planner, { name: '公开检查', add: [completeSite(name)] });
    expect(created.statusCode).toBe(201);
    for (const cookie of [null, planner]) {
      const list = (await call('GET', '/api/stations', cookie)).json().features as StationFeature[];
      expect(list.length).toBe(stations.length);
      expect(list.some((f) => f.properties.name === name)).toBe(false);
      const nearby = await call('GET', `/api/nearby?lon=${village.lon}&lat=${village.lat}&limit=20`, cookie);
      expect(nearby.statusCode, nearby.body).toBe(200);
      const names = nearby.json().results.map((r: { station: StationFeature }) => r.station.properties.name);
      expect(names).not.toContain(name);
      expect(nearby.json().results.every((r: { station: StationFeature }) => r.station.id > 0)).toBe(true);
    }
  });

  it('refuses bad changes with a 400 naming the field, and writes nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('scenarios')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const [a, b, c] = ofLevel('station');
    const at = (s: StationFeature) => ({ id: s.id, lon: s.geometry.coordinates[0], lat: s.geometry.coordinates[1] });
    const townships = (await t.app.inject('/api/regions?level=township')).json().features;
    const otherTownship = townships.find((f: { properties: { code: string } }) => f.properties.code !== village.region)
      .properties.code;
    const cases: [object, string][] = [
      [{ name: '  ' }, 'body.name: must not be blank'],
      [{ name: '名'.repeat(101) }, 'body.name:'],
      [{ name: 'x', move: [at(a), at(b), { ...at(c), id: 99999 }] }, 'body.move[2].id: no open station with id 99999'],
      [{ name: 'x', move: [at(a), at(a)] }, 'body.move[1].id:'],
      [{ name: 'x', move: [at(a)], remove: [b.id, a.id] }, 'body.remove[1]: station'],
      [{ name: 'x', remove: [99998] }, 'body.remove[0]: no open station with id 99998'],
      [
        { name: 'x', add: [{ ...completeSite('y'), regionCode: '999999999999' }] },
        'body.add[0].regionCode: no township',
      ],
      [{ name: 'x', add: [{ ...completeSite('y'), regionCode: otherTownship }] }, 'body.add[0].regionCode:'],
      [{ name: 'x', add: [completeSite('y'), { ...completeSite('z'), hours: '随便' }] }, 'body.add[1].hours:'],
      [{ name: 'x', add: [{ ...completeSite('y'), services: ['cooking'] }] }, 'body.add.0.services.0:'],
      [{ name: 'x', add: [{ ...completeSite('y'), name: ' ' }] }, 'body.add[0].name: must not be blank'],
      [{ name: 'x', add: Array.from({ length: 51 }, () => ({ lon: 1, lat: 1 })) }, 'body.add:'],
      [{ name: 'x', remove: Array.from({ length: 501 }, (_, i) => i + 1) }, 'body.remove:'],
      [{ name: 'x', add: [{ lon: 1, lat: 1, colour: 'red' }] }, 'body.add.0.colour:'],
    ];
    for (const [body, message] of cases) {
      const res = await call('POST', '/api/scenarios', planner, body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)}: ${res.body}`).toBe(400);
      expect(res.json().error.message.startsWith(message), res.json().error.message).toBe(true);
    }
    expect(await count()).toBe(before);
    // The same checks on a change, which leaves the scenario as it was.
    const created = (await call('POST', '/api/scenarios', planner, { name: '待改' })).json();
    const res = await call('PATCH', `/api/scenarios/${created.id}`, planner, { remove: [99998] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^body\.remove\[0\]/);
    expect((await call('GET', `/api/scenarios/${created.id}`, planner)).json()).toEqual(created);
  });

  it('lets only the owner or an admin change or delete a scenario; anyone may duplicate it', async () => {
    const s = (await call('POST', '/api/scenarios', planner, { name: '我的方案' })).json();
    expect((await call('PATCH', `/api/scenarios/${s.id}`, planner2, { name: '别人的' })).statusCode).toBe(403);
    expect((await call('DELETE', `/api/scenarios/${s.id}`, planner2)).statusCode).toBe(403);
    expect((await call('GET', `/api/scenarios/${s.id}`, planner)).json().name).toBe('我的方案');
    const byAdmin = await call('PATCH', `/api/scenarios/${s.id}`, admin, { name: '管理员改过' });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json()).toMatchObject({
      name: '管理员改过',
      version: 2,
      owner: { username: t.accounts.planner.username },
    });
    const copy = await call('POST', `/api/scenarios/${s.id}/duplicate`, planner2, { name: '  我的副本 ' });
    expect(copy.json()).toMatchObject({ name: '我的副本', owner: { username: 'planner2' } });
    expect((await call('DELETE', `/api/scenarios/${s.id}`, admin)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/scenarios/${s.id}`, admin)).statusCode).toBe(404);
  });

  it('adopts exactly the listed changes, refusing incomplete sites and stale or repeated adoptions', async () => {
    const [moved, removed] = ofLevel('station').slice(2);
    const movedTo = { lon: moved.geometry.coordinates[0] + 0.0015, lat: moved.geometry.coordinates[1] - 0.001 };
    const body = {
      name: '采纳方案',
      add: [
        completeSite('拟建站点 一'),
        { lon: village.lon + 0.003, lat: village.lat + 0.001, name: '拟建站点 二', level: 'point' },
      ],
      move: [{ id: moved.id, ...movedTo }],
      remove: [removed.id],
    };
    const s = (await call('POST', '/api/scenarios', planner, body)).json();

    const preview = (await call('GET', `/api/scenarios/${s.id}/adoption`, planner)).json();
    expect(preview.version).toBe(1);
    expect(preview.ready).toBe(false);
    expect(preview.changes.map((c: { kind: string }) => c.kind)).toEqual(['add', 'add', 'move', 'remove']);
    expect(preview.changes[0]).toMatchObject({
      index: 0,
      name: '拟建站点 一',
      regionCode: village.region,
      missing: [],
    });
    expect(preview.changes[1]).toMatchObject({ index: 1, level: 'point', missing: ['services', 'hours'] });
    expect(preview.changes[2]).toMatchObject({
      stationId: moved.id,
      name: moved.properties.name,
      from: moved.geometry.coordinates,
      to: [movedTo.lon, movedTo.lat],
      missing: [],
    });
    expect(preview.changes[3]).toMatchObject({ stationId: removed.id, name: removed.properties.name, missing: [] });

    const before = await stationRows(t.database.db);
    const refused = await call('POST', `/api/scenarios/${s.id}/adopt`, planner, { version: 1 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.message).toContain('add[1]: missing services, hours');
    expect(refused.json().error.message).not.toContain('add[0]');
    expect(JSON.stringify(await stationRows(t.database.db))).toBe(JSON.stringify(before));
    expect((await call('GET', `/api/scenarios/${s.id}`, planner)).json().adoptedAt).toBeNull();

    // Completed by an edit: the version the confirmation showed is now stale.
    const complete: { name: string; level: string; lon: number; lat: number; services: string[]; hours: string }[] = [
      completeSite('拟建站点 一'),
      { ...body.add[1], services: ['health'], hours: 'Sa 09:00-12:00' },
    ];
    expect((await call('PATCH', `/api/scenarios/${s.id}`, planner, { add: complete })).json().version).toBe(2);
    const stale = await call('POST', `/api/scenarios/${s.id}/adopt`, admin, { version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toMatch(/version 2, not 1/);
    expect(JSON.stringify(await stationRows(t.database.db))).toBe(JSON.stringify(before));

    const adopted = await call('POST', `/api/scenarios/${s.id}/adopt`, admin, { version: 2 });
    expect(adopted.statusCode, adopted.body).toBe(200);
    const result = adopted.json();
    expect(result.moved).toEqual([moved.id]);
    expect(result.closed).toEqual([removed.id]);
    expect(result.created).toHaveLength(2);
    expect(result.scenario).toMatchObject({ id: s.id, version: 2, adoptedBy: { username: t.accounts.admin.username } });
    expect(result.scenario.adoptedAt).toBeTruthy();

    // The table's difference is exactly the listed changes.
    const after = await stationRows(t.database.db);
    const byId = new Map(before.map((r) => [r.id, r]));
    const added = after.filter((r) => !byId.has(r.id));
    expect(added.map((r) => r.id)).toEqual(result.created);
    expect(added.map((r) => [r.name, r.level, r.lon, r.lat, JSON.parse(r.services), r.hours, r.closed_at])).toEqual(
      complete.map((a) => [a.name, a.level, a.lon, a.lat, a.services, a.hours, null]),
    );
    expect(added[0].region_code).toBe(village.region);
    expect(added[0].address).toBe('拟建地址 1 号');
    for (const r of after.filter((x) => byId.has(x.id))) {
      const was = byId.get(r.id)!;
      if (r.id === moved.id) {
        expect([r.lon, r.lat]).toEqual([movedTo.lon, movedTo.lat]);
        expect({
          ...r,
          lon: was.lon,
          lat: was.lat,
          region_code: was.region_code,
          village_code: was.village_code,
          updated_at: was.updated_at,
        }).toEqual(was);
      } else if (r.id === removed.id) {
        expect(r.closed_at).toBe(result.scenario.adoptedAt);
        expect({ ...r, closed_at: null, updated_at: was.updated_at }).toEqual(was);
      } else expect(r).toEqual(was);
    }
    const audit = await t.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'scenario.adopt')
      .where('subject', '=', `scenario:${s.id}`)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].username).toBe(t.accounts.admin.username);
    const detail = JSON.parse(audit[0].detail);
    expect(detail.created.map((c: { stationId: number }) => c.stationId)).toEqual(result.created);
    expect(detail.moved.map((c: { stationId: number }) => c.stationId)).toEqual([moved.id]);
    expect(detail.closed.map((c: { stationId: number }) => c.stationId)).toEqual([removed.id]);

    // The public map changes only now: the closed station is gone from every read, the new ones are there.
    const list = (await t.app.inject('/api/stations')).json().features as StationFeature[];
    expect(list.some((f) => f.id === removed.id)).toBe(false);
    expect(list.filter((f) => result.created.includes(f.id)).map((f) => f.properties.name)).toEqual([
      '拟建站点 一',
      '拟建站点 二',
    ]);
    expect((await t.app.inject(`/api/stations/${removed.id}`)).statusCode).toBe(404);
    const coverage = (await t.app.inject('/api/coverage')).json();
    expect(coverage.totals.stations).toBe(
      list.filter((f) => ['center', 'institute', 'station'].includes(f.properties.level)).length,
    );

    // Closed is not live anywhere: nearby, service areas, statistics, region counts, new activities.
    const [rlon, rlat] = removed.geometry.coordinates;
    const nearby = (await t.app.inject(`/api/nearby?lon=${rlon}&lat=${rlat}&limit=20&levels=station`)).json();
    expect(nearby.results.map((r: { station: StationFeature }) => r.station.id)).not.toContain(removed.id);
    expect((await t.app.inject(`/api/stations/${removed.id}/service-area`)).statusCode).toBe(404);
    const areas = (await t.app.inject('/api/service-areas?levels=station')).json();
    const areaIds = areas.features.map((f: { properties: { stationId: number } }) => f.properties.stationId);
    expect(areaIds).not.toContain(removed.id);
    expect(areaIds).toContain(result.created[0]);
    const overview = (await t.app.inject('/api/stats/overview')).json();
    expect(overview.stations.total).toBe(list.length);
    const district = (await t.app.inject('/api/regions?level=district')).json().features[0];
    expect(district.properties.stations).toBe(list.length);
    const activity = await call('POST', '/api/activities', planner, {
      title: '关闭站点的活动',
      category: 'theory',
      stationId: removed.id,
      startsAt: '2026-11-24T14:00:00+08:00',
      endsAt: '2026-11-24T16:00:00+08:00',
    });
    expect(activity.statusCode).toBe(400);
    expect(activity.json().error.message).toMatch(/^body\.stationId/);

    // Read-only from now on, and never adopted twice.
    expect((await call('POST', `/api/scenarios/${s.id}/adopt`, admin, { version: 2 })).statusCode).toBe(409);
    expect((await call('PATCH', `/api/scenarios/${s.id}`, planner, { name: '改不了' })).statusCode).toBe(409);
    expect((await call('PATCH', `/api/scenarios/${s.id}`, planner, { remove: [removed.id] })).statusCode).toBe(409);
    expect((await call('DELETE', `/api/scenarios/${s.id}`, planner)).statusCode).toBe(409);
    expect((await call('GET', `/api/scenarios/${s.id}/coverage`, planner)).statusCode).toBe(409);
    expect((await call('GET', `/api/scenarios/${s.id}/adoption`, planner)).statusCode).toBe(409);
    // A copy of it names a closed station: its what-if and its adoption say so.
    const copy = (await call('POST', `/api/scenarios/${s.id}/duplicate`, planner, {})).json();
    expect(copy.adoptedAt).toBeNull();
    const gone = await call('GET', `/api/scenarios/${copy.id}/coverage`, planner);
    expect(gone.statusCode).toBe(409);
    expect(gone.json().error.message).toContain(String(removed.id));
    expect((await call('POST', `/api/scenarios/${copy.id}/adopt`, planner, { version: 1 })).statusCode).toBe(409);
    expect(JSON.stringify(await stationRows(t.database.db))).toBe(JSON.stringify(after));
  });

  it('lets one of two concurrent adoptions win', async () => {
    const s = (
      await call('POST', '/api/scenarios', planner, {
        name: '并发采纳',
        add: [completeSite('并发站点', { ...village, lon: village.lon - 0.002 })],
      })
    ).json();
    const before = (await stationRows(t.database.db)).length;
    const answers = await Promise.all([
      call('POST', `/api/scenarios/${s.id}/adopt`, planner, { version: 1 }),
      call('POST', `/api/scenarios/${s.id}/adopt`, admin, { version: 1 }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const rows = await stationRows(t.database.db);
    expect(rows.length).toBe(before + 1);
    expect(rows.filter((r) => r.name === '并发站点')).toHaveLength(1);
  });
});
