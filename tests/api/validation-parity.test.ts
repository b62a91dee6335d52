/**
 * SQLite and PostgreSQL answer hostile input alike: every probe below goes to an app on each database
 * and must get the same status and message, never a 5xx, and a 400 names the field first. The probes
 * come from the API document, so a new route or field is probed without being listed here: each
 * numeric query field gets Infinity, 1e400, NaN, hex and exponents; each path id 0, -1, 2^31, 0x1, 1e3
 * and 01 (and 2^31 − 1, which names nothing: 404); each string a NUL character; each stored text one
 * character past its column; each JSON body field a value of the wrong type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects, type DialectCase } from '../support/databases.js';

/** PostgreSQL's largest integer. */
const MAX_ID = 2 ** 31 - 1;

interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters?: { in: string; name: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Schema = Record<string, any>;

interface Probe {
  /** What the probe sends, for the failure list. */
  label: string;
  request: InjectOptions;
  /** The status both databases must answer. */
  status?: number;
  /** The field the 400's message must start with. */
  field?: string;
}

/** A valid body for each operation that reads JSON, so one field at a time can be made hostile. */
const VALID_BODIES: Record<string, (station: { lon: number; lat: number }) => Record<string, unknown>> = {
  login: () => ({ username: 'nobody', password: 'not-a-password' }),
  createStation: (s) => ({ name: '校验站', level: 'station', lon: s.lon, lat: s.lat }),
  updateStation: () => ({ name: '校验站' }),
  createActivity: () => ({
    title: '校验活动',
    category: 'theory',
    stationId: 1,
    startsAt: '2026-11-24T14:00:00+08:00',
    endsAt: '2026-11-24T16:00:00+08:00',
  }),
  updateActivity: () => ({ title: '校验活动' }),
  renameRegion: () => ({ name: '校验镇' }),
  evaluateScenario: () => ({ remove: [1], gaps: false }),
  suggestSitesFromCandidates: () => ({ candidates: [], k: 1 }),
  createScenario: (s) => ({ name: '校验方案', add: [{ lon: s.lon, lat: s.lat }] }),
  updateScenario: () => ({ name: '校验方案' }),
  duplicateScenario: () => ({}),
  adoptScenario: () => ({ version: 1 }),
};

const typesOf = (s: Schema): string[] =>
  s.anyOf ? s.anyOf.flatMap(typesOf) : Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
const isNumeric = (s: Schema) => {
  const types = typesOf(s).filter((t) => t !== 'null');
  return types.length > 0 && types.every((t) => t === 'integer' || t === 'number');
};
const isInteger = (s: Schema) => isNumeric(s) && typesOf(s).every((t) => t !== 'number');
/** Ids by name, so a route that forgets the id schema is still probed: `id`, `…Id`, `station`. */
const isIdName = (name: string) => name === 'id' || name === 'station' || /Id$/.test(name);
const isFreeString = (s: Schema) => typesOf(s).includes('string') && !s.enum;
/** The stored-text member of a field (itself, or the string branch of a nullable one). */
const storedOf = (s: Schema): Schema | undefined =>
  s['x-column'] ? s : (s.anyOf as Schema[] | undefined)?.find((m) => m['x-column']);
const streams = (op: Operation) => Object.keys(op.responses['200']?.content ?? {}).includes('text/event-stream');

const ANSWER_WITHIN_MS = 3000;
const NOT_FINITE = ['Infinity', '-Infinity', '1e400', '-1e400', 'NaN', '0x1', '', '1,5'];
const NOT_DECIMAL_INTEGER = ['1e3', '01', '1.5', '+1', '0b1', ' 1'];
const BAD_IDS = ['0', '-1', String(MAX_ID + 1), '0x1', '1e3', '01', '1.0', '+1', '99999999999999999999'];

describe('validation parity between SQLite and PostgreSQL', () => {
  const apps = {} as Record<DialectCase, { t: TestApp; cookie: string }>;
  let ops: Operation[] = [];
  let station = { lon: 0, lat: 0 };
  /** A township's code, for `{code}` in paths. */
  let township = '';

  beforeAll(async () => {
    for (const dialect of testDialects) {
      const t = await startTestApp(dialect);
      const cookie = await loginCookie(t.app, t.accounts.admin.username, t.accounts.admin.password);
      apps[dialect] = { t, cookie };
    }
    const { t } = apps[testDialects[0]];
    const doc = (await t.app.inject('/api/openapi.json')).json();
    ops = Object.entries<Record<string, Omit<Operation, 'method' | 'path'>>>(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
    );
    const first = (await t.app.inject('/api/stations/1')).json();
    station = { lon: first.geometry.coordinates[0], lat: first.geometry.coordinates[1] };
    township = (await t.app.inject('/api/regions?level=township')).json().features[0].properties.code;
  });
  afterAll(async () => {
    for (const { t } of Object.values(apps)) await t.close();
  });

  const jsonBody = (op: Operation) => op.requestBody?.content['application/json']?.schema;
  const validBody = (op: Operation) => VALID_BODIES[op.operationId]?.(station);
  /** The operation's URL with its path id (or code) set, and the query given. */
  const urlOf = (op: Operation, query: Record<string, string> = {}, id = '1', code = township) => {
    const path = op.path.replace('{id}', id).replace('{code}', code);
    const search = new URLSearchParams(query).toString();
    return search ? `${path}?${search}` : path;
  };
  const requestOf = (op: Operation, extra: Partial<InjectOptions> & { url: string }): InjectOptions => {
    const body = validBody(op);
    return { method: op.method as InjectOptions['method'], ...(body ? { payload: body } : {}), ...extra };
  };

  /** Sends each probe to every database; returns what went wrong, one line per probe. */
  async function run(probes: Probe[]): Promise<string[]> {
    const failures: string[] = [];
    for (const probe of probes) {
      const answers: { dialect: string; status: number; message: string }[] = [];
      for (const dialect of testDialects) {
        const { t, cookie } = apps[dialect];
        let timer: NodeJS.Timeout | undefined;
        // A hostile request must be answered, not left open (a stream) or computed without end.
        const res = await Promise.race([
          t.app.inject({ ...probe.request, headers: { cookie, ...probe.request.headers } }).catch((err: Error) => err),
          new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ANSWER_WITHIN_MS))),
        ]);
        clearTimeout(timer);
        if (!res) answers.push({ dialect, status: 0, message: `no answer within ${ANSWER_WITHIN_MS} ms` });
        else if (res instanceof Error) answers.push({ dialect, status: 0, message: res.message });
        else
          answers.push({
            dialect,
            status: res.statusCode,
            message: res.statusCode >= 400 ? (res.json().error?.message ?? res.body) : '',
          });
      }
      const said = answers.map((a) => `${a.dialect} ${a.status} ${a.message.slice(0, 140)}`).join(' | ');
      const wrong = (why: string) => failures.push(`${probe.label}: ${why} — ${said}`);
      if (answers.some((a) => a.status === 0)) wrong('no answer');
      else if (answers.some((a) => a.status >= 500)) wrong('5xx');
      else if (new Set(answers.map((a) => `${a.status} ${a.message}`)).size > 1) wrong('databases differ');
      else if (probe.status !== undefined && answers[0].status !== probe.status) wrong(`expected ${probe.status}`);
      else if (probe.field && !answers[0].message.startsWith(`${probe.field}:`))
        wrong(`message must name ${probe.field}`);
    }
    return failures;
  }

  it('has a valid body for every operation that reads JSON', () => {
    const missing = ops.filter((op) => jsonBody(op) && !VALID_BODIES[op.operationId]).map((op) => op.operationId);
    expect(missing).toEqual([]);
    expect(ops.length).toBeGreaterThanOrEqual(35);
  });

  it('refuses Infinity, 1e400, NaN, hex and exponents in every numeric query field', async () => {
    const probes: Probe[] = [];
    for (const op of ops)
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || !isNumeric(p.schema)) continue;
        for (const value of [...NOT_FINITE, ...(isInteger(p.schema) ? NOT_DECIMAL_INTEGER : [])])
          probes.push({
            label: `${op.method} ${op.path} ?${p.name}=${JSON.stringify(value)}`,
            request: requestOf(op, { url: urlOf(op, { [p.name]: value }) }),
            status: 400,
            field: `querystring.${p.name}`,
          });
      }
    expect(probes.length).toBeGreaterThan(100);
    expect(await run(probes)).toEqual([]);
  });

  it('takes path ids from 1 to 2^31 − 1 in decimal digits: 400 outside, 404 for one that names nothing', async () => {
    const probes: Probe[] = [];
    for (const op of ops.filter((o) => o.path.includes('{id}'))) {
      for (const id of BAD_IDS)
        probes.push({
          label: `${op.method} ${op.path} id=${JSON.stringify(id)}`,
          request: requestOf(op, { url: urlOf(op, {}, encodeURIComponent(id)) }),
          status: 400,
          field: 'params.id',
        });
      probes.push({
        label: `${op.method} ${op.path} id=${MAX_ID}`,
        request: requestOf(op, { url: urlOf(op, {}, String(MAX_ID)) }),
        status: 404,
      });
    }
    expect(probes.length).toBeGreaterThan(50);
    expect(await run(probes)).toEqual([]);
  });

  it('takes ids in query strings, bodies and headers within the same range', async () => {
    const probes: Probe[] = [];
    for (const op of ops)
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || !isInteger(p.schema) || !isIdName(p.name)) continue;
        for (const id of BAD_IDS.filter((v) => v !== '0' || p.schema.minimum > 0))
          probes.push({
            label: `${op.method} ${op.path} ?${p.name}=${id}`,
            request: requestOf(op, { url: urlOf(op, { [p.name]: id }) }),
            status: 400,
            field: `querystring.${p.name}`,
          });
        // A valid id that names nothing: an empty answer (the stream would never end, so not there).
        if (!streams(op))
          probes.push({
            label: `${op.method} ${op.path} ?${p.name}=${MAX_ID}`,
            request: requestOf(op, { url: urlOf(op, { [p.name]: String(MAX_ID) }) }),
          });
      }
    for (const op of ops) {
      const body = validBody(op);
      const schema = jsonBody(op);
      if (!body || !schema) continue;
      for (const [name, field] of Object.entries<Schema>(schema.properties ?? {})) {
        if (!isInteger(field) || !isIdName(name)) continue;
        for (const id of [0, -1, MAX_ID + 1, 2 ** 53])
          probes.push({
            label: `${op.method} ${op.path} body.${name}=${id}`,
            request: requestOf(op, { url: urlOf(op), payload: { ...body, [name]: id } }),
            status: 400,
            field: `body.${name}`,
          });
        probes.push({
          label: `${op.method} ${op.path} body.${name}=${MAX_ID}`,
          request: requestOf(op, { url: urlOf(op), payload: { ...body, [name]: MAX_ID } }),
        });
      }
    }
    const scenario = ops.find((o) => o.operationId === 'evaluateScenario')!;
    for (const [payload, field] of [
      [{ remove: [MAX_ID + 1] }, 'body.remove.0'],
      [{ remove: [0] }, 'body.remove.0'],
      [{ move: [{ id: MAX_ID + 1, ...station }] }, 'body.move.0.id'],
    ] as const)
      probes.push({
        label: `evaluateScenario ${JSON.stringify(payload)}`,
        request: { method: 'POST', url: scenario.path, payload },
        status: 400,
        field,
      });
    for (const id of [String(MAX_ID + 1), '99999999999', '01', '1e3'])
      probes.push({
        label: `Last-Event-ID: ${id}`,
        request: { method: 'GET', url: '/api/activities/stream', headers: { 'last-event-id': id } },
        status: 400,
        field: 'headers.last-event-id',
      });
    expect(await run(probes)).toEqual([]);
  });

  it('refuses a NUL character in every query field, path and body string, naming the field', async () => {
    const nul = 'a\u0000b';
    const probes: Probe[] = [];
    for (const op of ops) {
      for (const p of op.parameters ?? [])
        if (p.in === 'query' && (isFreeString(p.schema) || isNumeric(p.schema)))
          probes.push({
            label: `${op.method} ${op.path} ?${p.name}=a%00b`,
            request: requestOf(op, { url: urlOf(op, { [p.name]: isNumeric(p.schema) ? '1\u0000' : nul }) }),
            status: 400,
            field: `querystring.${p.name}`,
          });
      for (const name of ['id', 'code'].filter((n) => op.path.includes(`{${n}}`)))
        probes.push({
          label: `${op.method} ${op.path} ${name} with %00`,
          request: requestOf(op, { url: urlOf(op, {}, '1%00', `${township}%00`) }),
          status: 400,
          field: `params.${name}`,
        });
      const body = validBody(op);
      const schema = jsonBody(op);
      if (body && schema)
        for (const [name, field] of Object.entries<Schema>(schema.properties ?? {}))
          if (typesOf(field).includes('string'))
            probes.push({
              label: `${op.method} ${op.path} body.${name}=a\\u0000b`,
              request: requestOf(op, { url: urlOf(op), payload: { ...body, [name]: nul } }),
              status: 400,
              field: `body.${name}`,
            });
    }
    probes.push({
      label: 'evaluateScenario add[0].name with NUL',
      request: { method: 'POST', url: '/api/coverage/scenario', payload: { add: [{ ...station, name: nul }] } },
      status: 400,
      field: 'body.add.0.name',
    });
    expect(probes.length).toBeGreaterThan(40);
    const failures = await run(probes);
    expect(failures).toEqual([]);
    // The message says what was wrong, not just where.
    const { t, cookie } = apps[testDialects[0]];
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/stations/1',
      payload: { name: nul },
      headers: { cookie },
    });
    expect(res.json().error).toEqual({ code: 'BAD_REQUEST', message: 'body.name: contains a NUL character' });
  });

  it('keeps stored text within its column: one character more is 400, the full length is stored on both', async () => {
    const probes: Probe[] = [];
    for (const op of ops) {
      const body = validBody(op);
      const schema = jsonBody(op);
      if (!body || !schema) continue;
      for (const [name, field] of Object.entries<Schema>(schema.properties ?? {})) {
        const stored = storedOf(field);
        if (!stored) continue;
        const pattern = stored.pattern ? new RegExp(stored.pattern) : null;
        // Chinese text where the field takes it: PostgreSQL counts characters, not bytes, as the schema does.
        const char = !pattern || pattern.test('字字字') ? '字' : '1';
        probes.push({
          label: `${op.method} ${op.path} body.${name} × ${stored.maxLength + 1}`,
          request: requestOf(op, { url: urlOf(op), payload: { ...body, [name]: char.repeat(stored.maxLength + 1) } }),
          status: 400,
          field: `body.${name}`,
        });
        probes.push({
          label: `${op.method} ${op.path} body.${name} × ${stored.maxLength}`,
          request: requestOf(op, { url: urlOf(op), payload: { ...body, [name]: char.repeat(stored.maxLength) } }),
        });
      }
    }
    expect(probes.length).toBeGreaterThanOrEqual(20);
    // 101 characters, one past the varchar(100) columns, in the fields that hold names.
    const name101 = '名'.repeat(101);
    probes.push(
      {
        label: 'updateStation contactName × 101',
        request: { method: 'PATCH', url: '/api/stations/1', payload: { contactName: name101 } },
        status: 400,
        field: 'body.contactName',
      },
      {
        label: 'updateStation name × 101',
        request: { method: 'PATCH', url: '/api/stations/1', payload: { name: name101 } },
        status: 200,
      },
      {
        label: 'evaluateScenario add[0].name × 101',
        request: { method: 'POST', url: '/api/coverage/scenario', payload: { add: [{ ...station, name: name101 }] } },
        status: 400,
        field: 'body.add.0.name',
      },
    );
    const rename = ops.find((o) => o.operationId === 'renameRegion');
    if (rename)
      probes.push({
        label: 'renameRegion name × 101 (regions.name is varchar(100))',
        request: requestOf(rename, { url: urlOf(rename), payload: { name: name101 } }),
        status: 400,
        field: 'body.name',
      });
    expect(await run(probes)).toEqual([]);
  });

  it('validates JSON bodies as sent: numbers as strings, strings as numbers and overflowing numbers are 400', async () => {
    const probes: Probe[] = [];
    for (const op of ops) {
      const body = validBody(op);
      const schema = jsonBody(op);
      if (!body || !schema) continue;
      for (const [name, field] of Object.entries<Schema>(schema.properties ?? {})) {
        const types = typesOf(field);
        const wrong: unknown[] = isNumeric(field)
          ? ['12', '1.5', true]
          : types.includes('string')
            ? [1.5, 12, true]
            : types.includes('boolean')
              ? ['true', 1]
              : types.includes('array')
                ? ['1', 1]
                : types.includes('object')
                  ? ['{}', 1]
                  : [];
        for (const value of wrong)
          probes.push({
            label: `${op.method} ${op.path} body.${name}=${JSON.stringify(value)}`,
            request: requestOf(op, { url: urlOf(op), payload: { ...body, [name]: value } }),
            status: 400,
            field: `body.${name}`,
          });
        if (isNumeric(field))
          for (const raw of ['1e400', '-1e400'])
            probes.push({
              label: `${op.method} ${op.path} body.${name}=${raw}`,
              request: requestOf(op, {
                url: urlOf(op),
                headers: { 'content-type': 'application/json' },
                payload: JSON.stringify({ ...body, [name]: '@' }).replace('"@"', raw),
              }),
              status: 400,
              field: `body.${name}`,
            });
      }
    }
    expect(probes.length).toBeGreaterThan(80);
    expect(await run(probes)).toEqual([]);
  });
});
