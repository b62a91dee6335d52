import type { Kysely } from 'kysely';
import { idColumn } from '../dialect.js';

// Frozen once shipped: change the schema with a new numbered migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('code', 'varchar(12)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('parent_code', 'varchar(12)', (c) => c.references('regions.code'))
    .addColumn('geometry', 'text')
    .addColumn('label_lon', 'double precision', (c) => c.notNull())
    .addColumn('label_lat', 'double precision', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('regions_level').on('regions').column('level').execute();

  await idColumn(db, db.schema.createTable('stations'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('region_code', 'varchar(12)', (c) => c.notNull().references('regions.code'))
    .addColumn('village_code', 'varchar(12)', (c) => c.references('regions.code'))
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('address', 'varchar(300)', (c) => c.notNull().defaultTo(''))
    .addColumn('hours', 'varchar(300)', (c) => c.notNull().defaultTo(''))
    .addColumn('services', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_phone', 'varchar(50)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stations_region').on('stations').column('region_code').execute();
  await db.schema.createIndex('stations_lon_lat').on('stations').columns(['lon', 'lat']).execute();

  await idColumn(db, db.schema.createTable('teams'))
    .addColumn('station_id', 'integer', (c) => c.notNull().references('stations.id').onDelete('cascade'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('category', 'varchar(20)', (c) => c.notNull())
    .addColumn('members', 'integer', (c) => c.notNull())
    .addColumn('leader_name', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('leader_phone', 'varchar(50)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('teams_station').on('teams').column('station_id').execute();

  await idColumn(db, db.schema.createTable('population_points'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('region_code', 'varchar(12)', (c) => c.notNull())
    .addColumn('township_code', 'varchar(12)', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable('users'))
    .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(300)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('station_id', 'integer', (c) => c.references('stations.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable('activities'))
    .addColumn('station_id', 'integer', (c) => c.notNull().references('stations.id'))
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('category', 'varchar(20)', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('ends_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('expected_participants', 'integer')
    .addColumn('participants', 'integer')
    .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requester', 'varchar(100)')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(30)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(30)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_starts').on('activities').column('starts_at').execute();
  await db.schema.createIndex('activities_station').on('activities').column('station_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'varchar(30)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['meta', 'sessions', 'activities', 'users', 'population_points', 'teams', 'stations', 'regions']) {
    await db.schema.dropTable(t).execute();
  }
}
