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
  /** Limits that differ from RATE_LIMIT_DEFAULTS (RATE_LIMITS=scenario=240,isochrone=0); 0 turns a limit off. */
  rateLimits: Partial<Record<RateLimitName, number>>;
  /**
   * Which proxies to believe about the client's address (TRUST_PROXY): `loopback`, addresses or CIDR
   * ranges, comma-separated; false (unset) takes the socket's address. Per-address limits need it behind a proxy.
   */
  trustProxy: string | false;
}

/**
 * Requests a user (by session) or else an address may make per minute to each heavy route, and the
 * login's own limits; plugins/rate-limits.ts applies them. High enough that the client never meets
 * them: one planner dragging stations sends one what-if at a time (each ≤ 20 ms of work), the map
 * asks for one probe at a time while a marker is dragged, the plan view loads three coverage answers
 * per change of minutes or levels.
 */
export const RATE_LIMIT_DEFAULTS = {
  /** GET /api/isochrone: the probe follows a dragged marker. */
  isochrone: 1200,
  /** GET /api/nearby */
  nearby: 300,
  /** GET /api/stations/:id/service-area */
  'station-area': 600,
  /** GET /api/service-areas: every station's area. */
  'service-areas': 120,
  /** GET /api/coverage, /gaps, /partition, /export, /uncovered.csv, /gaps.geojson, counted together. */
  coverage: 300,
  /** POST /api/coverage/scenario and GET /api/scenarios/:id/coverage: the what-if, counted together. */
  scenario: 120,
  /** GET and POST /api/siting/suggestions */
  siting: 60,
  /** GET /api/heatmap */
  heatmap: 120,
  /** POST /api/import/stations|regions|population */
  import: 30,
  /** POST /api/auth/login: attempts per address per minute. */
  login: 20,
  /** POST /api/auth/login: failed attempts per account per 15 minutes. */
  'login-account': 10,
} as const;
export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;

function rateLimitsSetting(env: NodeJS.ProcessEnv): Partial<Record<RateLimitName, number>> {
  const raw = env.RATE_LIMITS?.trim();
  if (!raw) return {};
  const names = Object.keys(RATE_LIMIT_DEFAULTS);
  const out: Partial<Record<RateLimitName, number>> = {};
  for (const item of raw.split(',')) {
    const [name, value] = item.split('=').map((x) => x.trim());
    if (!names.includes(name))
      throw new Error(`Invalid RATE_LIMITS: unknown limit "${name}" (expected one of ${names.join(', ')})`);
    if (!/^\d{1,7}$/.test(value ?? ''))
      throw new Error(`Invalid RATE_LIMITS: ${name}="${value ?? ''}" (expected a whole number; 0 turns it off)`);
    out[name as RateLimitName] = Number(value);
  }
  return out;
}

function trustProxySetting(env: NodeJS.ProcessEnv): string | false {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || /^(0|false|no|off)$/i.test(raw)) return false;
  if (/^(1|true|yes|on)$/i.test(raw))
    throw new Error(
      `Invalid TRUST_PROXY: "${raw}" (believing every sender lets anyone choose their address; name the proxy: loopback, an address or a CIDR range)`,
    );
  return raw;
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
    rateLimits: rateLimitsSetting(env),
    trustProxy: trustProxySetting(env),
  };
}
