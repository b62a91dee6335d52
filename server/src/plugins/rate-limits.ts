/**
 * Rate limits, decided in one place by the route's URL rather than in each route file: the heavy
 * routes (service areas, coverage, what-if, siting, nearby, heatmap, imports) count requests per user
 * (by session) or else per address, through @fastify/rate-limit, and answer 429 with `retry-after` and
 * a Chinese and English message in the usual error shape. The counters live in the `rate_limits`
 * table on PostgreSQL, so every instance on one database counts together; on SQLite, which serves one
 * instance, they live in memory, sparing a disk write per map request. The login's limits (see
 * routes/auth.ts) always use the table, so they hold across instances and restarts.
 *
 * A window starts at a key's first hit and lasts its length; the next hit after it starts a new one.
 */
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { RATE_LIMIT_DEFAULTS, type RateLimitName } from '../config.js';
import type { DialectName } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { errorContext } from '../log.js';
import { errors } from '../routes/schemas.js';
import { HttpError } from './errors.js';

export interface Hits {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

export interface RateCounter {
  /** Counts one hit on `key`, in a window of `windowMs` from the key's first hit. */
  hit(key: string, windowMs: number): Promise<Hits>;
  /** Takes one hit back, as a login that succeeded does. */
  refund(key: string): Promise<void>;
  /** Forgets windows that have ended. */
  sweep(): Promise<void>;
}

/** Counters in the `rate_limits` table: one upsert per hit, the same SQL on SQLite and PostgreSQL. */
export class DatabaseCounter implements RateCounter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, windowMs: number): Promise<Hits> {
    const now = this.now();
    // In ON CONFLICT DO UPDATE, `rate_limits.*` is the stored row and `excluded.*` this hit's row.
    const ended = sql`rate_limits.expires_at <= excluded.window_start`;
    const row = await this.db
      .insertInto('rate_limits')
      .values({
        key,
        window_start: new Date(now).toISOString(),
        expires_at: new Date(now + windowMs).toISOString(),
        count: 1,
      })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql<number>`case when ${ended} then 1 else rate_limits.count + 1 end`,
          window_start: sql<string>`case when ${ended} then excluded.window_start else rate_limits.window_start end`,
          expires_at: sql<string>`case when ${ended} then excluded.expires_at else rate_limits.expires_at end`,
        }),
      )
      .returning(['count', 'expires_at'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), resetMs: Math.max(0, Date.parse(row.expires_at) - now) };
  }

  async refund(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limits')
      .set((eb) => ({ count: eb('count', '-', 1) }))
      .where('key', '=', key)
      .where('count', '>', 0)
      .where('expires_at', '>', new Date(this.now()).toISOString())
      .execute();
  }

  async sweep(): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('expires_at', '<=', new Date(this.now()).toISOString()).execute();
  }
}

/** Counters in this process, for SQLite's single instance. */
export class MemoryCounter implements RateCounter {
  private readonly windows = new Map<string, { count: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<Hits> {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.expiresAt <= now) {
      // Addresses come and go: past this many keys, drop the ended windows first.
      if (!w && this.windows.size >= 100_000) await this.sweep();
      w = { count: 0, expiresAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetMs: w.expiresAt - now };
  }

  async refund(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (w && w.count > 0) w.count--;
  }

  async sweep(): Promise<void> {
    const now = this.now();
    for (const [key, w] of this.windows) if (w.expiresAt <= now) this.windows.delete(key);
  }
}

/** The 429 answer: seconds to wait, in the message (Chinese first) and, set by the caller, in `retry-after`. */
export function tooManyRequests(resetMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(resetMs / 1000));
  return new HttpError(
    429,
    'TOO_MANY_REQUESTS',
    `请求过于频繁，请 ${seconds} 秒后再试。Too many requests: try again in ${seconds} s.`,
  );
}

/** Who a limit counts: the logged-in user, or else the client's address. */
export const requester = (request: FastifyRequest) => (request.user ? `user:${request.user.id}` : `ip:${request.ip}`);

type HeavyRoute = Exclude<RateLimitName, 'login' | 'login-account'>;

/** The limit a route falls under, by its URL as declared (with the /api prefix), or null. */
export function heavyRoute(url: string): HeavyRoute | null {
  if (url === '/api/isochrone') return 'isochrone';
  if (url === '/api/nearby') return 'nearby';
  if (url === '/api/stations/:id/service-area') return 'station-area';
  if (url === '/api/service-areas') return 'service-areas';
  // The what-if, posted or of a saved scenario.
  if (url === '/api/coverage/scenario' || url === '/api/scenarios/:id/coverage') return 'scenario';
  if (url === '/api/coverage' || url.startsWith('/api/coverage/')) return 'coverage';
  if (url.startsWith('/api/siting/')) return 'siting';
  if (url === '/api/heatmap') return 'heatmap';
  if (url.startsWith('/api/import/')) return 'import';
  return null;
}

export interface RateLimitsOptions {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Overrides of RATE_LIMIT_DEFAULTS (Config.rateLimits); 0 turns a limit off. */
  limits: Partial<Record<RateLimitName, number>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The limits in force, and the counters that always live in the database (the login's). */
    rateLimits: { limits: Record<RateLimitName, number>; shared: RateCounter };
  }
}

const WINDOW_MS = 60_000;
const SWEEP_MS = 5 * 60_000;

export const rateLimitsPlugin = fp<RateLimitsOptions>(
  async (app, options) => {
    const limits = { ...RATE_LIMIT_DEFAULTS, ...options.limits };
    const shared = new DatabaseCounter(options.db);
    const heavy = options.dialect === 'postgres' ? shared : new MemoryCounter();
    app.decorate('rateLimits', { limits, shared });

    // Before @fastify/rate-limit's own onRoute hook, which reads config.rateLimit.
    app.addHook('onRoute', (route) => {
      const name = heavyRoute(route.url ?? '');
      if (!name || !limits[name]) return;
      route.config = {
        ...route.config,
        rateLimit: { max: limits[name], timeWindow: WINDOW_MS, keyGenerator: (r) => `${name}|${requester(r)}` },
      };
      // The document says so too.
      if (route.schema)
        route.schema = { ...route.schema, response: { ...errors(429), ...(route.schema.response as object) } };
    });

    class CounterStore {
      incr(key: string, done: (err: Error | null, hits?: { current: number; ttl: number }) => void, windowMs?: number) {
        heavy.hit(key, windowMs ?? WINDOW_MS).then(
          (h) => done(null, { current: h.count, ttl: h.resetMs }),
          (err) => {
            // Let the request through rather than fail it for want of a counter.
            app.log.error(errorContext(err, { key }), 'rate limits: counting a request failed');
            done(err);
          },
        );
      }
      child() {
        return this;
      }
    }
    await app.register(rateLimit, {
      global: false,
      store: CounterStore,
      skipOnError: true,
      errorResponseBuilder: (_request, context) => tooManyRequests(context.ttl),
    });

    const sweep = setInterval(() => {
      for (const counter of new Set([shared, heavy]))
        counter.sweep().catch((err) => app.log.warn(errorContext(err), 'rate limits: sweeping ended windows failed'));
    }, SWEEP_MS);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));
  },
  { name: 'rate-limits' },
);
