/**
 * Passwords at today's scrypt cost (N = 2^17), older hashes upgraded at the next login; login
 * throttling kept in the database, so it holds across a restart and across instances on one
 * PostgreSQL database; and the Permissions-Policy header on every answer.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { hashPassword, needsRehash, verifyPassword } from '../../server/src/auth/password.js';
import { appOn, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

const OLD_COST = { N: 2 ** 14, r: 8, p: 1 };

describe('password hashing at N = 2^17', () => {
  it('hashes at N = 2^17, r = 8, p = 1, and still verifies hashes made at 2^14', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct hors', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    const old = await hashPassword('correct horse', OLD_COST);
    expect(old).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    // A stored hash asking for absurd work is refused, not computed.
    expect(await verifyPassword('x', old.replace('16384', String(2 ** 24)))).toBe(false);
    expect(await verifyPassword('x', old.replace('16384', '1000'))).toBe(false);
  });

  it('hashes in the threadpool: the event loop keeps turning meanwhile', async () => {
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    await hashPassword('correct horse');
    const took = performance.now() - started;
    clearInterval(timer);
    // scryptSync at this cost would hold the loop for the whole hash (about 350 ms here).
    expect(longest).toBeLessThan(Math.min(100, took / 2));
  });
});

describe.each(testDialects)('logins on %s', (dialect) => {
  let t: TestApp;
  let restarted: FastifyInstance | null = null;
  beforeAll(async () => {
    t = await startTestApp(dialect, { config: { rateLimits: { login: 4, 'login-account': 3 } } });
  });
  afterAll(async () => {
    await restarted?.close();
    await t?.close();
  });

  const login = (app: FastifyInstance, username: string, password: string, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });
  const storedHash = async (username: string) =>
    (
      await t.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).password_hash;

  it('upgrades a hash made at N = 2^14 to 2^17 at the next successful login', async () => {
    await t.database.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(t.accounts.organizer.password, OLD_COST) })
      .where('username', '=', 'organizer')
      .execute();
    expect(await storedHash('organizer')).toMatch(/^scrypt\$16384\$/);
    expect((await login(t.app, 'organizer', 'wrong-password', '10.1.0.1')).statusCode).toBe(401);
    expect(await storedHash('organizer')).toMatch(/^scrypt\$16384\$/);
    expect((await login(t.app, 'organizer', t.accounts.organizer.password, '10.1.0.1')).statusCode).toBe(200);
    const upgraded = await storedHash('organizer');
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword(t.accounts.organizer.password, upgraded)).toBe(true);
    expect((await login(t.app, 'organizer', t.accounts.organizer.password, '10.1.0.2')).statusCode).toBe(200);
    expect(await storedHash('organizer')).toBe(upgraded);
  });

  it('refuses an address past its attempts per minute with 429, retry-after and a bilingual message', async () => {
    const address = '10.2.0.1';
    for (let k = 0; k < 4; k++) expect((await login(t.app, `nobody-${k}`, 'a-guess', address)).statusCode).toBe(401);
    const refused = await login(t.app, 'planner', t.accounts.planner.password, address);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.json().error.message).toMatch(/请求过于频繁.*Too many requests/);
    expect(refused.headers['set-cookie']).toBeUndefined();
    // Another address is not affected; the count is in the database.
    expect((await login(t.app, 'planner', t.accounts.planner.password, '10.2.0.2')).statusCode).toBe(200);
    const row = await t.database.db
      .selectFrom('rate_limits')
      .selectAll()
      .where('key', '=', `login|ip:${address}`)
      .executeTakeFirstOrThrow();
    expect(row.count).toBe(5);
  });

  it('refuses an account after its failed attempts from any address, and a right password does not count', async () => {
    for (let k = 0; k < 5; k++)
      expect((await login(t.app, 'admin', t.accounts.admin.password, `10.3.0.${k}`)).statusCode).toBe(200);
    for (let k = 0; k < 3; k++) expect((await login(t.app, 'admin', `wrong-${k}`, `10.4.0.${k}`)).statusCode).toBe(401);
    const refused = await login(t.app, 'admin', t.accounts.admin.password, '10.4.0.9');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
  });

  it('holds across a restart: a new instance on the same database still refuses', async () => {
    restarted = await appOn(t.database, { config: { rateLimits: { login: 4, 'login-account': 3 } } });
    expect((await login(restarted, 'planner', t.accounts.planner.password, '10.2.0.1')).statusCode).toBe(429);
    expect((await login(restarted, 'admin', t.accounts.admin.password, '10.5.0.1')).statusCode).toBe(429);
    expect((await login(restarted, 'planner', t.accounts.planner.password, '10.5.0.1')).statusCode).toBe(200);
  });

  it('sends Permissions-Policy with every answer, errors and the stream included', async () => {
    const policy = 'geolocation=(self), camera=(), microphone=(), payment=(), usb=()';
    for (const res of [
      await t.app.inject('/api/health'),
      await t.app.inject('/api/no-such-route'),
      await t.app.inject('/api/stations?level=nonsense'),
      await t.app.inject({ method: 'HEAD', url: '/api/activities/stream' }),
      // The page itself, when the client is built.
      ...(fs.existsSync('dist/client/index.html') ? [await t.app.inject('/plan')] : []),
    ])
      expect(res.headers['permissions-policy'], `${res.statusCode} ${res.body.slice(0, 80)}`).toBe(policy);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('login throttling across two instances on one PostgreSQL', () => {
  let t: TestApp;
  let second: FastifyInstance;
  beforeAll(async () => {
    t = await startTestApp('postgres', { config: { rateLimits: { login: 4 } } });
    second = await appOn(t.database, { config: { rateLimits: { login: 4 } } });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('counts attempts on either instance against one limit', async () => {
    const attempt = (app: FastifyInstance) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'planner', password: t.accounts.planner.password },
        remoteAddress: '10.9.0.1',
      });
    const codes = [];
    for (const app of [t.app, second, t.app, second, t.app, second]) codes.push((await attempt(app)).statusCode);
    // Four attempts in all are allowed, whichever instance took them; in memory each would allow four.
    expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
