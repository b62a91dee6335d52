/** Station writes check `hours` as the importer does: unreadable hours are a 400 naming the field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

describe.each(testDialects)('station hours on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let place: { lon: number; lat: number };
  let id: number;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const inst = (await t.app.inject('/api/stations?level=institute'))
      .json()
      .features.find((f: { properties: { regionName: string } }) => f.properties.regionName.endsWith('镇'));
    place = { lon: inst.geometry.coordinates[0] + 0.002, lat: inst.geometry.coordinates[1] + 0.001 };
    id = inst.id;
  });
  afterAll(async () => t?.close());

  const send = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    t.app.inject({ method, url, payload, headers: { cookie: planner } });

  it('refuses unreadable hours on create and update, naming body.hours and the expected form', async () => {
    const created = await send('POST', '/api/stations', {
      name: '开放时间测试点',
      level: 'point',
      ...place,
      hours: '周一至周五 9:00-17:00',
    });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.message).toBe(
      'body.hours: 不是 OpenStreetMap opening_hours 格式，应写成 Mo-Fr 09:00-17:00',
    );
    const patched = await send('PATCH', `/api/stations/${id}`, { hours: 'Mo-Fr 25:00-26:00' });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().error.message).toMatch(/^body\.hours: 无法识别.*例如 Mo-Fr 09:00-17:00/);
    const row = await t.database.db.selectFrom('stations').select('hours').where('id', '=', id).executeTakeFirst();
    expect(row?.hours).not.toBe('Mo-Fr 25:00-26:00');
  });

  it('accepts OSM hours with holidays and empty hours', async () => {
    const ok = await send('PATCH', `/api/stations/${id}`, { hours: 'Mo-Fr 09:00-17:00; PH off' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().properties.hours).toBe('Mo-Fr 09:00-17:00; PH off');
    expect((await send('PATCH', `/api/stations/${id}`, { hours: '' })).statusCode).toBe(200);
  });
});
