/** Writing a whole generated data set, in one transaction: either all of it lands or none. */
import { refreshPlannerStatistics } from './dialect.js';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DemoDataset } from '../demo/generate.js';

export async function isDatabaseEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('regions')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

/** Chunked inserts: PostgreSQL allows 65,535 bound parameters per statement, SQLite 32,766. */
async function insertChunked<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: any[],
  columns: number,
): Promise<void> {
  const size = Math.max(1, Math.floor(30000 / columns));
  for (let i = 0; i < rows.length; i += size)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
}

export async function writeDemoDataset(db: Kysely<Database>, data: DemoDataset): Promise<{ stationIds: number[] }> {
  const written = await db.transaction().execute(async (trx) => {
    for (const t of [
      'sessions',
      'audit_log',
      'scenarios',
      'activity_events',
      'activities',
      'users',
      'teams',
      'stations',
      'population_points',
      'meta',
    ] as const)
      await trx.deleteFrom(t).execute();
    // Regions reference their parents: children first when deleting, parents first when inserting.
    for (const level of ['village', 'township', 'district'] as const)
      await trx.deleteFrom('regions').where('level', '=', level).execute();
    for (const level of ['district', 'township', 'village'] as const) {
      await insertChunked(
        trx,
        'regions',
        data.regions.filter((r) => r.level === level),
        9,
      );
    }
    await insertChunked(trx, 'population_points', data.populationPoints, 7);
    const stationIds: number[] = [];
    for (const s of data.stations) {
      const row = await trx.insertInto('stations').values(s).returning('id').executeTakeFirstOrThrow();
      stationIds.push(row.id);
    }
    await insertChunked(
      trx,
      'teams',
      data.teams.map(({ station, ...t }) => ({ ...t, station_id: stationIds[station] })),
      6,
    );
    await insertChunked(
      trx,
      'activities',
      data.activities.map(({ station, ...a }) => ({ ...a, station_id: stationIds[station] })),
      13,
    );
    await trx
      .insertInto('meta')
      .values([{ key: 'demo_seed', value: String(data.seed) }])
      .execute();
    return { stationIds };
  });
  await refreshPlannerStatistics(db);
  return written;
}
