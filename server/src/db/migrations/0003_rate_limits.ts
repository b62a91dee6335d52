import type { Kysely } from 'kysely';

// Frozen once shipped: change the schema with a new numbered migration.
export async function up(db: Kysely<any>): Promise<void> {
  // Request counters kept in the database, so every instance on one PostgreSQL database, and a
  // restarted one, counts the same: login attempts (plugins/rate-limits.ts, routes/auth.ts) and, on
  // PostgreSQL, the heavy routes. One row per key: its current window and the count in it.
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('window_start', 'varchar(30)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_expires').on('rate_limits').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
