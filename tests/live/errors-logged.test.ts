/**
 * Background work reports its failures: the clock and the live stream log errors with context
 * instead of swallowing them (a broken database once made the ticker silently stop announcing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startActivityClock } from '../../server/src/live/clock.js';
import { ActivityStream } from '../../server/src/live/stream.js';
import { MemoryBus } from '../../server/src/live/bus.js';
import type { Log } from '../../server/src/log.js';
import { loadConfig } from '../../server/src/config.js';

function collectingLog() {
  const lines: { level: string; context: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string) =>
    (context: object, message: string): void => {
      lines.push({ level, context: context as Record<string, unknown>, message });
    };
  const log: Log = { error: at('error'), warn: at('warn'), info: at('info') };
  return { log, lines };
}

const until = async (ok: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

describe('errors in background work are logged', () => {
  let database: TestDatabase | null = null;
  afterEach(async () => {
    await database?.drop().catch(() => undefined);
    database = null;
  });

  it('the activity clock logs a failed tick with its window', async () => {
    database = await createTestDatabase('sqlite');
    const { log, lines } = collectingLog();
    await database.db.destroy();
    const stop = startActivityClock(database.db, new MemoryBus(), Date.now, 50, log);
    await until(() => lines.length > 0);
    await stop();
    expect(lines[0].level).toBe('error');
    expect(lines[0].message).toMatch(/activity clock/);
    expect(lines[0].context.since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((lines[0].context.err as { message: string }).message).toBeTruthy();
  });

  it('the live stream logs a failed read of the event log and retries', async () => {
    database = await createTestDatabase('sqlite');
    const { log, lines } = collectingLog();
    const bus = new MemoryBus();
    const stream = new ActivityStream(database.db, bus, { now: Date.now, heartbeatMs: 60_000, log });
    await stream.start();
    await database.db.destroy();
    await bus.publish(1);
    await until(() => lines.length >= 2);
    await stream.close();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.level === 'error' && /event log/.test(l.message))).toBe(true);
  });
});

describe('LOG_LEVEL', () => {
  it('defaults to info and rejects unknown levels by name', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: "loud"/);
  });
});
