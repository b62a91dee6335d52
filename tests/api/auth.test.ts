import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/auth/users.js';
import { hashPassword, verifyPassword } from '../../server/src/auth/password.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});

describe.each(testDialects)('accounts and sessions on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('logs in with an httpOnly SameSite cookie, knows the user, and logs out', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'planner', password: t.accounts.planner.password },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ username: 'planner', role: 'planner', stationId: null });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/pm_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = `pm_session=${res.cookies[0].value}`;
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user.username).toBe('planner');
    // The database keeps only a hash of the token.
    const sessions = await t.database.db.selectFrom('sessions').select('token_hash').execute();
    expect(sessions.map((s) => s.token_hash)).not.toContain(res.cookies[0].value);
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user).toBeNull();
  });

  it('rejects a wrong password or unknown user with the same 401', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'planner', password: 'nope-nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody', password: 'nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('validates the login body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'planner' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('password');
    const notJson = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('ignores a forged session cookie', async () => {
    const res = await t.app.inject({ url: '/api/auth/me', headers: { cookie: 'pm_session=forged-token' } });
    expect(res.json().user).toBeNull();
  });

  it('creates users with the rules of each role', async () => {
    const station = await t.database.db
      .selectFrom('stations')
      .select('id')
      .where('level', '=', 'station')
      .executeTakeFirstOrThrow();
    const user = await createUser(t.database.db, {
      username: 'zhang.organizer',
      role: 'organizer',
      stationId: station.id,
    });
    expect(user.generated).toBe(true);
    expect(user.password.length).toBeGreaterThanOrEqual(16);
    const cookie = await loginCookie(t.app, 'zhang.organizer', user.password);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user.stationId).toBe(station.id);
    await expect(createUser(t.database.db, { username: 'x1', role: 'organizer' })).rejects.toThrow(
      /bound to a station/,
    );
    await expect(createUser(t.database.db, { username: 'x2', role: 'superuser' })).rejects.toThrow(/Invalid role/);
    await expect(createUser(t.database.db, { username: 'x3', role: 'planner', stationId: station.id })).rejects.toThrow(
      /Only organizers/,
    );
    await expect(createUser(t.database.db, { username: 'zhang.organizer', role: 'planner' })).rejects.toThrow(
      /already exists/,
    );
    await expect(createUser(t.database.db, { username: 'x4', role: 'planner', password: 'short' })).rejects.toThrow(
      /too short/,
    );
  });
});
