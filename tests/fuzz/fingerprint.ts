/**
 * Table fingerprints: per table, the row count and an order-free hash of its rows, computed inside the
 * database (PostgreSQL: md5 of each row's text; SQLite: a JS hash registered on a read-only connection
 * of our own), so a check costs a few milliseconds rather than reading 1.5 MB of activities into JS.
 * A rejected write must leave every fingerprint as it was.
 *
 * A cheaper token is read first, and the hashes only when it moved: SQLite's data_version (which
 * another connection's commit changes); PostgreSQL's WAL position (which any write moves), then
 * each table's count and row versions (xmin), and only the tables that moved are hashed.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { TestDatabase } from '../support/databases.js';

export type Fingerprints = Record<string, string>;

/**
 * Rows that background work writes whatever the requests do: the activity clock logs each start and
 * finish under a dedupe key. Left out, so a tick between two snapshots is not blamed on a request.
 */
const BACKGROUND_ROWS: Record<string, { column: string; where: string }> = {
  activity_events: { column: 'dedupe_key', where: 'dedupe_key is null' },
};

/**
 * Tables that count requests rather than hold data: the rate limiter's counters change on every
 * counted request, a refused login included, by design.
 */
const COUNTER_TABLES = new Set(['rate_limits']);

export interface Fingerprinter {
  take(): Promise<Fingerprints>;
  close(): void;
}

export async function fingerprinter(database: TestDatabase): Promise<Fingerprinter> {
  return database.dialect === 'postgres' ? postgresFingerprinter(database.db) : sqliteFingerprinter(database);
}

/** The tables whose fingerprints changed, each with its before and after. */
export function changedTables(before: Fingerprints, after: Fingerprints): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((t) => before[t] !== after[t]).map((t) => `${t} (${before[t]} -> ${after[t]})`);
}

async function postgresFingerprinter(db: Kysely<any>): Promise<Fingerprinter> {
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(db);
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns where table_schema = 'public'`.execute(db);
  const has = (t: string, c: string) => columns.rows.some((r) => r.table_name === t && r.column_name === c);
  const names = tables.rows.map((r) => r.name).filter((name) => !COUNTER_TABLES.has(name));
  const filter = (name: string) =>
    BACKGROUND_ROWS[name] && has(name, BACKGROUND_ROWS[name].column) ? BACKGROUND_ROWS[name].where : 'true';
  // Which tables may have changed: every committed insert or update gives its row a new xmin, and a
  // delete lowers the count. Only those tables are hashed again.
  const versions = names
    .map(
      (name) => `select '${name}' as name, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text || ':' ||
        coalesce(sum(xmin::text::bigint), 0)::text as v from "${name}" where ${filter(name)}`,
    )
    .join(' union all ');
  // Two 48-bit slices of each row's md5, summed: order-free, and 2^-96-ish to collide by chance.
  const hashOf = (name: string) => `select '${name}' as name, count(*)::text || ':' ||
      coalesce(sum(('x' || substr(md5(t::text), 1, 12))::bit(48)::bigint), 0)::text || ':' ||
      coalesce(sum(('x' || substr(md5(t::text), 13, 12))::bit(48)::bigint), 0)::text as fp
      from "${name}" t where ${filter(name)}`;
  let lsn = '';
  let tableVersions: Record<string, string> = {};
  let fingerprints: Fingerprints = {};
  return {
    async take() {
      const now = (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db)).rows[0].lsn;
      if (now === lsn) return fingerprints;
      lsn = now;
      const v = await sql<{ name: string; v: string }>`${sql.raw(versions)}`.execute(db);
      const moved = v.rows.filter((r) => tableVersions[r.name] !== r.v).map((r) => r.name);
      tableVersions = Object.fromEntries(v.rows.map((r) => [r.name, r.v]));
      if (moved.length === 0) return fingerprints;
      const res = await sql<{ name: string; fp: string }>`${sql.raw(moved.map(hashOf).join(' union all '))}`.execute(
        db,
      );
      fingerprints = { ...fingerprints, ...Object.fromEntries(res.rows.map((r) => [r.name, r.fp])) };
      return fingerprints;
    },
    close() {},
  };
}

/** FNV-1a over the row's JSON text, as two 26-bit halves so their sums stay exact in a double. */
function rowHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 6;
}

function sqliteFingerprinter(database: TestDatabase): Fingerprinter {
  const file = path.join(database.dataDir, 'practice-map.sqlite');
  if (!fs.existsSync(file)) throw new Error(`fingerprints: no SQLite file at ${file}`);
  const conn = new SQLite(file, { readonly: true, fileMustExist: true });
  conn.function('fuzz_row_hash', { deterministic: true }, (text: unknown) => rowHash(String(text)));
  const tables = conn
    .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
    .all() as { name: string }[];
  const statements = tables
    .filter(({ name }) => !COUNTER_TABLES.has(name))
    .map(({ name }) => {
      const cols = (conn.prepare(`pragma table_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
      const bg = BACKGROUND_ROWS[name];
      const filter = bg && cols.includes(bg.column) ? bg.where : '1';
      const row = `json_array(${cols.map((c) => `"${c}"`).join(', ')})`;
      return {
        name,
        stmt: conn.prepare(
          `select count(*) as n, total(fuzz_row_hash(${row})) as h, total(fuzz_row_hash(${row} || 'salt')) as g
         from "${name}" where ${filter}`,
        ),
      };
    });
  const version = conn.prepare('pragma data_version').pluck();
  let last: { token: number; fingerprints: Fingerprints } | null = null;
  return {
    async take() {
      const token = version.get() as number;
      if (last?.token === token) return last.fingerprints;
      const out: Fingerprints = {};
      for (const { name, stmt } of statements) {
        const r = stmt.get() as { n: number; h: number; g: number };
        out[name] = `${r.n}:${r.h}:${r.g}`;
      }
      last = { token, fingerprints: out };
      return out;
    },
    close() {
      conn.close();
    },
  };
}
