/**
 * Requests from the OpenAPI document: one fast-check arbitrary per operation, from its parameters'
 * and body's schemas, in three moods — valid (everything inside the schema, names of real things),
 * mixed (some values hostile) and hostile (everything outside, and the body itself broken).
 */
import fc from 'fast-check';
import { uploadFiles, withDelivery, type FileWorld, type ImportKind, type UploadFile } from './hostile-files.js';
import {
  Pick,
  Raw,
  alignNear,
  alignPoint,
  RawQuery,
  hostile,
  nestedJson,
  plausible,
  resolvePicks,
  toJson,
  toQueryText,
  wrongTypes,
  type JsonSchema,
  type Pools,
  type World,
} from './values.js';

export const ROLES = ['anonymous', 'forged', 'organizer', 'planner', 'admin'] as const;
export type RoleName = (typeof ROLES)[number];
/** Roles that must never see personal data: no session, and a made-up session cookie. */
export const PUBLIC_ROLES: RoleName[] = ['anonymous', 'forged'];

export interface Operation {
  id: string;
  method: string;
  /** The path as the document writes it: /api/stations/{id}. */
  path: string;
  params: { name: string; in: 'query' | 'path' | 'header' | 'cookie'; required: boolean; schema: JsonSchema }[];
  /** The JSON body's schema, if the operation takes one. */
  body: JsonSchema | null;
  /** The body is a file (the importers). */
  file: ImportKind | null;
  /** The answer is an endless Server-Sent Events stream: sent over HTTP and read briefly. */
  stream: boolean;
  /** Roles the document says may call it (x-roles); null when anyone may. */
  roles: string[] | null;
}

export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths ?? {}))
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      const fileKind = /^\/api\/import\/(stations|regions|population)$/.exec(path)?.[1] as ImportKind | undefined;
      ops.push({
        id: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: any) => ({
          name: p.name,
          in: p.in,
          required: !!p.required,
          schema: p.schema ?? {},
        })),
        body: content['application/json']?.schema ?? null,
        // A route that takes some other file than the three importers gets the station sheets.
        file: fileKind ?? (Object.keys(content).some((t) => t !== 'application/json') ? 'stations' : null),
        stream: Object.keys(op.responses?.['200']?.content ?? {}).includes('text/event-stream'),
        roles: op['x-roles'] ?? null,
      });
    }
  return ops;
}

export type Mood = 'valid' | 'mixed' | 'hostile';

export type BodySpec =
  | { kind: 'json'; value: unknown; contentType: string | null }
  | { kind: 'text'; text: string | Buffer; contentType: string | null; label: string }
  | { kind: 'file'; file: UploadFile };

export interface RequestSpec {
  op: Operation;
  role: RoleName;
  mood: Mood;
  path: Record<string, unknown>;
  query: [string, unknown][];
  body: BodySpec | null;
  headers: Record<string, string>;
  /** Which of a few client addresses sends it (rate limits are per address). */
  client: number;
}

/** Whole bodies that are not what any route wants. */
const BROKEN_BODIES: { label: string; text: string; contentType: string | null }[] = [
  { label: 'json null', text: 'null', contentType: 'application/json' },
  { label: 'json array', text: '[]', contentType: 'application/json' },
  { label: 'json string', text: '"x"', contentType: 'application/json' },
  { label: 'json number', text: '1e400', contentType: 'application/json' },
  { label: 'json true', text: 'true', contentType: 'application/json' },
  { label: 'json empty object', text: '{}', contentType: 'application/json' },
  { label: 'empty body', text: '', contentType: 'application/json' },
  { label: 'whitespace body', text: ' \n', contentType: 'application/json' },
  { label: 'truncated json', text: '{"name":', contentType: 'application/json' },
  { label: 'single quotes', text: "{'name':'x'}", contentType: 'application/json' },
  { label: 'trailing comma', text: '{"name":"x",}', contentType: 'application/json' },
  { label: 'bom json', text: '\ufeff{"name":"x"}', contentType: 'application/json' },
  { label: 'nul in json', text: '{"name":"a\u0000b"}', contentType: 'application/json' },
  { label: 'escaped nul', text: '{"name":"a\\u0000b","title":"\\u0000"}', contentType: 'application/json' },
  { label: 'lone surrogate', text: '{"name":"\\ud800","title":"\\udfff"}', contentType: 'application/json' },
  { label: 'duplicate keys', text: '{"name":"a","name":"b","lon":1,"lon":2}', contentType: 'application/json' },
  { label: '__proto__', text: '{"__proto__":{"role":"admin","polluted":true}}', contentType: 'application/json' },
  {
    label: 'constructor.prototype',
    text: '{"constructor":{"prototype":{"polluted":true}}}',
    contentType: 'application/json',
  },
  { label: 'nested arrays 10k', text: nestedJson(10_000, 'array'), contentType: 'application/json' },
  { label: 'nested objects 10k', text: nestedJson(10_000, 'object'), contentType: 'application/json' },
  { label: 'nested arrays 200k', text: nestedJson(200_000, 'array'), contentType: 'application/json' },
  { label: 'json as text/plain', text: '{"name":"x"}', contentType: 'text/plain' },
  { label: 'json without content type', text: '{"name":"x"}', contentType: null },
  { label: 'json latin1 charset', text: '{"name":"x"}', contentType: 'application/json; charset=latin1' },
  { label: 'json utf-16 charset', text: '{"name":"x"}', contentType: 'application/json; charset=utf-16' },
  { label: 'form urlencoded', text: 'name=x&lon=1', contentType: 'application/x-www-form-urlencoded' },
  { label: 'multipart', text: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
  { label: 'garbage content type', text: '{}', contentType: ';;;' },
  { label: 'json over 2 MB', text: `{"name":"${'x'.repeat(2_200_000)}"}`, contentType: 'application/json' },
];

const ACCEPT_ENCODINGS = ['', '', 'gzip', 'br', 'gzip, deflate, br', 'identity', '*', 'br;q=0, gzip;q=0', 'x'];

/** A value for one parameter or property, in the request's mood. */
function valueIn(mood: Mood, schema: JsonSchema, ctx: Parameters<typeof plausible>[1]): fc.Arbitrary<unknown> {
  if (mood === 'valid') return plausible(schema, ctx);
  if (mood === 'mixed')
    return fc.oneof({ weight: 3, arbitrary: plausible(schema, ctx) }, { weight: 1, arbitrary: hostile(schema, ctx) });
  return fc.oneof({ weight: 3, arbitrary: hostile(schema, ctx) }, { weight: 1, arbitrary: plausible(schema, ctx) });
}

/** A JSON body in the request's mood: the object from its schema, with hostile values or keys mixed in. */
function jsonBody(op: Operation, mood: Mood, world: World): fc.Arbitrary<BodySpec> {
  const schema = op.body!;
  const ctx = { world, name: '', path: op.path, where: 'body' as const };
  const props = schema.properties ?? {};
  const keys = Object.keys(props);
  const object =
    mood === 'valid'
      ? plausible(schema, ctx)
      : fc
          .record(
            Object.fromEntries(keys.map((k) => [k, valueIn(mood, props[k], { ...ctx, name: k })])),
            // Required keys mostly present, so the hostile values reach past "missing property".
            { requiredKeys: schema.required ?? [] },
          )
          .chain((o) =>
            fc
              .constantFrom<'keep' | 'extra' | 'proto' | 'drop'>('keep', 'keep', 'keep', 'extra', 'proto', 'drop')
              .map((how) => {
                if (how === 'extra') return { ...o, unexpected: 1, role: 'admin' };
                if (how === 'proto')
                  return Object.fromEntries([...Object.entries(o), ['__proto__', { role: 'admin', polluted: true }]]);
                if (how === 'drop' && keys.length) {
                  const copy = { ...o } as Record<string, unknown>;
                  delete copy[(schema.required ?? keys)[0]];
                  return copy;
                }
                return o;
              }),
          );
  const asJson = object.map((value): BodySpec => ({ kind: 'json', value, contentType: 'application/json' }));
  if (mood === 'valid') return asJson;
  const broken = fc
    .constantFrom(...BROKEN_BODIES)
    .map((b): BodySpec => ({ kind: 'text', text: b.text, contentType: b.contentType, label: b.label }));
  const wrong = wrongTypes().map((value): BodySpec => ({ kind: 'json', value, contentType: 'application/json' }));
  return mood === 'mixed'
    ? fc.oneof({ weight: 6, arbitrary: asJson }, { weight: 1, arbitrary: broken }, { weight: 1, arbitrary: wrong })
    : fc.oneof({ weight: 3, arbitrary: asJson }, { weight: 2, arbitrary: broken }, { weight: 2, arbitrary: wrong });
}

export interface SpecContext {
  world: World;
  files: FileWorld;
}

function operationArbitrary(op: Operation, ctx: SpecContext): fc.Arbitrary<Omit<RequestSpec, 'role' | 'client'>> {
  const { world } = ctx;
  const fileArbs = op.file
    ? withDelivery(fc.oneof(...uploadFiles(op.file, ctx.files).map((arbitrary) => ({ weight: 1, arbitrary }))))
    : null;
  return fc.constantFrom<Mood>('valid', 'valid', 'valid', 'mixed', 'mixed', 'hostile').chain((mood) => {
    const pathParams = op.params.filter((p) => p.in === 'path');
    const queryParams = op.params.filter((p) => p.in === 'query');
    const path = fc.record(
      Object.fromEntries(
        pathParams.map((p) => [p.name, valueIn(mood, p.schema, { world, name: p.name, path: op.path, where: 'path' })]),
      ),
    );
    const query = fc
      .tuple(
        ...queryParams.map((p) =>
          fc.tuple(
            fc.constant(p.name),
            valueIn(mood, p.schema, { world, name: p.name, path: op.path, where: 'query' }),
            // Optional parameters are often left out; required ones only when hostile.
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
        ),
      )
      .map((entries) =>
        entries
          .filter(([name, , r]) => {
            const required = queryParams.find((p) => p.name === name)!.required;
            return required ? mood !== 'hostile' || r > 0.1 : r > (mood === 'valid' ? 0.5 : 0.3);
          })
          .map(([name, v]) => [name, v] as [string, unknown]),
      )
      .map((entries) => {
        if (mood !== 'valid') return entries;
        // A lat near the same station as the lon, as in a plausible body.
        const point = alignPoint(Object.fromEntries(entries.filter(([k]) => k === 'lon' || k === 'lat')));
        return entries.map(([k, v]): [string, unknown] => [k, k === 'lat' ? point.lat : v]);
      });
    const extraQuery =
      mood === 'valid'
        ? fc.constant([] as [string, unknown][])
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant([] as [string, unknown][]) },
            fc.constantFrom<[string, unknown][]>(
              [['__proto__', 'x']],
              [['constructor', 'x']],
              [['unknown', '1']],
              [['__proto__[polluted]', 'yes']],
              [['a'.repeat(5000), '1']],
              [['', 'x']],
              [['%', new RawQuery('%')]],
            ),
          );
    let body: fc.Arbitrary<BodySpec | null> = fc.constant(null);
    if (fileArbs) {
      const broken = fc
        .constantFrom(...BROKEN_BODIES)
        .map((b): BodySpec => ({ kind: 'text', text: b.text, contentType: b.contentType, label: b.label }));
      body =
        mood === 'hostile'
          ? fc.oneof(
              fileArbs.map((file): BodySpec => ({ kind: 'file', file })),
              broken,
            )
          : fileArbs.map((file): BodySpec => ({ kind: 'file', file }));
    } else if (op.body) body = jsonBody(op, mood, world);
    else if (mood === 'hostile' && op.method !== 'GET')
      body = fc.oneof(
        fc.constant(null),
        fc
          .constantFrom(...BROKEN_BODIES.slice(0, 20))
          .map((b): BodySpec => ({ kind: 'text', text: b.text, contentType: b.contentType, label: b.label })),
      );
    const headers = fc
      .tuple(
        fc.constantFrom(...ACCEPT_ENCODINGS),
        mood === 'valid'
          ? fc.constant(null)
          : fc.constantFrom<[string, string] | null>(
              null,
              null,
              null,
              ['if-none-match', '"x"'],
              ['if-none-match', '*'],
              ['last-event-id', '-1'],
              ['last-event-id', '1e400'],
              ['last-event-id', '0'],
              ['x-forwarded-for', '1.2.3.4'],
              ['accept', 'text/event-stream'],
              ['accept', 'application/xml'],
              ['content-length', '0'],
            ),
      )
      .map(([enc, extra]) => {
        const h: Record<string, string> = {};
        if (enc) h['accept-encoding'] = enc;
        if (extra) h[extra[0]] = extra[1];
        return h;
      });
    return fc.record({
      op: fc.constant(op),
      mood: fc.constant(mood),
      path,
      query: fc.tuple(query, extraQuery).map(([a, b]) => [...a, ...b]),
      body,
      headers,
    });
  });
}

const ROLE_WEIGHTS: Record<RoleName, number> = { anonymous: 6, forged: 2, organizer: 4, planner: 5, admin: 3 };

/** Any request to any operation, as any role; heavy and streaming operations a little less often. */
export function requestArbitrary(ops: Operation[], ctx: SpecContext, weightOf: (op: Operation) => number) {
  const anyRole = fc.oneof(...ROLES.map((r) => ({ weight: ROLE_WEIGHTS[r], arbitrary: fc.constant(r) })));
  // Role-checked operations go mostly to a role that may call them, so their bodies are reached.
  const roleFor = (op: Operation) => {
    const allowed = ROLES.filter((r) => op.roles?.includes(r));
    return allowed.length
      ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: anyRole })
      : anyRole;
  };
  const perOp = ops.map((op) => ({
    weight: weightOf(op),
    arbitrary: fc.tuple(operationArbitrary(op, ctx), roleFor(op), fc.nat({ max: 3 })),
  }));
  return fc.oneof(...perOp).map(([spec, role, client]): RequestSpec => ({ ...spec, role, client }));
}

/** One plausible request per operation and role, so that even a short run reaches every pair. */
export function sweep(
  ops: Operation[],
  ctx: SpecContext,
  seed: number,
  roles: readonly RoleName[] = ROLES,
): RequestSpec[] {
  const out: RequestSpec[] = [];
  ops.forEach((op, i) => {
    const [spec] = fc.sample(
      operationArbitrary(op, ctx).filter((s) => s.mood === 'valid'),
      { seed: seed + i, numRuns: 1 },
    );
    roles.forEach((role, k) => out.push({ ...spec, role, client: k % 4 }));
  });
  return out;
}

/** The concrete request: Picks resolved, the URL encoded, the body serialized. */
export function materialize(spec: RequestSpec, pools: Pools) {
  const pathValues = resolvePicks(spec.path, pools) as Record<string, unknown>;
  const url = spec.op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = pathValues[name];
    if (Array.isArray(v)) return v.map(toQueryText).join(',');
    return toQueryText(v);
  });
  const query: string[] = [];
  const lon = spec.query.find(([k]) => k === 'lon')?.[1];
  for (const [key, raw] of spec.query) {
    const v = resolvePicks(key === 'lat' ? alignNear(lon, raw) : raw, pools);
    const k = encodeURIComponent(key).replace('%5B', '[').replace('%5D', ']');
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length === 0) query.push(`${k}[]=`);
      for (const item of v) query.push(`${k}=${toQueryText(item)}`);
    } else if (v && typeof v === 'object' && !(v instanceof Raw) && !(v instanceof RawQuery) && !(v instanceof Pick)) {
      for (const sub of Object.keys(v)) query.push(`${k}[${encodeURIComponent(sub)}]=${toQueryText((v as any)[sub])}`);
    } else query.push(`${k}=${toQueryText(v)}`);
  }
  const headers: Record<string, string> = { ...spec.headers };
  let payload: string | Buffer | undefined;
  let label = '';
  const b = spec.body;
  if (b?.kind === 'json') {
    payload = toJson(resolvePicks(b.value, pools));
    if (b.contentType) headers['content-type'] = b.contentType;
  } else if (b?.kind === 'text') {
    payload = b.text;
    label = b.label;
    if (b.contentType) headers['content-type'] = b.contentType;
  } else if (b?.kind === 'file') {
    payload = b.file.body;
    label = b.file.label;
    if (b.file.contentType) headers['content-type'] = b.file.contentType;
    for (const [k, v] of Object.entries(b.file.query)) query.push(`${k}=${encodeURIComponent(v)}`);
  }
  return {
    method: spec.op.method,
    url: query.length ? `${url}?${query.join('&')}` : url,
    headers,
    payload,
    label,
  };
}
