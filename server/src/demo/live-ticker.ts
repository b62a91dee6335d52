/**
 * DEMO_LIVE=1: now and then a plausible activity starts at a random station, so the big screen and
 * the live map have something to show in a demonstration. Each is marked `demo` and titled 【演示】,
 * and goes through the same log and bus as a real write.
 */
import { errorContext, type Log } from '../log.js';
import type { Kysely } from 'kysely';
import type { Database, ServiceCategory } from '../db/schema.js';
import type { LiveBus } from '../live/bus.js';
import { insertActivity } from '../live/activities.js';
import { Random } from './random.js';
import { TITLES } from './practice.js';
import { liveStations } from '../db/stations.js';

export const DEMO_TITLE_PREFIX = '【演示】';

export async function publishDemoActivity(
  db: Kysely<Database>,
  bus: LiveBus,
  now: number,
  rng: Random,
): Promise<number | null> {
  const stations = await liveStations(db)
    .select(['id', 'name', 'lon', 'lat', 'services', 'level'])
    .where('level', '!=', 'point')
    .execute();
  if (!stations.length) return null;
  const station = rng.pick(stations);
  const services = JSON.parse(station.services) as ServiceCategory[];
  const category = services.length ? rng.pick(services) : 'culture';
  const place = station.name.replace(/新时代文明实践(中心|所|站|点)$/, '') || '站点';
  const start = Math.floor(now / 60_000) * 60_000; // on the minute, already begun
  const nowIso = new Date(now).toISOString();
  const { eventId } = await insertActivity(
    db,
    {
      station_id: station.id,
      title: DEMO_TITLE_PREFIX + rng.pick(TITLES[category]).replace('{place}', place),
      category,
      lon: station.lon,
      lat: station.lat,
      starts_at: new Date(start).toISOString(),
      ends_at: new Date(start + rng.pick([1, 1.5, 2]) * 3_600_000).toISOString(),
      expected_participants: rng.int(10, 60),
      participants: null,
      cancelled: 0,
      requester: null,
      created_by: null,
      created_at: nowIso,
      updated_at: nowIso,
      demo: 1,
    },
    nowIso,
  );
  await bus.publish(eventId);
  return eventId;
}

export function startDemoTicker(
  db: Kysely<Database>,
  bus: LiveBus,
  now: () => number,
  everyMs: number,
  log: Log,
): () => Promise<void> {
  const rng = new Random(now() % 2 ** 31);
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (!running)
      running = publishDemoActivity(db, bus, now(), rng)
        .catch((err) => log.error(errorContext(err), 'demo ticker: publishing a demo activity failed'))
        .finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
