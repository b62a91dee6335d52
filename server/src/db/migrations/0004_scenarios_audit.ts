import type { Kysely } from 'kysely';
import { idColumn } from '../dialect.js';

// Frozen once shipped: change the schema with a new numbered migration.
export async function up(db: Kysely<any>): Promise<void> {
  // Planners' scenarios (方案): drafts of their own, never rows of `stations`. `changes` is the JSON
  // body of a what-if ({add, move, remove}); `version` grows with every save, so an adoption names the
  // exact draft it confirmed and a save in between makes it 409.
  await idColumn(db, db.schema.createTable('scenarios'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('adopted_at', 'varchar(30)')
    .addColumn('adopted_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('scenarios_owner').on('scenarios').column('owner_id').execute();

  // A station closed by an adopted scenario (switched off there) stays on record with its activities,
  // teams and history, but is no longer live: not listed, not counted, not served to anyone as open.
  await db.schema.alterTable('stations').addColumn('closed_at', 'varchar(30)').execute();

  // Who changed what and when: one row per state change (scenario adopted, import written, …),
  // written in the same transaction as the change. `detail` is JSON.
  await idColumn(db, db.schema.createTable('audit_log'))
    .addColumn('at', 'varchar(30)', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('username', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(60)', (c) => c.notNull())
    .addColumn('subject', 'varchar(200)', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.alterTable('stations').dropColumn('closed_at').execute();
  await db.schema.dropTable('scenarios').execute();
}
