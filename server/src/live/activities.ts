/**
 * Activities and their event log: status derived from time, the GeoJSON shape served by the list
 * and the stream, and the writes, each in one transaction with the event it causes.
 */
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type {
  ActivityEventKind,
  ActivityTable,
  Database,
  NewActivity,
  ServiceCategory,
  StationLevel,
} from '../db/schema.js';

/** The longest an activity may run: a month-long exhibition, not a typo in the year. */
export const MAX_ACTIVITY_MS = 31 * 86_400_000;

export const ACTIVITY_STATUSES = ['upcoming', 'live', 'finished', 'cancelled'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export function activityStatus(
  a: { starts_at: string; ends_at: string; cancelled: number },
  nowIso: string,
): ActivityStatus {
  if (a.cancelled) return 'cancelled';
  if (nowIso < a.starts_at) return 'upcoming';
  return nowIso < a.ends_at ? 'live' : 'finished';
}

/** An activity as `activityQuery` reads it: its own columns and what the feature shows of its station. */
export type ActivityRow = Omit<Selectable<ActivityTable>, 'created_by' | 'created_at' | 'updated_at'> & {
  station_name: string;
  station_level: StationLevel;
  station_lon: number;
  station_lat: number;
  region_code: string;
  region_name: string | null;
};

export interface ActivityProperties {
  id: number;
  title: string;
  category: ServiceCategory;
  stationId: number;
  stationName: string;
  stationLevel: StationLevel;
  regionCode: string;
  regionName: string;
  startsAt: string;
  endsAt: string;
  expectedParticipants: number | null;
  participants: number | null;
  status: ActivityStatus;
  /** Held at the station itself rather than somewhere else. */
  atStation: boolean;
  demo: boolean;
  /** Personal data (who asked for it, 点单人): logged-in roles only. */
  requester?: string | null;
}

export interface ActivityFeature {
  type: 'Feature';
  id: number;
  properties: ActivityProperties;
  geometry: { type: 'Point'; coordinates: [number, number] };
}

export interface ActivityEventMessage extends ActivityFeature {
  /** Why it was sent: the log entry (its id is the SSE id). */
  event: { id: number; kind: ActivityEventKind; at: string };
}

export function activityFeature(row: ActivityRow, nowIso: string, personal: boolean): ActivityFeature {
  const properties: ActivityProperties = {
    id: row.id,
    title: row.title,
    category: row.category,
    stationId: row.station_id,
    stationName: row.station_name,
    stationLevel: row.station_level,
    regionCode: row.region_code,
    regionName: row.region_name ?? '',
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    expectedParticipants: row.expected_participants,
    participants: row.participants,
    status: activityStatus(row, nowIso),
    atStation: row.lon === row.station_lon && row.lat === row.station_lat,
    demo: row.demo === 1,
  };
  if (personal) properties.requester = row.requester;
  return { type: 'Feature', id: row.id, properties, geometry: { type: 'Point', coordinates: [row.lon, row.lat] } };
}

type Db = Kysely<Database> | Transaction<Database>;

/** Activities joined with what the feature shows of their station and township. */
export function activityQuery(db: Db) {
  return db
    .selectFrom('activities')
    .innerJoin('stations', 'stations.id', 'activities.station_id')
    .leftJoin('regions', 'regions.code', 'stations.region_code')
    .select([
      'activities.id',
      'activities.station_id',
      'activities.title',
      'activities.category',
      'activities.lon',
      'activities.lat',
      'activities.starts_at',
      'activities.ends_at',
      'activities.expected_participants',
      'activities.participants',
      'activities.cancelled',
      'activities.requester',
      'activities.demo',
      'stations.name as station_name',
      'stations.level as station_level',
      'stations.lon as station_lon',
      'stations.lat as station_lat',
      'stations.region_code',
      'regions.name as region_name',
    ]);
}

export async function loadActivity(db: Db, id: number): Promise<ActivityRow | undefined> {
  return (await activityQuery(db).where('activities.id', '=', id).executeTakeFirst()) as ActivityRow | undefined;
}

async function logEvent(
  db: Db,
  activityId: number,
  kind: ActivityEventKind,
  at: string,
  dedupeKey: string | null = null,
): Promise<number | null> {
  const row = await db
    .insertInto('activity_events')
    .values({ activity_id: activityId, kind, at, dedupe_key: dedupeKey })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** Inserts an activity and its `create` event together; returns both ids. */
export async function insertActivity(
  db: Kysely<Database>,
  values: NewActivity,
  nowIso: string,
): Promise<{ id: number; eventId: number }> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto('activities').values(values).returning('id').executeTakeFirstOrThrow();
    const eventId = await logEvent(trx, Number(id), 'create', nowIso);
    return { id: Number(id), eventId: eventId! };
  });
}

export type ActivityChanges = Omit<Updateable<ActivityTable>, 'id'>;

export async function updateActivity(
  db: Kysely<Database>,
  id: number,
  changes: ActivityChanges,
  nowIso: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('activities')
      .set({ ...changes, updated_at: nowIso })
      .where('id', '=', id)
      .execute();
    return (await logEvent(trx, id, 'update', nowIso))!;
  });
}

/**
 * The clock: logs `start` and `finish` for activities whose start or end fell in (since, until].
 * The dedupe key makes each of them happen once however many instances tick. Returns the new ids.
 */
export async function logTransitions(db: Kysely<Database>, sinceIso: string, untilIso: string): Promise<number[]> {
  const ids: number[] = [];
  for (const [kind, column] of [
    ['start', 'starts_at'],
    ['finish', 'ends_at'],
  ] as const) {
    const due = await db
      .selectFrom('activities')
      .select(['id', column])
      .where(column, '>', sinceIso)
      .where(column, '<=', untilIso)
      .where('cancelled', '=', 0)
      .orderBy(column)
      .limit(1000)
      .execute();
    for (const a of due) {
      const eventId = await logEvent(
        db,
        a.id,
        kind,
        kind === 'start' ? (a as { starts_at: string }).starts_at : (a as { ends_at: string }).ends_at,
        `${kind}:${a.id}`,
      );
      if (eventId !== null) ids.push(eventId);
    }
  }
  return ids.sort((a, b) => a - b);
}

export async function latestEventId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('activity_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

export interface LogEntry {
  event: { id: number; kind: ActivityEventKind; at: string };
  row: ActivityRow;
}

export interface LogPage {
  /** The entries, oldest first, each with its activity as it is now. */
  entries: LogEntry[];
  /**
   * The highest event id this page read, or `afterId` when it read none. An event whose activity is
   * gone has no entry but is read all the same, so the next page starts after it.
   */
  lastId: number;
  /** The page was full: more entries may follow. */
  full: boolean;
}

/** One page of the log after `afterId`: at most `limit` events. */
export async function logPage(db: Kysely<Database>, afterId: number, limit: number): Promise<LogPage> {
  const events = await db
    .selectFrom('activity_events')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (!events.length) return { entries: [], lastId: afterId, full: false };
  const ids = [...new Set(events.map((e) => e.activity_id))];
  const rows = (await activityQuery(db).where('activities.id', 'in', ids).execute()) as ActivityRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const entries = events.flatMap((e) => {
    const row = byId.get(e.activity_id);
    return row ? [{ event: { id: Number(e.id), kind: e.kind, at: e.at }, row }] : [];
  });
  return { entries, lastId: Number(events[events.length - 1].id), full: events.length === limit };
}
