/** Station queries that several routes share. */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Station } from './schema.js';

export type StationRow = Station & { region_name: string | null; village_name: string | null };

/**
 * The live stations: every read of "the stations" starts here. A station closed by an adopted scenario
 * (`closed_at` set) stays on record with its activities and teams, but is not listed, counted, routed to
 * or computed with; only its history (activities joined to it) still names it.
 */
export const liveStations = (db: Kysely<Database> | Transaction<Database>) =>
  db.selectFrom('stations').where('stations.closed_at', 'is', null);

/** Live station rows with their township's and village's names, as the station feature wants them. */
export const stationRowsQuery = (db: Kysely<Database>) =>
  liveStations(db)
    .leftJoin('regions as township', 'township.code', 'stations.region_code')
    .leftJoin('regions as village', 'village.code', 'stations.village_code')
    .selectAll('stations')
    .select(['township.name as region_name', 'village.name as village_name']);

/**
 * A cheap fingerprint of the station table (count, newest update, sum of ids, closed ones), checked per
 * request by the caches built from it, so every instance sees every other instance's writes. Closing a
 * station sets its `updated_at` too; the count of closed ones is there so that a close is seen even
 * within the same millisecond as the newest update.
 */
export async function stationsFingerprint(db: Kysely<Database>): Promise<string> {
  const fp = await db
    .selectFrom('stations')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('n'),
      eb.fn.max('updated_at').as('u'),
      eb.fn.sum<string | number>('id').as('s'),
      eb.fn.count<string | number>('closed_at').as('c'),
    ])
    .executeTakeFirstOrThrow();
  return `${fp.n}:${fp.u}:${fp.s}:${fp.c}`;
}
