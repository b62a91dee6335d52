import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log.js';

/** Settings, all from the environment (the README lists them). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; unset means SQLite in the data folder. */
  databaseUrl: string | null;
  /** Generate the demo district into an empty database at start. */
  demo: boolean;
  /** Optional online maplibre style URL; unset means the offline base drawn from our own data. */
  basemapStyle: string | null;
  /** Mark the session cookie `Secure` (set when served over HTTPS). */
  secureCookies: boolean;
  /** Publish plausible demo activities now and then (DEMO_LIVE=1), marked as demo. */
  demoLive: boolean;
  /** Seconds between demo activities (DEMO_LIVE_SECONDS, default 20). */
  demoLiveSeconds: number;
  /** pino level (LOG_LEVEL, default info). */
  logLevel: LogLevel;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`Invalid ${name}: "${raw}" (expected an integer 0-65535)`);
  }
  return value;
}

function boolSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`Invalid ${name}: "${raw}" (expected 1/0, true/false)`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`Invalid DATABASE_URL: "${databaseUrl}" (expected postgres://…; leave unset for SQLite)`);
  }
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`Invalid LOG_LEVEL: "${env.LOG_LEVEL}" (expected one of ${LOG_LEVELS.join(', ')})`);
  }
  return {
    port: intSetting(env, 'PORT', 8080),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR?.trim() || 'data'),
    databaseUrl,
    demo: boolSetting(env, 'DEMO', true),
    basemapStyle: env.BASEMAP_STYLE?.trim() || null,
    secureCookies: boolSetting(env, 'SECURE_COOKIES', false),
    demoLive: boolSetting(env, 'DEMO_LIVE', false),
    demoLiveSeconds: Math.max(1, intSetting(env, 'DEMO_LIVE_SECONDS', 20)),
    logLevel,
  };
}
