import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appOn, loginCookie, startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';
import { connectSse } from '../support/sse.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe.each(testDialects)('activities API on %s', (dialect) => {
  let t: TestApp;
  let organizer: string;
  let planner: string;
  let ownStation: number;
  let otherStation: { id: number; lon: number; lat: number };
  let base: string;

  beforeAll(async () => {
    // The demo's "now" is pinned, so statuses are known; the log's clock ticks fast.
    t = await startTestApp(dialect, { now: () => TEST_NOW, live: { heartbeatMs: 300, tickMs: 100 } });
    organizer = await loginCookie(t.app, 'organizer', t.accounts.organizer.password);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    ownStation = t.accounts.organizer.stationId!;
    const stations = (await t.app.inject('/api/stations?level=station')).json().features;
    const other = stations.find((f: any) => f.id !== ownStation);
    otherStation = { id: other.id, lon: other.geometry.coordinates[0], lat: other.geometry.coordinates[1] };
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.close());

  const count = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('activities')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const body = (over: Record<string, unknown> = {}) => ({
    title: '智能手机使用培训',
    category: 'science',
    stationId: ownStation,
    startsAt: '2026-11-24T14:00:00+08:00',
    endsAt: '2026-11-24T16:00:00+08:00',
    expectedParticipants: 30,
    ...over,
  });
  const post = (payload: unknown, cookie?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/activities',
      payload: payload as object,
      headers: cookie ? { cookie } : {},
    });

  it('lists activities as GeoJSON whose status follows the clock, and filters by status, time, category and township', async () => {
    const all = (await t.app.inject('/api/activities?limit=5000')).json();
    expect(all.type).toBe('FeatureCollection');
    expect(all.features.length).toBeGreaterThan(1000);
    const now = iso(TEST_NOW);
    for (const f of all.features) {
      const p = f.properties;
      const expected =
        p.status === 'cancelled' ? 'cancelled' : now < p.startsAt ? 'upcoming' : now < p.endsAt ? 'live' : 'finished';
      expect(p.status).toBe(expected);
      expect(p).not.toHaveProperty('requester');
    }
    const live = (await t.app.inject('/api/activities?status=live')).json().features;
    expect(live.length).toBe(all.features.filter((f: any) => f.properties.status === 'live').length);
    expect(live.length).toBeGreaterThanOrEqual(6);

    const from = '2026-11-01';
    const to = '2026-11-08T00:00:00+08:00';
    const week = (
      await t.app.inject(`/api/activities?from=${from}&to=${encodeURIComponent(to)}&category=health,law&limit=5000`)
    ).json().features;
    const fromIso = iso(Date.parse('2026-11-01T00:00:00+08:00'));
    const toIso = iso(Date.parse(to));
    const brute = all.features.filter(
      (f: any) =>
        f.properties.endsAt > fromIso &&
        f.properties.startsAt < toIso &&
        ['health', 'law'].includes(f.properties.category),
    );
    expect(week.map((f: any) => f.id).sort()).toEqual(brute.map((f: any) => f.id).sort());

    const township = all.features[0].properties.regionCode;
    const inTownship = (await t.app.inject(`/api/activities?region=${township}&limit=5000`)).json().features;
    expect(inTownship.length).toBe(all.features.filter((f: any) => f.properties.regionCode === township).length);

    const staff = (await t.app.inject({ url: '/api/activities?limit=5000', headers: { cookie: planner } })).json()
      .features;
    expect(staff.some((f: any) => typeof f.properties.requester === 'string')).toBe(true);
  });

  it('refuses bad queries with a 400 that names the field', async () => {
    for (const [query, field] of [
      ['status=soon', 'querystring.status'],
      ['from=yesterday', 'querystring.from'],
      ['from=2026-11-10&to=2026-11-01', 'querystring.to'],
      ['category=dance', 'querystring.category'],
      ['bbox=1,2,3', 'querystring.bbox'],
      ['region=999999999999', 'querystring.region'],
      ['limit=0', 'querystring.limit'],
    ]) {
      const res = await t.app.inject(`/api/activities?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(field);
    }
  });

  it('lets an organizer publish for their own station, at the station unless a place is given', async () => {
    const before = await count();
    const res = await post(body(), organizer);
    expect(res.statusCode).toBe(201);
    const f = res.json();
    expect(f.properties).toMatchObject({
      stationId: ownStation,
      status: 'upcoming',
      atStation: true,
      startsAt: '2026-11-24T06:00:00.000Z',
      demo: false,
    });
    expect(await count()).toBe(before + 1);
    const listed = (await t.app.inject(`/api/activities/${f.id}`)).json();
    expect(listed.geometry).toEqual(f.geometry);
  });

  it('gives an organizer 403 for another station, and changes nothing', async () => {
    const before = await count();
    const res = await post(body({ stationId: otherStation.id }), organizer);
    expect(res.statusCode).toBe(403);
    expect(await count()).toBe(before);
    const theirs = (await t.app.inject(`/api/activities?station=${otherStation.id}&limit=1`)).json().features[0];
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/activities/${theirs.id}`,
      payload: { title: '改名' },
      headers: { cookie: organizer },
    });
    expect(patch.statusCode).toBe(403);
    expect((await t.app.inject(`/api/activities/${theirs.id}`)).json().properties.title).toBe(theirs.properties.title);
    expect((await post(body())).statusCode).toBe(401);
    // A planner may write for any station.
    expect((await post(body({ stationId: otherStation.id }), planner)).statusCode).toBe(201);
  });

  it('validates: end before start, place outside the district, unknown category, a time without a zone', async () => {
    const before = await count();
    for (const [over, field] of [
      [{ endsAt: '2026-11-24T13:00:00+08:00' }, 'body.endsAt'],
      [{ endsAt: '2027-02-24T13:00:00+08:00' }, 'body.endsAt'],
      [{ place: { lon: 100, lat: 20 } }, 'body.place'],
      [{ category: 'dance' }, 'body.category'],
      [{ startsAt: '2026-11-24 14:00' }, 'body.startsAt'],
      [{ title: '   ' }, 'body.title'],
      [{ stationId: 999999 }, 'body.stationId'],
      [{ expectedParticipants: -3 }, 'body.expectedParticipants'],
      [{ extra: 1 }, 'body'],
    ] as const) {
      const res = await post(body(over), planner);
      expect(res.statusCode, JSON.stringify(over)).toBe(400);
      expect(res.json().error.message, JSON.stringify(over)).toContain(field);
    }
    expect(await count()).toBe(before);
  });

  it('updates and cancels; a place elsewhere in the district is kept', async () => {
    const created = (
      await post(body({ place: { lon: otherStation.lon + 0.001, lat: otherStation.lat } }), planner)
    ).json();
    expect(created.properties.atStation).toBe(false);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/activities/${created.id}`,
      payload: { cancelled: true, participants: 0 },
      headers: { cookie: planner },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().properties).toMatchObject({ status: 'cancelled', participants: 0 });
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/api/activities/${created.id}`,
      payload: { endsAt: '2026-11-24T12:00:00+08:00' },
      headers: { cookie: planner },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('body.endsAt');
    expect((await t.app.inject(`/api/activities/${created.id}`)).json().properties.endsAt).toBe(
      created.properties.endsAt,
    );
  });

  it('streams every write as an SSE `activity` event, with heartbeats', async () => {
    const client = connectSse(`${base}/api/activities/stream`);
    expect(await client.status).toBe(200);
    await client.waitFor((e) => e.event === 'heartbeat', 3000);
    const created = (await post(body({ title: '直播测试' }), organizer)).json();
    const e = await client.waitFor((x) => x.event === 'activity');
    const message = JSON.parse(e.data);
    expect(message.id).toBe(created.id);
    expect(message.event.kind).toBe('create');
    expect(Number(e.id)).toBe(message.event.id);
    expect(message.properties).not.toHaveProperty('requester');
    client.close();
  });

  it('resumes after a dropped connection with Last-Event-ID: what was missed, in order, then live', async () => {
    const first = connectSse(`${base}/api/activities/stream`);
    await first.status;
    const a = (await post(body({ title: '断线前' }), organizer)).json();
    const seen = await first.waitFor((x) => x.event === 'activity' && JSON.parse(x.data).id === a.id);
    first.close();
    const missed = [];
    for (const title of ['断线期间一', '断线期间二']) missed.push((await post(body({ title }), organizer)).json());
    await t.app.inject({
      method: 'PATCH',
      url: `/api/activities/${missed[0].id}`,
      payload: { participants: 12 },
      headers: { cookie: organizer },
    });

    const again = connectSse(`${base}/api/activities/stream`, { 'last-event-id': seen.id! });
    await again.waitFor((x) => x.event === 'activity' && JSON.parse(x.data).event.kind === 'update');
    const replayed = again.events.filter((x) => x.event === 'activity').map((x) => JSON.parse(x.data));
    expect(replayed.map((m) => [m.id, m.event.kind])).toEqual([
      [missed[0].id, 'create'],
      [missed[1].id, 'create'],
      [missed[0].id, 'update'],
    ]);
    expect(replayed.map((m) => m.event.id)).toEqual([...replayed.map((m) => m.event.id)].sort((x, y) => x - y));
    const after = (await post(body({ title: '重连后' }), organizer)).json();
    await again.waitFor((x) => x.event === 'activity' && JSON.parse(x.data).id === after.id);
    expect(again.events.filter((x) => x.event === 'activity').length).toBe(4);
    again.close();

    const bad = await t.app.inject({ url: '/api/activities/stream', headers: { 'last-event-id': 'abc' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('last-event-id');
  });
});

describe.each(testDialects)('the start/finish clock on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { live: { heartbeatMs: 5000, tickMs: 100 } });
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.close());

  it('announces start and finish once each as real time passes them', async () => {
    const client = connectSse(`${base}/api/activities/stream`);
    await client.status;
    const station = (await t.app.inject('/api/stations?level=station')).json().features[0].id;
    const start = Date.now() + 600;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/activities',
      headers: { cookie: planner },
      payload: {
        title: '快闪活动',
        category: 'culture',
        stationId: station,
        startsAt: iso(start),
        endsAt: iso(start + 1000),
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const started = await client.waitFor(
      (x) => x.event === 'activity' && JSON.parse(x.data).id === id && JSON.parse(x.data).event.kind === 'start',
      5000,
    );
    expect(JSON.parse(started.data).properties.status).toBe('live');
    const finished = await client.waitFor(
      (x) => x.event === 'activity' && JSON.parse(x.data).id === id && JSON.parse(x.data).event.kind === 'finish',
      5000,
    );
    expect(JSON.parse(finished.data).properties.status).toBe('finished');
    await new Promise((r) => setTimeout(r, 300));
    const kinds = client.events
      .filter((x) => x.event === 'activity' && JSON.parse(x.data).id === id)
      .map((x) => JSON.parse(x.data).event.kind);
    expect(kinds).toEqual(['create', 'start', 'finish']);
    client.close();
  });
});

describe('the demo ticker (DEMO_LIVE=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', {
      config: { demoLive: true, demoLiveSeconds: 1 },
      live: { heartbeatMs: 5000, tickMs: 60_000 },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  it('publishes live activities marked as demo, through the same stream', async () => {
    const client = connectSse(`http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/activities/stream`);
    const e = await client.waitFor((x) => x.event === 'activity', 4000);
    const message = JSON.parse(e.data);
    expect(message.properties.demo).toBe(true);
    expect(message.properties.title.startsWith('【演示】')).toBe(true);
    expect(message.properties.status).toBe('live');
    const listed = (await t.app.inject(`/api/activities/${message.id}`)).json();
    expect(listed.properties.demo).toBe(true);
    client.close();
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL database', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof appOn>>;
  beforeAll(async () => {
    t = await startTestApp('postgres', { live: { heartbeatMs: 5000, tickMs: 60_000 } });
    second = await appOn(t.database, { live: { heartbeatMs: 5000, tickMs: 60_000 } });
    await second.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('an activity posted to one instance reaches a client of the other, through LISTEN/NOTIFY', async () => {
    const url = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}/api/activities/stream`;
    const client = connectSse(url);
    expect(await client.status).toBe(200);
    const planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const station = (await t.app.inject('/api/stations?level=institute')).json().features[0].id;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/activities',
      headers: { cookie: planner },
      payload: {
        title: '跨实例',
        category: 'theory',
        stationId: station,
        startsAt: '2026-12-01T09:00:00+08:00',
        endsAt: '2026-12-01T11:00:00+08:00',
      },
    });
    expect(res.statusCode).toBe(201);
    const e = await client.waitFor((x) => x.event === 'activity', 3000);
    expect(JSON.parse(e.data).id).toBe(res.json().id);
    client.close();
  });
});
