/**
 * The input vocabulary, read from the API document so a new route cannot forget it: every number in a
 * parameter or JSON body has a minimum and a maximum, every integer fits PostgreSQL's `integer`, every
 * string has a maxLength, free text in a create or update body names its column, and each named
 * column's length is what both databases declare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { COLUMN_LENGTHS, type StoredColumn } from '../../server/src/db/schema.js';
import { MAX_ID } from '../../server/src/routes/schemas.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters?: { in: string; name: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** Every schema node under `schema`, with where it is. */
function* nodesOf(schema: Schema | undefined, where: string): Generator<[Schema, string]> {
  if (!schema || typeof schema !== 'object') return;
  yield [schema, where];
  for (const [name, s] of Object.entries<Schema>(schema.properties ?? {})) yield* nodesOf(s, `${where}.${name}`);
  if (schema.items) yield* nodesOf(schema.items, `${where}[]`);
  if (typeof schema.additionalProperties === 'object') yield* nodesOf(schema.additionalProperties, `${where}.*`);
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const [i, s] of (schema[key] ?? []).entries()) yield* nodesOf(s, `${where}|${key}${i}`);
}

/** Operations whose JSON body is read and answered, never written to the database. */
const STORES_NOTHING = ['login', 'evaluateScenario', 'suggestSitesFromCandidates'];

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

describe.each(testDialects)('input vocabulary on %s', (dialect) => {
  let t: TestApp;
  let ops: Operation[];
  /** [schema node, where, operation] of every parameter and JSON request body in the document. */
  let inputs: [Schema, string, Operation][];

  beforeAll(async () => {
    t = await startTestApp(dialect, { demo: false });
    const doc = (await t.app.inject('/api/openapi.json')).json();
    ops = Object.entries<Record<string, Omit<Operation, 'method' | 'path'>>>(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
    );
    inputs = ops.flatMap((op) => {
      const at = `${op.method} ${op.path}`;
      const parameters = (op.parameters ?? []).flatMap((p) => [...nodesOf(p.schema, `${at} ${p.in}.${p.name}`)]);
      const body = [...nodesOf(op.requestBody?.content['application/json']?.schema, `${at} body`)];
      return [...parameters, ...body].map(([s, where]) => [s, where, op] as [Schema, string, Operation]);
    });
  });
  afterAll(async () => t?.close());

  it('bounds every number on both sides, and every integer within PostgreSQL integer', () => {
    const numbers = inputs.filter(([s]) => typesOf(s).some((type) => type === 'number' || type === 'integer'));
    expect(numbers.length).toBeGreaterThan(30);
    const unbounded = numbers
      .filter(([s]) => {
        const min = s.minimum ?? s.exclusiveMinimum;
        const max = s.maximum ?? s.exclusiveMaximum;
        return !Number.isFinite(min) || !Number.isFinite(max) || min > max;
      })
      .map(([, where]) => where);
    expect(unbounded).toEqual([]);
    const tooWide = numbers
      .filter(([s]) => typesOf(s).includes('integer'))
      .filter(([s]) => (s.minimum ?? s.exclusiveMinimum) < -MAX_ID - 1 || (s.maximum ?? s.exclusiveMaximum) > MAX_ID)
      .map(([, where]) => where);
    expect(tooWide).toEqual([]);
    expect(MAX_ID).toBe(2 ** 31 - 1);
  });

  it('gives every string a maxLength, and stored text the length of its column', () => {
    const strings = inputs.filter(([s]) => typesOf(s).includes('string') && !s.enum && s.const === undefined);
    expect(strings.length).toBeGreaterThan(20);
    expect(strings.filter(([s]) => !Number.isInteger(s.maxLength)).map(([, where]) => where)).toEqual([]);
    const stored = strings.filter(([s]) => s['x-column']);
    expect(stored.length).toBeGreaterThanOrEqual(8);
    for (const [s, where] of stored) expect(s.maxLength, where).toBe(COLUMN_LENGTHS[s['x-column'] as StoredColumn]);
  });

  it('names the column of every free-text body field (use Stored in routes/schemas.ts) unless the route stores nothing', () => {
    const writes = inputs.filter(
      ([, where, op]) => !STORES_NOTHING.includes(op.operationId) && where.includes(' body'),
    );
    expect(writes.length).toBeGreaterThan(20);
    const unnamed = writes
      .filter(([s]) => typesOf(s).includes('string') && !s.enum && !s.pattern && !s.format && !s['x-column'])
      .map(([, where]) => where);
    expect(unnamed).toEqual([]);
  });

  it('declares each column at the length the schemas allow (text columns carry a product limit)', async () => {
    const declared = new Map<string, string>();
    if (dialect === 'postgres') {
      const { rows } = await sql<{ name: string; type: string; length: number | null }>`
        select table_name || '.' || column_name as name, data_type as type, character_maximum_length as length
        from information_schema.columns where table_schema = current_schema()`.execute(t.database.db);
      for (const r of rows)
        declared.set(r.name, r.type === 'character varying' ? `varchar(${r.length})` : String(r.type));
    } else {
      const tables = [...new Set(Object.keys(COLUMN_LENGTHS).map((c) => c.split('.')[0]))];
      for (const table of tables) {
        const { rows } = await sql<{ name: string; type: string }>`
          select name, type from pragma_table_info(${table})`.execute(t.database.db);
        for (const r of rows) declared.set(`${table}.${r.name}`, r.type.toLowerCase());
      }
    }
    for (const [column, length] of Object.entries(COLUMN_LENGTHS)) {
      const type = declared.get(column);
      expect(type, column).toMatch(/^(varchar\(\d+\)|text)$/);
      if (type !== 'text') expect(type, column).toBe(`varchar(${length})`);
    }
  });
});
