/**
 * The clock that turns the passing of time into log entries: an activity starting or finishing is
 * an event like any write. Every instance ticks; the log's dedupe key keeps each entry single.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LiveBus } from './bus.js';
import { logTransitions } from './activities.js';
import { errorContext, type Log } from '../log.js';

/** At start, look back this far, so transitions during a short restart are still announced. */
const LOOKBACK_MS = 60_000;

export function startActivityClock(
  db: Kysely<Database>,
  bus: LiveBus,
  now: () => number,
  tickMs: number,
  log: Log,
): () => Promise<void> {
  let since = now() - LOOKBACK_MS;
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    const until = now();
    running = logTransitions(db, new Date(since).toISOString(), new Date(until).toISOString())
      .then(async (ids) => {
        since = until;
        if (ids.length) await bus.publish(ids[ids.length - 1]);
      })
      // `since` stays put, so the next tick covers this window again.
      .catch((err) =>
        log.error(errorContext(err, { since: new Date(since).toISOString() }), 'activity clock: tick failed'),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
