/** A real app on a real database with the demo district installed, for API and browser tests. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.js';
import { loadConfig, type Config } from '../../server/src/config.js';
import { installDemo, type DemoAccount } from '../../server/src/demo/install.js';
import { loadNetwork } from '../../server/src/network/store.js';
import { prepareNetwork } from '../../server/src/network/state.js';
import { createTestDatabase, type DialectCase, type TestDatabase } from './databases.js';

/** The fixed reference time of the test demo: 10:00 China time on a Tuesday. */
export const TEST_NOW = Date.parse('2026-11-24T02:00:00Z');
export const TEST_SEED = 7;

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  accounts: Record<'admin' | 'planner' | 'organizer', DemoAccount>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  demo?: boolean;
  /** Pin the server's clock (the demo's reference time, say). */
  now?: () => number;
  live?: { heartbeatMs?: number; tickMs?: number };
  /** Settings over the defaults (DEMO_LIVE, say). */
  config?: Partial<Config>;
}

export async function startTestApp(dialect: DialectCase, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const accounts = {} as TestApp['accounts'];
  if (options.demo !== false) {
    const installed = await installDemo(database.db, database.dataDir, { seed: TEST_SEED, now: TEST_NOW });
    for (const a of installed.accounts) accounts[a.username as keyof TestApp['accounts']] = a;
  }
  const app = await appOn(database, options);
  return {
    app,
    database,
    accounts,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** Another server instance on the same database and data folder, as behind a load balancer. */
export async function appOn(database: TestDatabase, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const stored = loadNetwork(database.dataDir);
  const config = { ...loadConfig({}), ...options.config, dataDir: database.dataDir, databaseUrl: database.databaseUrl };
  return buildApp({
    config,
    db: database.db,
    dialect: database.dialect,
    network: stored ? prepareNetwork(stored) : null,
    now: options.now,
    live: options.live,
  });
}

/** Logs in through the API and returns the Cookie header value. */
export async function loginCookie(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'pm_session');
  if (!cookie) throw new Error('no session cookie');
  return `pm_session=${cookie.value}`;
}
