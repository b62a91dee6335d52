/**
 * buildApp(deps): the configured Fastify instance. main.ts only listens; tests `inject` into it.
 * Load order: external plugins, then decorators (config, database, network), then routes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import { refreshPlannerStatistics, type DialectName } from './db/dialect.js';
import type { NetworkState } from './network/state.js';
import { errorsPlugin } from './plugins/errors.js';
import { buildValidator, inputRulesPlugin } from './plugins/input-rules.js';
import { authPlugin } from './plugins/auth.js';
import { rateLimitsPlugin } from './plugins/rate-limits.js';
import { openapiPlugin } from './plugins/openapi.js';
import { healthRoutes } from './routes/health.js';
import { stationRoutes } from './routes/stations.js';
import { regionRoutes } from './routes/regions.js';
import { basemapRoutes } from './routes/basemap.js';
import { authRoutes } from './routes/auth.js';
import { serviceAreaRoutes } from './routes/service-areas.js';
import { nearbyRoutes } from './routes/nearby.js';
import { coverageRoutes } from './routes/coverage.js';
import { importRoutes } from './routes/imports.js';
import { activityRoutes } from './routes/activities.js';
import { heatmapRoutes } from './routes/heatmap.js';
import { statsRoutes } from './routes/stats.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { openBus, type LiveBus } from './live/bus.js';
import { ActivityStream } from './live/stream.js';
import { startActivityClock } from './live/clock.js';
import { startDemoTicker } from './demo/live-ticker.js';
import { CoverageCache } from './network/coverage-cache.js';
import { HeavyWork, workerCount } from './workers/pool.js';
import { MinHeap } from './geo/heap.js';
import { errorContext } from './log.js';

export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  dialect: DialectName;
  network: NetworkState | null;
  /** The live event bus; by default in-process for SQLite, LISTEN/NOTIFY for PostgreSQL. */
  bus?: LiveBus;
  /** The time, for tests that pin it; defaults to Date.now. */
  now?: () => number;
  /** Live stream timings: heartbeat and the start/finish clock (defaults 15 s and 5 s). */
  live?: { heartbeatMs?: number; tickMs?: number };
  /** Folder of the built client; defaults to dist/client beside the repository root. */
  clientDir?: string;
  /** The process's logger (main.ts passes one at LOG_LEVEL); tests leave it out and log nothing. */
  logger?: FastifyBaseLogger;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Kysely<Database>;
    dialect: DialectName;
    network: NetworkState | null;
    clock: () => number;
    live: { bus: LiveBus; stream: ActivityStream };
    coverage: CoverageCache;
    /** The worker threads for heavy computations (service areas, coverage, what-if, suggestions). */
    heavy: HeavyWork;
    /** One heap for every street search of this instance: searches are synchronous, never concurrent. */
    searchHeap: MinHeap;
  }
}

/** Powerful browser features the page may use: the position, for the public view's "near me". */
export const PERMISSIONS_POLICY = 'geolocation=(self), camera=(), microphone=(), payment=(), usb=()';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: 2 * 1024 * 1024,
    // Behind a proxy, the client's own address (for per-address limits) comes from X-Forwarded-For.
    trustProxy: deps.config.trustProxy,
    // Two ajv instances: JSON bodies validated as sent, text parts (query, params) coerced (plugins/input-rules.ts).
    schemaController: { compilersFactory: { buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const now = deps.now ?? Date.now;
  const log = app.log;
  const bus = deps.bus ?? (await openBus(deps.config.databaseUrl, log));
  const stream = new ActivityStream(deps.db, bus, { now, log, heartbeatMs: deps.live?.heartbeatMs ?? 15_000 });
  await stream.start();
  const stopClock = startActivityClock(deps.db, bus, now, deps.live?.tickMs ?? 5_000, log);
  // Activity accumulates: keep the planner's statistics fresh (SQLite has none unless asked).
  const statistics = setInterval(
    () =>
      void refreshPlannerStatistics(deps.db).catch((err) =>
        log.error(errorContext(err), 'refreshing the planner statistics failed'),
      ),
    6 * 3_600_000,
  );
  statistics.unref();
  const stopTicker = deps.config.demoLive
    ? startDemoTicker(deps.db, bus, now, deps.config.demoLiveSeconds * 1000, log)
    : null;
  // SSE responses never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', async () => {
    clearInterval(statistics);
    await stopTicker?.();
    await stopClock();
    await stream.close();
  });
  app.addHook('onClose', async () => {
    // A bus passed in belongs to the caller.
    if (!deps.bus) await bus.close();
  });

  await app.register(errorsPlugin);
  await app.register(inputRulesPlugin);
  await app.register(cookie);
  const online = deps.config.basemapStyle ? ['https:'] : [];
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...online],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...online],
        fontSrc: ["'self'", ...online],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  // Helmet sets no Permissions-Policy: the public view asks for the position (its own origin only), nothing else.
  app.addHook('onRequest', async (_request, reply) => {
    reply.raw.setHeader('permissions-policy', PERMISSIONS_POLICY);
  });
  await app.register(rateLimitsPlugin, { db: deps.db, dialect: deps.dialect, limits: deps.config.rateLimits });
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    // Dynamic answers are compressed per request: brotli 4 is about gzip 6's cost for a smaller body.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
  await app.register(openapiPlugin);

  await app.register(
    fp(
      async (instance) => {
        instance.decorate('config', deps.config);
        instance.decorate('db', deps.db);
        instance.decorate('dialect', deps.dialect);
        instance.decorate('network', deps.network);
        instance.decorate('clock', now);
        instance.decorate('live', { bus, stream });
        const searchHeap = new MinHeap(1 << 16);
        instance.decorate('searchHeap', searchHeap);
        // Heavy work runs in worker threads that share the network; closed with the app.
        const heavy = new HeavyWork(deps.network, workerCount());
        instance.decorate('heavy', heavy);
        instance.addHook('onClose', () => heavy.close());
        instance.decorate('coverage', new CoverageCache(deps.db, deps.network, heavy));
      },
      { name: 'database' },
    ),
  );
  await app.register(authPlugin);

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(authRoutes);
      await api.register(stationRoutes);
      await api.register(regionRoutes);
      await api.register(basemapRoutes);
      await api.register(serviceAreaRoutes);
      await api.register(nearbyRoutes);
      await api.register(coverageRoutes);
      await api.register(importRoutes);
      await api.register(activityRoutes);
      await api.register(heatmapRoutes);
      await api.register(statsRoutes);
      await api.register(scenarioRoutes);
    },
    { prefix: '/api' },
  );

  const clientDir = deps.clientDir ?? path.join(ROOT, 'dist/client');
  const hasClient = fs.existsSync(path.join(clientDir, 'index.html'));
  if (hasClient) {
    await app.register(fastifyStatic, {
      root: clientDir,
      wildcard: true,
      index: false,
      // The build writes .br and .gz beside each asset at the highest levels: nothing is compressed per request.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names assets by content hash: a changed file is a new URL, so they never need revalidating.
        const hashed = path.relative(clientDir, filePath).startsWith(`assets${path.sep}`);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.setHeader('vary', 'accept-encoding');
      },
    });
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html', clientDir));
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0];
    if (request.method === 'GET' && !pathname.startsWith('/api') && !/\.[a-z0-9]+$/i.test(pathname) && hasClient) {
      // The client routes (/, /plan, /screen, /stations/:id) are all served by the single page.
      return reply.sendFile('index.html', clientDir);
    }
    return reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  await app.ready();
  return app;
}
