/**
 * Writing many imported rows all or nothing without holding the database or the event loop for long. The
 * rows go first into a temporary table, in multi-row inserts with a turn of the event loop between them,
 * outside any transaction; then one transaction moves them into place with set-based statements over
 * slices of the staged rows, again with a turn of the event loop between slices. On SQLite (one connection,
 * shared by every request) other requests' queries run between the staging inserts and wait only for that
 * transaction, which writes about 200,000 rows a second; on PostgreSQL the staging holds one pooled
 * connection, since a temporary table belongs to its session, and the transaction blocks no reader. A
 * failure before the commit leaves the real tables untouched, and the temporary table is dropped (or dies
 * with its connection).
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { yieldToEventLoop } from './tables.js';

/**
 * Bound parameters per staging insert. SQLite allows 32,766 and PostgreSQL 65,535, but SQLite prepares
 * each statement anew and a long one costs more to prepare than to run: 4,000 keeps each under ~10 ms.
 */
const MAX_PARAMETERS = 4_000;

export interface Staging<T extends keyof Database> {
  /** The real table whose column types the staging table copies. */
  like: T;
  /** Its columns the rows fill, in order; the staging table adds `seq`, the row's position in the file. */
  columns: readonly (keyof Database[T] & string)[];
  rows: readonly unknown[][];
}

/** Staged rows per statement when they are moved into place: about 10 ms of SQLite's time. */
const APPLY_SLICE = 2_000;

/**
 * Runs `step(lo, hi)` for consecutive slices of the staged rows' `seq` (lo ≤ seq < hi), with a turn of the
 * event loop between slices; a step's statements select their rows by `seq >= lo and seq < hi`.
 */
export type Slices = (step: (lo: number, hi: number) => Promise<void>) => Promise<void>;

/**
 * Stages `rows`, then runs `apply(trx, table, slices)` in one transaction, `table` being the staging table's
 * name (columns as given, plus `seq`, indexed). The staging table is gone when this returns or throws.
 */
export async function withStagedRows<T extends keyof Database, R>(
  db: Kysely<Database>,
  staging: Staging<T>,
  apply: (trx: Transaction<Database>, table: string, slices: Slices) => Promise<R>,
): Promise<R> {
  const table = `import_${String(staging.like)}_${randomBytes(6).toString('hex')}`;
  const columns = [...staging.columns, 'seq'];
  const perStatement = Math.max(1, Math.min(2_000, Math.floor(MAX_PARAMETERS / columns.length)));
  const slices: Slices = async (step) => {
    for (let lo = 0; lo < staging.rows.length; lo += APPLY_SLICE) {
      await step(lo, lo + APPLY_SLICE);
      await yieldToEventLoop();
    }
  };
  const run = async (session: Kysely<Database>) => {
    await sql`create temporary table ${sql.table(table)} as select ${sql.join(
      staging.columns.map((c) => sql.ref(c)),
    )}, 0 as seq from ${sql.table(String(staging.like))} where 1 = 0`.execute(session);
    try {
      for (let i = 0; i < staging.rows.length; i += perStatement) {
        const chunk = staging.rows.slice(i, i + perStatement);
        await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(
          chunk.map((row, k) => sql`(${sql.join([...row, i + k])})`),
        )}`.execute(session);
        await yieldToEventLoop();
      }
      await sql`create index ${sql.id(`${table}_seq`)} on ${sql.table(table)} (seq)`.execute(session);
      return await session.transaction().execute((trx) => apply(trx, table, slices));
    } finally {
      await sql`drop table if exists ${sql.table(table)}`.execute(session);
    }
  };
  return isPostgres(db) ? db.connection().execute(run) : run(db);
}

/** The number of rows a statement changed. */
export const changed = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n);
