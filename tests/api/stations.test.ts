import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointInArea, type AreaGeometry } from '../../server/src/geo/polygon.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

interface StationFC {
  type: string;
  features: {
    id: number;
    properties: Record<string, any>;
    geometry: { type: string; coordinates: [number, number] };
  }[];
}

describe.each(testDialects)('stations API on %s', (dialect) => {
  let t: TestApp;
  let all: StationFC;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    all = (await t.app.inject('/api/stations')).json();
  });
  afterAll(async () => t?.close());

  const get = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  it('lists every station as a GeoJSON point with id, name, level and regionCode', async () => {
    const count = await t.database.db
      .selectFrom('stations')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(all.type).toBe('FeatureCollection');
    expect(all.features).toHaveLength(Number(count.n));
    for (const f of all.features) {
      expect(f.geometry.type).toBe('Point');
      expect(f.properties).toMatchObject({
        id: expect.any(Number),
        name: expect.any(String),
        level: expect.any(String),
        regionCode: expect.stringMatching(/^\d{12}$/),
      });
    }
  });

  it('filters by level', async () => {
    const res = (await get('/api/stations?level=center,institute')).json() as StationFC;
    const expected = all.features.filter((f) => ['center', 'institute'].includes(f.properties.level)).map((f) => f.id);
    expect(res.features.map((f) => f.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(res.features.filter((f) => f.properties.level === 'center')).toHaveLength(1);
  });

  it('filters by township and by village', async () => {
    const code = all.features.find((f) => f.properties.level === 'institute')!.properties.regionCode;
    const res = (await get(`/api/stations?region=${code}`)).json() as StationFC;
    expect(res.features.length).toBe(all.features.filter((f) => f.properties.regionCode === code).length);
    const village = all.features.find((f) => f.properties.villageCode)!.properties.villageCode;
    const byVillage = (await get(`/api/stations?region=${village}`)).json() as StationFC;
    expect(byVillage.features.length).toBeGreaterThan(0);
    expect(byVillage.features.every((f) => f.properties.villageCode === village)).toBe(true);
  });

  it('filters by bbox, the same as a brute-force check of coordinates', async () => {
    const lons = all.features.map((f) => f.geometry.coordinates[0]).sort((a, b) => a - b);
    const lats = all.features.map((f) => f.geometry.coordinates[1]).sort((a, b) => a - b);
    const box = [
      lons[Math.floor(lons.length * 0.3)],
      lats[Math.floor(lats.length * 0.3)],
      lons[Math.floor(lons.length * 0.7)],
      lats[Math.floor(lats.length * 0.7)],
    ];
    const res = (await get(`/api/stations?bbox=${box.join(',')}`)).json() as StationFC;
    const expected = all.features.filter(
      (f) =>
        f.geometry.coordinates[0] >= box[0] &&
        f.geometry.coordinates[0] <= box[2] &&
        f.geometry.coordinates[1] >= box[1] &&
        f.geometry.coordinates[1] <= box[3],
    );
    expect(res.features.map((f) => f.id).sort()).toEqual(expected.map((f) => f.id).sort());
    expect(expected.length).toBeGreaterThan(0);
  });

  it('searches names and addresses with q, treating % and _ literally', async () => {
    const res = (await get(`/api/stations?q=${encodeURIComponent('实践所')}`)).json() as StationFC;
    expect(res.features.length).toBe(
      all.features.filter((f) => f.properties.name.includes('实践所') || f.properties.address.includes('实践所'))
        .length,
    );
    expect(res.features.length).toBeGreaterThan(0);
    const wild = (await get('/api/stations?q=%25')).json() as StationFC;
    expect(wild.features).toHaveLength(0);
  });

  it.each([
    ['level=bogus', 'querystring.level'],
    ['bbox=1,2,3', 'querystring.bbox'],
    ['bbox=10,10,5,20', 'querystring.bbox'],
    ['bbox=-200,10,5,20', 'querystring.bbox'],
    ['region=12345', 'querystring.region'],
    ['region=999999999999', 'querystring.region'],
    ['q=', 'querystring.q'],
  ])('rejects %s with a 400 naming the field', async (query, field) => {
    const res = await get(`/api/stations?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.message).toContain(field);
  });

  it('returns one station with teams, and 404 for an unknown or malformed id', async () => {
    const id = all.features.find((f) => f.properties.level === 'station')!.id;
    const res = await get(`/api/stations/${id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const teams = await t.database.db.selectFrom('teams').selectAll().where('station_id', '=', id).execute();
    expect(body.properties.teams).toHaveLength(teams.length);
    expect(body.properties.volunteers).toBe(teams.reduce((s, x) => s + x.members, 0));
    expect((await get('/api/stations/999999')).statusCode).toBe(404);
    const bad = await get('/api/stations/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('params.id');
  });

  it('never serves contact phone numbers or names to the public, and does to staff', async () => {
    const station = await t.database.db
      .selectFrom('stations')
      .selectAll()
      .where('level', '=', 'station')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(station.contact_phone).toMatch(/^1\d{10}$/);
    const publicList = (await get('/api/stations')).body;
    const publicOne = (await get(`/api/stations/${station.id}`)).body;
    for (const body of [publicList, publicOne]) {
      expect(body).not.toContain(station.contact_phone);
      expect(body).not.toContain('contactPhone');
      expect(body).not.toContain('leader');
    }
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const staff = (await get(`/api/stations/${station.id}`, cookie)).json();
    expect(staff.properties.contactPhone).toBe(station.contact_phone);
    expect(staff.properties.contactName).toBe(station.contact_name);
  });

  describe('writes', () => {
    const someInstitute = () =>
      all.features.find((f) => f.properties.level === 'institute' && f.properties.regionName.endsWith('镇'))!;
    const newStation = () => {
      const inst = someInstitute();
      return {
        name: '测试新建实践点',
        level: 'point',
        lon: inst.geometry.coordinates[0] + 0.002,
        lat: inst.geometry.coordinates[1] + 0.001,
        services: ['health', 'law'],
        hours: 'Mo-Fr 09:00-17:00',
      };
    };
    const countStations = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('stations')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('refuses writes without login (401) and for organizers (403), changing nothing', async () => {
      const before = await countStations();
      const anon = await t.app.inject({ method: 'POST', url: '/api/stations', payload: newStation() });
      expect(anon.statusCode).toBe(401);
      const organizer = await loginCookie(t.app, 'organizer', t.accounts.organizer.password);
      const forbidden = await t.app.inject({
        method: 'POST',
        url: '/api/stations',
        payload: newStation(),
        headers: { cookie: organizer },
      });
      expect(forbidden.statusCode).toBe(403);
      const id = all.features[0].id;
      expect(
        (await t.app.inject({ method: 'PATCH', url: `/api/stations/${id}`, payload: { name: 'x' } })).statusCode,
      ).toBe(401);
      expect(
        (
          await t.app.inject({
            method: 'PATCH',
            url: `/api/stations/${id}`,
            payload: { name: 'x' },
            headers: { cookie: organizer },
          })
        ).statusCode,
      ).toBe(403);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/stations/${id}` })).statusCode).toBe(401);
      expect(
        (await t.app.inject({ method: 'DELETE', url: `/api/stations/${id}`, headers: { cookie: organizer } }))
          .statusCode,
      ).toBe(403);
      expect(await countStations()).toBe(before);
      const unchanged = await t.database.db
        .selectFrom('stations')
        .select('name')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(unchanged.name).toBe(all.features[0].properties.name);
    });

    it('lets a planner create, move and delete a station; the township follows the location', async () => {
      const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
      const body = newStation();
      const created = await t.app.inject({ method: 'POST', url: '/api/stations', payload: body, headers: { cookie } });
      expect(created.statusCode).toBe(201);
      const station = created.json();
      const townships = (await get('/api/regions?level=township')).json();
      const containing = townships.features.find((f: { geometry: AreaGeometry }) =>
        pointInArea(body.lon, body.lat, f.geometry),
      );
      expect(station.properties.regionCode).toBe(containing.properties.code);
      // Move it to another township's institute: the region code must follow.
      const other = all.features.find(
        (f) => f.properties.level === 'institute' && f.properties.regionCode !== containing.properties.code,
      )!;
      const moved = await t.app.inject({
        method: 'PATCH',
        url: `/api/stations/${station.id}`,
        payload: { lon: other.geometry.coordinates[0] + 0.001, lat: other.geometry.coordinates[1] },
        headers: { cookie },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().properties.regionCode).toBe(other.properties.regionCode);
      const del = await t.app.inject({ method: 'DELETE', url: `/api/stations/${station.id}`, headers: { cookie } });
      expect(del.statusCode).toBe(204);
      expect((await get(`/api/stations/${station.id}`)).statusCode).toBe(404);
    });

    it.each([
      [{ lon: 100, lat: 30 }, 'outside the district'],
      [{ level: 'village' }, 'body.level'],
      [{ services: ['health', 'cooking'] }, 'body.services'],
      [{ name: '' }, 'body.name'],
      [{ regionCode: '379901001000' }, 'body.regionCode'],
      [{ contactPhone: '<script>' }, 'body.contactPhone'],
      [{ extra: 1 }, 'body'],
    ])('rejects a bad station %j with a 400 and writes nothing', async (patch, message) => {
      const cookie = await loginCookie(t.app, 'admin', t.accounts.admin.password);
      const before = await countStations();
      const body = { ...newStation(), ...patch };
      const res = await t.app.inject({ method: 'POST', url: '/api/stations', payload: body, headers: { cookie } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain(message);
      expect(await countStations()).toBe(before);
    });

    it('refuses to delete a station with activity history (409) and keeps it', async () => {
      const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
      const busy = await t.database.db.selectFrom('activities').select('station_id').limit(1).executeTakeFirstOrThrow();
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/stations/${busy.station_id}`,
        headers: { cookie },
      });
      expect(res.statusCode).toBe(409);
      expect((await get(`/api/stations/${busy.station_id}`)).statusCode).toBe(200);
    });
  });
});
