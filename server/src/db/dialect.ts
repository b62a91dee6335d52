import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type CreateTableBuilder,
  type RawBuilder,
} from 'kysely';
import type { Database } from './schema.js';

/** Every difference between SQLite and PostgreSQL lives in this file. */
export type DialectName = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
}

export function openDatabase(options: { databaseUrl: string | null; dataDir: string }): OpenDatabase {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = new SQLite(sqliteFile(options.dataDir));
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) }), dialect: 'sqlite' };
}

const sqliteFile = (dataDir: string) => path.join(dataDir, 'practice-map.sqlite');

/**
 * A read-only connection to the SQLite file beside the app's own. The app has one connection, held for the
 * whole of a write transaction (a 20,000-row import holds it ~100 ms); in WAL mode a second connection reads
 * meanwhile, so what only reads, like the health check, need not wait for the writer.
 */
export function openSqliteReader(dataDir: string): Kysely<Database> {
  const file = new SQLite(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
}

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-numbered integer primary key `id`, written the way each dialect wants it. */
export function idColumn<T extends string>(
  db: Kysely<any>,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, 'id'> {
  return isPostgres(db)
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/**
 * Case-insensitive "contains" on a column, with LIKE wildcards in the search text escaped (SQLite's
 * LIKE folds ASCII case only; Chinese has no case, so that is enough).
 */
export function containsText(db: Kysely<any>, column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  const op = isPostgres(db) ? 'ilike' : 'like';
  return sql<boolean>`${sql.ref(column)} ${sql.raw(op)} ${pattern} escape ${sql.lit('\\')}`;
}

/** Days since 1970-01-01 of an ISO 8601 text column, as a double, for bucketing in SQL. */
export function daysSinceEpoch(db: Kysely<any>, column: string): RawBuilder<number> {
  return isPostgres(db)
    ? sql<number>`(extract(epoch from cast(${sql.ref(column)} as timestamptz)) / 86400.0)`
    : sql<number>`(julianday(${sql.ref(column)}) - 2440587.5)`;
}

/**
 * Refreshes the query planner's statistics. SQLite keeps none until asked: without them a wide time
 * range is read through its index row by row (10x slower than a scan at 100,000 activities).
 * PostgreSQL's autovacuum does this by itself; asking once after a bulk load does no harm.
 */
export async function refreshPlannerStatistics(db: Kysely<any>): Promise<void> {
  await sql`ANALYZE`.execute(db);
}
