import type { Kysely } from 'kysely';
import { idColumn } from '../dialect.js';

// Frozen once shipped: change the schema with a new numbered migration.
export async function up(db: Kysely<any>): Promise<void> {
  // The log behind the live stream: its ids are the SSE event ids, so a client that reconnects with
  // Last-Event-ID is sent exactly what it missed. `dedupe_key` makes the clock's start/finish events
  // unique, so several instances ticking at once write each of them once.
  await idColumn(db, db.schema.createTable('activity_events'))
    .addColumn('activity_id', 'integer', (c) => c.notNull().references('activities.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('dedupe_key', 'varchar(40)', (c) => c.unique())
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .execute();
  // Activities published by the demo ticker are marked, so nobody mistakes them for real work.
  await db.schema
    .alterTable('activities')
    .addColumn('demo', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('activities_ends').on('activities').column('ends_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('activities_ends').execute();
  await db.schema.alterTable('activities').dropColumn('demo').execute();
  await db.schema.dropTable('activity_events').execute();
}
