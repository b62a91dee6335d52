/**
 * The clock that turns the passing of time into log entries: an activity starting or finishing is
 * an event like any write. Every instance ticks; the log's dedupe key keeps each entry single.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LiveBus } from './bus.js';
import { logTransitions } from './activities.js';

/** At start, look back this far, so transitions during a short restart are still announced. */
const LOOKBACK_MS = 60_000;

export function startActivityClock(
  db: Kysely<Database>,
  bus: LiveBus,
  now: () => number,
  tickMs: number,
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
      .catch(() => undefined)
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
