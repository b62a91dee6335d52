/**
 * The fuzzing suite (issue 11, item 8), a plain script rather than a Vitest file, so it stays out of
 * `npm test`:
 *
 *   npm run fuzz                      # full: ≥ 10,000 requests per database, 10-15 minutes in all
 *   npm run fuzz -- --short           # CI: ~500 per database, about a minute in all
 *   npm run fuzz -- --seed 42 --db sqlite --requests 2000 --out /tmp/fuzz
 *
 * On SQLite and PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), a
 * demo install answers requests generated with fast-check from the OpenAPI document, in three phases:
 * every operation once as every role; then random requests (property-based: any operation, any role,
 * values plausible — inside the schemas, real ids and codes, points near stations — or hostile); then
 * every kind of hostile file to every importer as a planner. Roles are the public, a made-up session,
 * and each demo account, logged in through /api/auth/login.
 * After every request: no 5xx, nothing slower than 5 s, no personal data to the public, and a rejected
 * write leaves every table's fingerprint as it was. /api/health is sampled over HTTP throughout
 * (p99, and which requests held it past 100 ms), and an anonymous client reads the SSE stream.
 *
 * The seed is printed first; the same seed sends the same requests. Each new violation is printed with
 * the request as a curl line and the answer; the end prints JSON figures and the de-duplicated
 * violations, and writes them with per-operation figures to <out>/report.json. Exit code 1 on any
 * violation.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { hashToken } from '../../server/src/plugins/auth.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import type { DialectCase } from '../support/databases.js';
import { connectSse, type SseClient } from '../support/sse.js';
import { bodyText, curlLine, messageShape, percentile, personalData, type SentRequest } from './checks.js';
import { changedTables, fingerprinter, type Fingerprints } from './fingerprint.js';
import { startHealthSampler } from './health.js';
import { uploadFiles, xlsxOf, type FileWorld, type ImportKind } from './hostile-files.js';
import {
  PUBLIC_ROLES,
  materialize,
  operationsOf,
  requestArbitrary,
  sweep,
  type Operation,
  type RequestSpec,
  type RoleName,
} from './requests.js';
import { containsPick, type Pools, type World } from './values.js';

// --- settings -----------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
};
const SHORT = argv.includes('--short') || process.env.FUZZ_SHORT === '1';
// CI's gate: 5xx, leaks, role bypasses and writes on refusal fail the run; waits of /api/health are
// reported but do not, since on a shared two-core machine they measure the neighbours as much as the
// server (the timing tests and the bench hold the 100 ms budget).
const TIMING_ADVISORY = argv.includes('--timing-advisory');
const SEED = Number(option('seed') ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RANDOM_REQUESTS = Number(option('requests') ?? (SHORT ? 350 : 9_600));
const DATABASES = (option('db') ?? 'sqlite,postgres').split(',') as DialectCase[];
const OUT = option('out') ?? path.join(os.tmpdir(), `practice-map-fuzz-${SEED}`);
const SLOW_MS = 5000;
const SHORT_FILES =
  /^(csv-valid|csv-duplicate-headers|csv-no-header|csv-utf8-bom|csv-gbk |csv-gbk$|csv-formula|csv-huge-cell|xlsx-valid|xlsx-truncated|xlsx-bomb|xlsx-rows-bomb|geojson-valid|geojson-points|geojson-null-features|geojson-bow-tie$|geojson-far-away-(pole|antimeridian)|geojson-10000-vertex-ring$|geojson-deep-coordinates)/;
const HEALTH_BUDGET_MS = 100;
const INJECT_TIMEOUT_MS = 60_000;
const STREAM_READ_MS = 150;
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';

if (!Number.isSafeInteger(SEED) || !Number.isSafeInteger(RANDOM_REQUESTS)) {
  console.error(
    'usage: npm run fuzz -- [--short] [--timing-advisory] [--seed N] [--requests N] [--db sqlite,postgres] [--out DIR]',
  );
  process.exit(2);
}

const clock = () => performance.timeOrigin + performance.now();

// --- findings -----------------------------------------------------------------------------------

type Kind =
  | '5xx'
  | 'slow'
  | 'timeout'
  | 'personal-data'
  | 'rejected-write-changed-tables'
  | 'read-changed-tables'
  | 'role-bypass'
  | 'health-blocked'
  | 'health-p99'
  | 'stream-personal-data'
  | 'server-error-logged';

interface Finding {
  kind: Kind;
  operation: string;
  status: number;
  detail: string;
  roles: Set<string>;
  /** Every operation where the same problem showed (a 5xx from one place in the server, say). */
  operations: Set<string>;
  counts: Record<string, number>;
  example: { database: string; curl: string; response: string; serverError?: string; size: number };
}

const findings = new Map<string, Finding>();
/** What is worth knowing but breaks no rule of the brief: accepted odd files, error answers' shape. */
const notes = new Map<
  string,
  { note: string; counts: Record<string, number>; example: string; operations: Set<string> }
>();

function note(key: string, text: string, database: string, example: string, operation?: string) {
  const n = notes.get(key) ?? { note: text, counts: {}, example, operations: new Set<string>() };
  n.counts[database] = (n.counts[database] ?? 0) + 1;
  if (operation) n.operations.add(operation);
  notes.set(key, n);
}

// --- one database -------------------------------------------------------------------------------

interface DatabaseFigures {
  requests: number;
  byPhase: Record<string, number>;
  durationS: number;
  /** Seconds the harness spent on its own work: fingerprints, reading ids, generating requests. */
  harnessS?: Record<string, number>;
  requestsPerSecond: number;
  statuses: Record<string, number>;
  fiveXX: number;
  violations: number;
  slowest: { ms: number; operation: string; role: string; status: number; request: string } | null;
  health: {
    samples: number;
    samplesOutsideRequests: number;
    /** Slow samples while a request much shorter than the wait was in flight: not blamed on it. */
    notFromRequests: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    over100Ms: number;
    failed: number;
  };
  stream: { anonymousEvents: number; staffEvents: number; staffEventsWithPersonalFields: number; probes: number };
  personalFieldsSeenByStaff: number;
  operations: Record<
    string,
    {
      requests: number;
      statuses: Record<string, number>;
      maxMs: number;
      totalMs: number;
      /** The commonest 4xx messages (numbers and quoted values blurred). */
      refusals: Record<string, number>;
    }
  >;
}

interface LogEntry {
  at: number;
  level: string;
  message: string;
  error?: string;
}

type StaffRole = 'organizer' | 'planner' | 'admin';
const isStaff = (role: RoleName): role is StaffRole => role === 'organizer' || role === 'planner' || role === 'admin';

async function fuzzDatabase(dialect: DialectCase, basePort: number): Promise<DatabaseFigures> {
  const started = Date.now();
  // Imports are not throttled here, so that every hostile file reaches an importer; the other limits
  // (heavy routes, logins per address and per account) stay at their defaults and answer 429 as usual.
  const t: TestApp = await startTestApp(dialect, {
    now: () => TEST_NOW + (Date.now() - started),
    config: { rateLimits: { import: 0 } },
  });
  const app = t.app;
  const db = dialect;
  // The harness's own time, reported so that its share of the run is visible.
  const harnessMs = {
    fingerprints: 0,
    pools: 0,
    between: 0,
    checks: 0,
    requests: 0,
    materialize: 0,
    yields: 0,
    total: 0,
  };

  // The tests' apps log nothing; Fastify's silent logger is one object for the app and its requests,
  // so wrapping its methods collects the server's own errors (with stacks) for each request.
  const logged: LogEntry[] = [];
  const log = app.log as unknown as Record<string, (...a: unknown[]) => void>;
  const originalLog = { error: log.error, fatal: log.fatal, warn: log.warn };
  for (const level of ['error', 'fatal', 'warn'] as const)
    log[level] = (obj: unknown, msg?: unknown) => {
      const o = (obj ?? {}) as { err?: { message?: string; stack?: string } };
      const err = o.err;
      const stack = err?.stack?.split('\n').slice(0, 4).join(' | ');
      logged.push({
        at: clock(),
        level,
        message: typeof msg === 'string' ? msg : typeof obj === 'string' ? obj : '',
        error: stack ?? err?.message,
      });
    };

  let port = 0;
  for (let p = basePort; p <= 8239 && !port; p++) {
    try {
      await app.listen({ port: p, host: '127.0.0.1' });
      port = p;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  if (!port) throw new Error('no free port in 8231-8239 for the stream and health samples');

  // Sessions: the harness logs in from addresses of its own, so the fuzzed logins' rate limit is theirs.
  let harnessLogins = 0;
  const cookies: Record<RoleName, string | null> = {
    anonymous: null,
    forged: `pm_session=${Buffer.from(`forged-${SEED}`).toString('base64url').padEnd(43, 'A')}`,
    organizer: null,
    planner: null,
    admin: null,
  };
  /** Logs a demo account in through the API, as the brief asks; the harness's sessions start here. */
  async function login(role: StaffRole) {
    const a = t.accounts[role];
    harnessLogins++;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: a.username, password: a.password },
      remoteAddress: `10.254.${harnessLogins >> 8}.${harnessLogins & 255}`,
    });
    const c = res.cookies.find((x) => x.name === 'pm_session');
    if (res.statusCode !== 200 || !c) throw new Error(`login ${role}: ${res.statusCode} ${res.body}`);
    cookies[role] = `pm_session=${c.value}`;
  }

  /**
   * A further session for an account, written as the login writes it. Used for the fuzzed logouts
   * (so they end a session of their own, not the harness's) and when a session ends unexpectedly:
   * logging in again would cost a deliberate scrypt each time, and the fuzzed logins' wrong passwords
   * soon lock the demo accounts (429 per account).
   */
  async function extraSession(role: StaffRole): Promise<string> {
    const user = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', t.accounts[role].username)
      .executeTakeFirstOrThrow();
    const token = randomBytes(32).toString('base64url');
    await t.database.db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .execute();
    return `pm_session=${token}`;
  }
  for (const role of ['organizer', 'planner', 'admin'] as const) await login(role);

  const harness = (url: string) =>
    app.inject({ method: 'GET', url, headers: { cookie: cookies.admin! }, remoteAddress: '10.253.0.1' });
  const doc = JSON.parse((await harness('/api/openapi.json')).body);
  const ops = operationsOf(doc);
  const config = JSON.parse((await harness('/api/config')).body);

  // What plausible values name: read again after writes that succeed.
  const pools: Pools = {
    stationId: [],
    activityId: [],
    regionCode: [],
    townshipCode: [],
    villageCode: [],
    stationName: [],
    townshipName: [],
    villageName: [],
    username: [],
    stationLon: [],
    stationLat: [],
    stationRegion: [],
    stationVillage: [],
  };
  let stationFeatures: any[] = [];
  let townshipFeatures: any[] = [];
  type PoolKind = 'stations' | 'activities' | 'regions';
  const ALL_POOLS: PoolKind[] = ['stations', 'activities', 'regions'];
  async function readPools(kinds: PoolKind[] = ALL_POOLS) {
    const s0 = performance.now();
    try {
      await readPoolsNow(kinds);
    } finally {
      harnessMs.pools += performance.now() - s0;
    }
  }
  async function readPoolsNow(kinds: PoolKind[]) {
    if (kinds.includes('stations')) {
      stationFeatures = JSON.parse((await harness('/api/stations')).body).features ?? [];
      pools.stationId = stationFeatures.map((f) => f.properties.id);
      pools.stationName = stationFeatures.map((f) => f.properties.name);
      pools.stationLon = stationFeatures.map((f) => f.geometry.coordinates[0]);
      pools.stationLat = stationFeatures.map((f) => f.geometry.coordinates[1]);
      pools.stationRegion = stationFeatures.map((f) => f.properties.regionCode);
      pools.stationVillage = stationFeatures.map((f) => f.properties.villageCode ?? null);
    }
    if (kinds.includes('activities')) {
      const activities = JSON.parse((await harness('/api/activities?limit=5000')).body).features ?? [];
      pools.activityId = activities.map((f: any) => f.properties.id);
    }
    if (kinds.includes('regions')) {
      const regions: any[] = [];
      for (const level of ['district', 'township', 'village']) {
        const features = JSON.parse((await harness(`/api/regions?level=${level}`)).body).features ?? [];
        if (level === 'township') townshipFeatures = features;
        regions.push(...features);
      }
      const codes = (level: string) => regions.filter((f) => f.properties.level === level);
      pools.regionCode = regions.map((f) => f.properties.code);
      pools.townshipCode = codes('township').map((f) => f.properties.code);
      pools.villageCode = codes('village').map((f) => f.properties.code);
      pools.townshipName = codes('township').map((f) => f.properties.name);
      pools.villageName = codes('village').map((f) => f.properties.name);
    }
    pools.username = Object.values(t.accounts).map((a) => a.username);
  }
  await readPools();
  /** The organizer names their own station half the time, so their writes get past the station check. */
  const organizerPools = (): Pools => {
    const own = t.accounts.organizer.stationId;
    if (own === null) return pools;
    return { ...pools, stationId: pools.stationId.flatMap((id) => [own, id]) };
  };

  const bbox = config.district?.bbox ?? [116.4, 36.04, 116.83, 36.31];
  const world: World = {
    bbox,
    now: TEST_NOW,
    accounts: Object.values(t.accounts).map((a) => ({ username: a.username, password: a.password })),
  };
  const LEVEL_ZH: Record<string, string> = { center: '中心', institute: '实践所', station: '实践站', point: '实践点' };
  const files: FileWorld = {
    stations: stationFeatures.map((f) => ({
      name: f.properties.name,
      level: LEVEL_ZH[f.properties.level] ?? f.properties.level,
      township: f.properties.regionName ?? '',
      village: f.properties.villageName ?? '',
      lon: f.geometry.coordinates[0],
      lat: f.geometry.coordinates[1],
    })),
    townships: townshipFeatures.map((f) => ({
      code: f.properties.code,
      name: f.properties.name,
      geometry: f.geometry,
    })),
    bbox,
    districtCode: config.district?.code ?? '379901000000',
    xlsxTemplates: await excelTemplates(stationFeatures),
    short: SHORT,
  };

  const fpRaw = await fingerprinter(t.database);
  const fp = {
    async take() {
      const s0 = performance.now();
      const out = await fpRaw.take();
      harnessMs.fingerprints += performance.now() - s0;
      return out;
    },
    close: () => fpRaw.close(),
  };
  let lastSnapshot: Fingerprints = await fp.take();
  let readsSinceSnapshot: string[] = [];
  /** Whether the reads since the last snapshot changed any table (they must not). */
  async function checkReads() {
    if (!readsSinceSnapshot.length) return;
    const fresh = await fp.take();
    const changed = changedTables(lastSnapshot, fresh);
    if (changed.length)
      violation(
        'read-changed-tables',
        'a read',
        '-',
        200,
        `tables changed during reads: ${changed.map((c) => c.split(' ')[0]).join(', ')}`,
        null,
        '',
        undefined,
        {
          key: `read-changed-tables|${changed.map((c) => c.split(' ')[0]).join(',')}`,
          // The reads since the last snapshot; the operations in every such list are the suspects.
          suspects: [...new Set(readsSinceSnapshot)],
        },
      );
    lastSnapshot = fresh;
    readsSinceSnapshot = [];
  }
  const resnapshot = async () => {
    lastSnapshot = await fp.take();
    readsSinceSnapshot = [];
  };

  // The live stream, read by the public and by a planner from the first event on.
  const streamUrl = `http://127.0.0.1:${port}/api/activities/stream?lastEventId=0`;
  const publicStream: SseClient = connectSse(streamUrl);
  const staffStream: SseClient = connectSse(streamUrl, { cookie: cookies.planner! });
  const health = startHealthSampler(port, 50);

  const figures: DatabaseFigures = {
    requests: 0,
    byPhase: {},
    durationS: 0,
    requestsPerSecond: 0,
    statuses: {},
    fiveXX: 0,
    violations: 0,
    slowest: null,
    health: {
      samples: 0,
      samplesOutsideRequests: 0,
      notFromRequests: 0,
      p50Ms: 0,
      p99Ms: 0,
      maxMs: 0,
      over100Ms: 0,
      failed: 0,
    },
    stream: { anonymousEvents: 0, staffEvents: 0, staffEventsWithPersonalFields: 0, probes: 0 },
    personalFieldsSeenByStaff: 0,
    operations: {},
  };
  const timeline: { start: number; end: number; index: number }[] = [];
  const slowSent = new Map<number, { sent: SentRequest; op: string; label: string }>();
  let requestIndex = 0;
  /** Pools whose ids a successful create or delete has changed; read again before they are next used. */
  const poolsDirty = new Set<PoolKind>();
  let sincePools = 0;
  const bodyDir = path.join(OUT, 'bodies');

  function violation(
    kind: Kind,
    op: string,
    role: string,
    status: number,
    detail: string,
    sent: SentRequest | null,
    response: string,
    serverError?: string,
    options: { key?: string; score?: number; index?: number; suspects?: string[] } = {},
  ) {
    figures.violations++;
    const key = options.key ?? [kind, op, status, messageShape(`${detail} ${serverError ?? ''}`)].join('|');
    // Keep the smallest request that shows the problem (or the worst case, when a score is given).
    const size = options.score ?? (sent ? sent.url.length + (sent.payload ? Buffer.byteLength(sent.payload) : 0) : 0);
    let f = findings.get(key);
    const isNew = !f;
    const better = !f || (options.score !== undefined ? size > f.example.size : !!sent && size < f.example.size);
    const curl = sent && better ? curlLine(sent, bodyDir, `${db}-${options.index ?? requestIndex}`) : '';
    const example = { database: db, curl, response: response.slice(0, 600), serverError, size };
    if (!f) {
      f = { kind, operation: op, status, detail, roles: new Set(), operations: new Set(), counts: {}, example };
      findings.set(key, f);
    } else if (better) {
      f.example = example;
      f.detail = detail;
      f.status = status;
    }
    if (options.suspects) {
      // Only the operations present every time stay suspected.
      const keep = isNew ? new Set(options.suspects) : new Set(options.suspects.filter((x) => f!.operations.has(x)));
      f.operations = keep;
    } else f.operations.add(op);
    f.roles.add(role);
    f.counts[db] = (f.counts[db] ?? 0) + 1;
    if (isNew) {
      console.error(`\n[${db}] VIOLATION ${kind}: ${op} as ${role} -> ${status}: ${detail}`);
      if (curl) console.error(`  ${curl}`);
      if (response) console.error(`  answer: ${response.slice(0, 300).replace(/\n/g, '\\n')}`);
      if (serverError) console.error(`  server: ${serverError.slice(0, 400)}`);
    }
  }

  async function streamProbe(sent: SentRequest): Promise<{ status: number; headers: any; raw: Buffer }> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const req = http.request(
        { host: '127.0.0.1', port, path: sent.url, method: sent.method, headers: sent.headers },
        (res) => {
          res.on('data', (c: Buffer) => chunks.push(c));
          const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) });
          res.on('end', done);
          setTimeout(() => {
            req.destroy();
            done();
          }, STREAM_READ_MS);
        },
      );
      req.setTimeout(SLOW_MS * 2, () => req.destroy(new Error('no answer')));
      req.on('error', (err) => resolve({ status: 0, headers: {}, raw: Buffer.from(String(err.message)) }));
      if (sent.payload !== undefined) req.write(sent.payload);
      req.end();
    });
  }

  let lastEnd = 0;
  async function run(spec: RequestSpec, phase: string): Promise<void> {
    const began = performance.now();
    if (lastEnd) harnessMs.between += began - lastEnd;
    try {
      await runChecked(spec, phase);
    } finally {
      lastEnd = performance.now();
      harnessMs.total += lastEnd - began;
    }
  }

  async function runChecked(spec: RequestSpec, phase: string): Promise<void> {
    const index = ++requestIndex;
    figures.requests++;
    figures.byPhase[phase] = (figures.byPhase[phase] ?? 0) + 1;
    const op = spec.op;
    if (poolsDirty.size && sincePools >= 25 && containsPick([spec.path, spec.query, spec.body])) {
      await readPools([...poolsDirty]);
      poolsDirty.clear();
      sincePools = 0;
    }
    sincePools++;
    const built = performance.now();
    const m = materialize(spec, spec.role === 'organizer' ? organizerPools() : pools);
    harnessMs.materialize += performance.now() - built;
    const headers = { ...m.headers };
    if (cookies[spec.role]) headers.cookie = cookies[spec.role]!;
    if (isStaff(spec.role) && /\/auth\/logout$/.test(op.path)) {
      await checkReads();
      headers.cookie = await extraSession(spec.role);
      await resnapshot();
    }
    const sent: SentRequest = { method: m.method, url: m.url, headers, payload: m.payload, role: spec.role };
    const isWrite = m.method !== 'GET';
    const requestText = `${m.url} ${typeof m.payload === 'string' ? m.payload : ''} ${decodeSafe(m.url)}`;

    if (isWrite) await checkReads();

    const logMark = logged.length;
    const start = clock();
    let status = 0;
    let resHeaders: Record<string, any> = {};
    let raw: Buffer = Buffer.alloc(0);
    let failure: string | null = null;
    try {
      if (op.stream) {
        figures.stream.probes++;
        const r = await streamProbe(sent);
        status = r.status;
        resHeaders = r.headers;
        raw = r.raw;
      } else {
        const res = await Promise.race([
          app.inject({
            method: m.method as 'GET',
            url: m.url,
            headers,
            payload: m.payload,
            remoteAddress: `10.0.0.${spec.client + 1}`,
          }),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), INJECT_TIMEOUT_MS).unref()),
        ]);
        if (res === null) failure = `no answer within ${INJECT_TIMEOUT_MS / 1000} s`;
        else {
          status = res.statusCode;
          resHeaders = res.headers;
          raw = res.rawPayload;
        }
      }
    } catch (err) {
      failure = `inject threw: ${(err as Error).message}`;
    }
    const end = clock();
    const ms = end - start;
    harnessMs.requests += ms;
    timeline.push({ start, end, index });
    // Let a health request that arrived meanwhile be answered before the harness works again: the
    // second turn of the loop passes through its poll phase, where the socket is read.
    const yielded = performance.now();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    harnessMs.yields += performance.now() - yielded;
    const checksStarted = performance.now();
    if (ms > 50) {
      // Kept for naming the request a slow health check waited behind; a large body is left out
      // (its label and the seed say what it was), so the run's memory stays flat.
      const big = sent.payload !== undefined && Buffer.byteLength(sent.payload) > 256 * 1024;
      const kept = big
        ? { ...sent, payload: undefined, omitted: `${m.label}, ${Buffer.byteLength(sent.payload!)} bytes` }
        : sent;
      slowSent.set(index, { sent: kept, op: op.id, label: m.label });
    }

    const text = bodyText(raw, resHeaders);
    const statusKey = String(status);
    figures.statuses[statusKey] = (figures.statuses[statusKey] ?? 0) + 1;
    const perOp = (figures.operations[op.id] ??= { requests: 0, statuses: {}, maxMs: 0, totalMs: 0, refusals: {} });
    perOp.totalMs += Math.round(ms);
    if (status >= 400 && status < 500) {
      // What refuses this operation's requests most often: shows whether valid requests get through.
      const shape = `${status} ${messageShape(errorMessage(text)).slice(0, 100)}`;
      perOp.refusals[shape] = (perOp.refusals[shape] ?? 0) + 1;
    }
    perOp.requests++;
    perOp.statuses[statusKey] = (perOp.statuses[statusKey] ?? 0) + 1;
    perOp.maxMs = Math.max(perOp.maxMs, Math.round(ms));
    if (!figures.slowest || ms > figures.slowest.ms)
      figures.slowest = {
        ms: Math.round(ms),
        operation: op.id,
        role: spec.role,
        status,
        request: `${m.method} ${m.url.slice(0, 200)}${m.label ? ` [${m.label}]` : ''}`,
      };

    const serverErrors = logged
      .slice(logMark)
      .filter((l) => l.level !== 'warn')
      .map((l) => `${l.message}: ${l.error ?? ''}`);
    const serverError = serverErrors[0];
    const label = m.label ? ` [${m.label}]` : '';

    if (failure) violation('timeout', op.id, spec.role, 0, `${failure}${label}`, sent, '');
    if (status >= 500) {
      figures.fiveXX++;
      // One bug, one entry: a 5xx is keyed by where the server threw, whichever route reached it.
      const where = serverError ? serverErrorKey(serverError) : `${op.id}|${status}|${messageShape(text)}`;
      violation('5xx', op.id, spec.role, status, `${m.method} ${op.path}${label}`, sent, text, serverError, {
        key: `5xx|${where}`,
      });
    }
    if (!failure && ms > SLOW_MS)
      violation('slow', op.id, spec.role, status, `answered in ${Math.round(ms)} ms${label}`, sent, text.slice(0, 200));
    if (op.roles && status > 0 && status < 400 && !op.roles.includes(spec.role))
      violation(
        'role-bypass',
        op.id,
        spec.role,
        status,
        `x-roles ${op.roles.join(',')} but ${spec.role} got ${status}`,
        sent,
        text,
      );

    // The README's promise for errors: {"error": {"code", "message"}}. Noted, not a violation.
    if (status >= 400 && !op.stream && !errorShaped(text))
      note(
        `error-shape|${status}|${errorCode(text)}`,
        `${status} without the {"error": {"code", "message"}} shape, e.g. ${text.slice(0, 160)}`,
        db,
        `${m.method} ${m.url.slice(0, 200)}`,
        op.id,
      );

    const isPublic = PUBLIC_ROLES.includes(spec.role);
    const found = personalData(text, requestText, { keys: op.id !== 'getOpenApiDocument' });
    if (isPublic && found.length)
      violation('personal-data', op.id, spec.role, status, found.slice(0, 4).join(', '), sent, text, undefined, {
        // One entry per route and kind of leak, however many numbers it showed.
        key: `personal-data|${op.id}|${[...new Set(found.map((f) => (f.startsWith('phone') ? 'phone' : f)))].sort().join(',')}`,
      });
    if (!isPublic && found.some((f) => f.startsWith('field'))) figures.personalFieldsSeenByStaff++;

    harnessMs.checks += performance.now() - checksStarted;
    if (isWrite) {
      const after = await fp.take();
      const changed = changedTables(lastSnapshot, after);
      if ((status >= 400 || status === 0) && changed.length)
        violation(
          'rejected-write-changed-tables',
          op.id,
          spec.role,
          status,
          `${status} but ${changed.map((c) => c.split(' ')[0]).join(', ')} changed${label}`,
          sent,
          text,
        );
      // Edits keep ids; creates, deletes and imports change them.
      if (status < 300 && m.method !== 'PATCH')
        for (const kind of ALL_POOLS) if (changed.some((c) => c.startsWith(`${kind} `))) poolsDirty.add(kind);
      lastSnapshot = after;
      readsSinceSnapshot = [];
    } else readsSinceSnapshot.push(op.id);

    if (spec.body?.kind === 'file' && spec.body.file.shouldReject && status >= 200 && status < 300)
      note(
        `accepted|${op.id}|${m.label.replace(/\d+/g, '#')}`,
        `${op.id} accepted a file it should refuse: ${m.label}`,
        db,
        text.slice(0, 200),
      );

    // A logout (or anything else) that ended a harness session: log in again.
    const setCookie = String(resHeaders['set-cookie'] ?? '');
    if (/pm_session=;/.test(setCookie) && isStaff(spec.role) && !/\/auth\/logout$/.test(op.path)) {
      note(`session-ended|${op.id}`, `${op.id} ended the session it was sent with`, db, m.url.slice(0, 200));
      cookies[spec.role] = await extraSession(spec.role);
      await resnapshot();
    }
    if (index % 1000 === 0) {
      await checkReads();
      for (const role of ['organizer', 'planner', 'admin'] as const) {
        const me = await app.inject({
          url: '/api/auth/me',
          headers: { cookie: cookies[role]! },
          remoteAddress: '10.253.0.1',
        });
        if (!JSON.parse(me.body).user) {
          note(`session-lost|${role}`, `the ${role} session ended without a logout`, db, '');
          cookies[role] = await extraSession(role);
          await resnapshot();
        }
      }
    }
    if (index % 500 === 0) progress();
  }

  const began = Date.now();
  const progress = () => {
    const s = (Date.now() - began) / 1000;
    console.error(
      `[${db}] ${figures.requests} requests in ${s.toFixed(0)} s (${(figures.requests / s).toFixed(0)}/s), 5xx ${figures.fiveXX}, violations ${figures.violations}`,
    );
  };

  // 1. Every operation as every role, once, with plausible values.
  for (const spec of sweep(ops, { world, files }, SEED, SHORT ? ['anonymous', 'organizer', 'planner'] : undefined))
    await run(spec, 'sweep');
  progress();

  // 2. Random requests, property-based: any operation, any role, plausible to hostile.
  const HEAVY = /Coverage|ServiceAreas|Sites|Scenario|Heatmap|Stats|Partition|exportCoverage/i;
  // Logins cost the server a deliberate scrypt each; the stream is read for a moment per request.
  const weightOf = (op: Operation) =>
    op.stream || op.id === 'login' ? 1 : op.method === 'DELETE' || HEAVY.test(op.id) ? 2 : op.file ? 3 : 4;
  await fc.assert(
    fc.asyncProperty(requestArbitrary(ops, { world, files }, weightOf), async (spec) => {
      try {
        await run(spec, 'random');
      } catch (err) {
        note(`harness|${(err as Error).message}`, `harness error: ${(err as Error).stack}`, db, spec.op.id);
      }
    }),
    { seed: SEED, numRuns: RANDOM_REQUESTS, endOnFailure: true },
  );
  progress();

  // 3. Every kind of hostile file to every importer, as a planner.
  const crs = ['wgs84', 'gcj02', 'bd09'];
  for (const kind of ['stations', 'regions', 'population'] as ImportKind[]) {
    const op = ops.find((o) => o.path === `/api/import/${kind}`);
    if (!op) continue;
    const arbitraries = uploadFiles(kind, files);
    for (let i = 0; i < arbitraries.length; i++) {
      const [file] = fc.sample(arbitraries[i], { seed: SEED + i, numRuns: 1 });
      // The short run sends the kinds of file the issue names; the full run sends every kind.
      if (SHORT && !SHORT_FILES.test(file.label)) continue;
      await run(
        {
          op,
          role: 'planner',
          mood: 'hostile',
          path: {},
          query: i % 4 === 3 ? [] : [['crs', crs[i % 3]]],
          body: { kind: 'file', file },
          headers: {},
          client: 0,
        },
        'importers',
      );
    }
  }
  progress();

  // Health: who kept it waiting.
  const allSamples = await health.stop();
  // Only samples sent while a fuzz request was being served count: the harness shares the event loop
  // (fingerprints, generating files), and its own pauses are not the server's.
  const inFlight = allSamples.filter((s) => timeline.some((r) => s.at >= r.start && s.at <= r.end));
  const samples = inFlight;
  const ok = samples.filter((s) => s.status === 200);
  const times = ok.map((s) => s.ms);
  figures.health = {
    samples: samples.length,
    samplesOutsideRequests: allSamples.length - samples.length,
    notFromRequests: 0,
    p50Ms: round1(percentile(times, 50)),
    p99Ms: round1(percentile(times, 99)),
    maxMs: round1(Math.max(0, ...times)),
    over100Ms: times.filter((x) => x > HEALTH_BUDGET_MS).length,
    failed: samples.length - ok.length,
  };
  for (const s of inFlight) {
    if (s.status === 200 && s.ms <= HEALTH_BUDGET_MS) continue;
    const r = timeline.find((x) => s.at >= x.start && s.at <= x.end)!;
    const blamed = slowSent.get(r.index);
    // A request that took less than half the wait did not cause it alone: the harness's own work
    // (it shares the event loop) or background work did. Counted in the figures, not blamed.
    if (!blamed || r.end - r.start < s.ms / 2) {
      figures.health.notFromRequests++;
      continue;
    }
    const what = blamed.op;
    violation(
      'health-blocked',
      what,
      blamed.sent.role,
      s.status,
      `/api/health waited ${Math.round(s.ms)} ms${s.error ? ` (${s.error})` : ''} while this ran${blamed.label ? ` [${blamed.label}]` : ''}`,
      blamed.sent,
      '',
      undefined,
      { key: `health-blocked|${what}`, score: s.ms, index: r.index },
    );
  }
  if (figures.health.p99Ms > HEALTH_BUDGET_MS)
    violation(
      'health-p99',
      'getHealth',
      '-',
      200,
      `p99 ${figures.health.p99Ms} ms over ${samples.length} samples`,
      null,
      '',
    );

  // The stream as the public saw it, against what a planner saw.
  await new Promise((r) => setTimeout(r, 300));
  figures.stream.anonymousEvents = publicStream.events.length;
  figures.stream.staffEvents = staffStream.events.length;
  figures.stream.staffEventsWithPersonalFields = staffStream.events.filter(
    (e) => personalData(e.data, '', { keys: true }).length > 0,
  ).length;
  for (const e of publicStream.events) {
    const found = personalData(e.data, '', { keys: true });
    if (found.length)
      violation('stream-personal-data', 'streamActivities', 'anonymous', 200, found.join(', '), null, e.data);
  }
  publicStream.close();
  staffStream.close();

  // Errors the server logged outside any request (background work).
  const inRequests = (at: number) => timeline.some((r) => at >= r.start && at <= r.end);
  for (const l of logged)
    if (l.level !== 'warn' && !inRequests(l.at))
      violation('server-error-logged', 'background', '-', 0, `${l.message}: ${l.error ?? ''}`.slice(0, 300), null, '');

  figures.durationS = round1((Date.now() - began) / 1000);
  figures.harnessS = {
    fingerprints: round1(harnessMs.fingerprints / 1000),
    pools: round1(harnessMs.pools / 1000),
    generating: round1(harnessMs.between / 1000),
    checks: round1(harnessMs.checks / 1000),
    materialize: round1(harnessMs.materialize / 1000),
    yields: round1(harnessMs.yields / 1000),
    inRun: round1(harnessMs.total / 1000),
    inRequests: round1(harnessMs.requests / 1000),
  };
  figures.requestsPerSecond = round1(figures.requests / Math.max(1, figures.durationS));
  fp.close();
  Object.assign(log, originalLog);
  await t.close();
  return figures;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The code an error answer carries in whatever shape, for grouping. */
function errorCode(text: string): string {
  try {
    const o = JSON.parse(text);
    return String(o.code ?? o.error?.code ?? o.error ?? 'no code');
  } catch {
    return 'not JSON';
  }
}

function errorShaped(text: string): boolean {
  try {
    const e = JSON.parse(text).error;
    return typeof e?.code === 'string' && typeof e?.message === 'string';
  } catch {
    return false;
  }
}

/** The message of an error answer, or the start of whatever else it is. */
function errorMessage(text: string): string {
  try {
    return String(JSON.parse(text).error?.message ?? text.slice(0, 80));
  } catch {
    return text.slice(0, 80);
  }
}

/** Where the server threw: the error's first line and its first frame in our code. */
function serverErrorKey(serverError: string): string {
  const parts = serverError.split(' | ');
  const frame = parts.find((p) => /server\/src\//.test(p)) ?? parts[1] ?? '';
  const at = /server\/src\/[^):]+:\d+/.exec(frame)?.[0] ?? frame.trim();
  return `${messageShape(parts[0])}@${at}`;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Spreadsheets as a spreadsheet program writes them (exceljs), to truncate and corrupt. */
async function excelTemplates(stations: any[]): Promise<Buffer[]> {
  const { default: Excel } = await import('exceljs');
  const out: Buffer[] = [];
  for (const header of [
    ['名称', '级别', '乡镇/街道', '村/社区', '经度', '纬度', '地址', '联系电话', '开放时间', '服务项目'],
    ['名称', '经度', '纬度', '人口'],
  ]) {
    const book = new Excel.Workbook();
    const sheet = book.addWorksheet('Sheet1');
    sheet.addRow(header);
    for (const f of stations.slice(0, 30)) {
      const [lon, lat] = f.geometry.coordinates;
      sheet.addRow(
        header.length > 4
          ? [f.properties.name, '实践站', f.properties.regionName, '', lon, lat, '地址', '13900000000', '全天', '科普']
          : [f.properties.name, lon, lat, 100],
      );
    }
    sheet.addRow([
      '=1+1',
      { formula: 'A2&"x"', result: 'y' },
      new Date(TEST_NOW),
      true,
      { richText: [{ text: '富' }] },
    ]);
    out.push(Buffer.from(await book.xlsx.writeBuffer()));
  }
  out.push(xlsxOf([['名称', '经度', '纬度', '人口']]));
  return out;
}

// --- main ---------------------------------------------------------------------------------------

async function main() {
  console.error(
    `fuzz: seed ${SEED} (${SHORT ? 'short' : 'full'} run, ${RANDOM_REQUESTS} random requests per database on ${DATABASES.join(' and ')}); report in ${OUT}`,
  );
  console.error(`fuzz: reproduce with  npm run fuzz -- --seed ${SEED}${SHORT ? ' --short' : ''}`);
  fs.mkdirSync(OUT, { recursive: true });
  const perDatabase: Record<string, DatabaseFigures> = {};
  let port = 8231;
  for (const dialect of DATABASES) {
    perDatabase[dialect] = await fuzzDatabase(dialect, port);
    port++;
  }
  const violations = [...findings.values()]
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.operation.localeCompare(b.operation))
    .map((f) => ({
      kind: f.kind,
      operation: f.operation,
      operations: [...f.operations].sort(),
      status: f.status,
      detail: f.detail,
      roles: [...f.roles].sort(),
      counts: f.counts,
      curl: f.example.curl,
      response: f.example.response,
      serverError: f.example.serverError,
    }));
  const summary = {
    seed: SEED,
    run: SHORT ? 'short' : 'full',
    databases: Object.fromEntries(
      Object.entries(perDatabase).map(([k, v]) => {
        const { operations: _ops, ...rest } = v;
        return [k, rest];
      }),
    ),
    distinctViolations: violations.length,
    violations: violations.map(({ response: _r, ...v }) => v),
    notes: [...notes.values()].map((n) => ({
      note: n.note,
      operations: n.operations.size ? [...n.operations].sort() : undefined,
      counts: n.counts,
      example: n.example || undefined,
    })),
    report: path.join(OUT, 'report.json'),
  };
  fs.writeFileSync(
    path.join(OUT, 'report.json'),
    JSON.stringify(
      {
        ...summary,
        violations,
        perOperation: Object.fromEntries(Object.entries(perDatabase).map(([k, v]) => [k, v.operations])),
      },
      null,
      2,
    ),
  );
  console.log(JSON.stringify(summary, null, 2));
  console.error(
    `fuzz: seed ${SEED}: ${Object.entries(perDatabase)
      .map(([k, v]) => `${k} ${v.requests} requests, ${v.fiveXX} 5xx, health p99 ${v.health.p99Ms} ms`)
      .join('; ')}; ${violations.length} distinct violations`,
  );
  if (violations.length)
    console.error(
      'fuzz: the curl lines go to a demo server on 127.0.0.1:8080; $PM_PLANNER (and _ADMIN, _ORGANIZER) is the ' +
        'pm_session cookie that POST /api/auth/login sets for that account (passwords in DATA_DIR/demo-accounts.txt)',
    );
  const failing = violations.filter((v) => !(TIMING_ADVISORY && v.kind.startsWith('health-')));
  if (failing.length < violations.length)
    console.error(`fuzz: ${violations.length - failing.length} health waits reported, not failing (--timing-advisory)`);
  process.exit(failing.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`fuzz: seed ${SEED}: the harness failed:`, err);
  process.exit(2);
});
