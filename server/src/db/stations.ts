/** Station queries that several routes share. */
import type { Kysely } from 'kysely';
import type { Database, Station } from './schema.js';

export type StationRow = Station & { region_name: string | null; village_name: string | null };

/** Station rows with their township's and village's names, as the station feature wants them. */
export const stationRowsQuery = (db: Kysely<Database>) =>
  db
    .selectFrom('stations')
    .leftJoin('regions as township', 'township.code', 'stations.region_code')
    .leftJoin('regions as village', 'village.code', 'stations.village_code')
    .selectAll('stations')
    .select(['township.name as region_name', 'village.name as village_name']);

/**
 * A cheap fingerprint of the station table (count, newest update, sum of ids), checked per request by
 * the caches built from it, so every instance sees every other instance's writes.
 */
export async function stationsFingerprint(db: Kysely<Database>): Promise<string> {
  const fp = await db
    .selectFrom('stations')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('n'),
      eb.fn.max('updated_at').as('u'),
      eb.fn.sum<string | number>('id').as('s'),
    ])
    .executeTakeFirstOrThrow();
  return `${fp.n}:${fp.u}:${fp.s}`;
}
