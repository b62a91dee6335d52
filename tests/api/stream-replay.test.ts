/**
 * The live stream keeps the README's promise: a client reconnecting with Last-Event-ID is sent exactly
 * what it missed, however much (read from the log page by page, not capped), in order and once each,
 * then the live flow; an id the log has never reached is refused before the stream starts; HEAD
 * answers with the stream's headers and no body.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestEventId } from '../../server/src/live/activities.js';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';
import { connectSse } from '../support/sse.js';

/** Fails fast instead of waiting for the test timeout when an answer never comes. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe.each(testDialects)('the activity stream on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let activityId: number;

  beforeAll(async () => {
    t = await startTestApp(dialect, { now: () => TEST_NOW, live: { heartbeatMs: 5000, tickMs: 600_000 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    activityId = (await t.database.db.selectFrom('activities').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t?.close());

  /** Appends `n` update events to the log directly (as fast as the database takes them); their ids, ascending. */
  async function appendEvents(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - i) }, () => ({
        activity_id: activityId,
        kind: 'update' as const,
        at: new Date(TEST_NOW).toISOString(),
        dedupe_key: null,
      }));
      const inserted = await t.database.db.insertInto('activity_events').values(rows).returning('id').execute();
      ids.push(...inserted.map((r) => Number(r.id)));
    }
    return ids.sort((a, b) => a - b);
  }

  it('replays all of 5,200 missed events in order, exactly once, while new ones arrive, then goes on live', async () => {
    const from = await latestEventId(t.database.db);
    // The server hears of them while the client is away: a client that stayed connected receives them.
    const witness = connectSse(`${base}/api/activities/stream`);
    expect(await witness.status).toBe(200);
    const missed = await appendEvents(5200);
    await t.app.live.bus.publish(missed[missed.length - 1]);
    await witness.waitFor((e) => e.id === String(missed[missed.length - 1]), 30_000);
    witness.close();
    const client = connectSse(`${base}/api/activities/stream`, { 'last-event-id': String(from) });
    expect(await client.status).toBe(200);
    // Written while the client is still catching up: they must come after the missed ones, once.
    const during: number[] = [];
    for (let k = 0; k < 5; k++) {
      const ids = await appendEvents(20);
      await t.app.live.bus.publish(ids[ids.length - 1]);
      during.push(...ids);
    }
    await client.waitFor((e) => e.id === String(during[during.length - 1]), 30_000);
    const received = () => client.events.filter((e) => e.event === 'activity').map((e) => Number(e.id));
    expect(received()).toEqual([...missed, ...during]);
    const last = JSON.parse(client.events.find((e) => e.id === String(missed[5199]))!.data);
    expect(last).toMatchObject({ id: activityId, event: { id: missed[5199], kind: 'update' } });

    const [live] = await appendEvents(1);
    await t.app.live.bus.publish(live);
    await client.waitFor((e) => e.id === String(live), 5000);
    expect(received()).toEqual([...missed, ...during, live]);
    client.close();
  });

  it('refuses a Last-Event-ID beyond the newest event with 400 naming it, before the stream starts', async () => {
    const newest = await latestEventId(t.database.db);
    const header = await within(
      t.app.inject({ url: '/api/activities/stream', headers: { 'last-event-id': String(newest + 1) } }),
      3000,
      'Last-Event-ID beyond the newest',
    );
    expect(header.statusCode).toBe(400);
    expect(header.json().error.message).toContain('last-event-id');
    expect(header.json().error.message).toContain(String(newest + 1));
    expect(header.json().error.message).toContain(String(newest));
    const query = await within(
      t.app.inject(`/api/activities/stream?lastEventId=${newest + 1000}`),
      3000,
      '?lastEventId beyond the newest',
    );
    expect(query.statusCode).toBe(400);
    expect(query.json().error.message).toContain(`lastEventId`);
    expect(query.json().error.message).toContain(String(newest + 1000));

    // The newest id itself means "seen everything": the stream starts and sends what comes next.
    const client = connectSse(`${base}/api/activities/stream?lastEventId=${newest}`);
    expect(await client.status).toBe(200);
    const [next] = await appendEvents(1);
    await t.app.live.bus.publish(next);
    await client.waitFor((e) => e.id === String(next), 5000);
    expect(client.events.filter((e) => e.event === 'activity').map((e) => Number(e.id))).toEqual([next]);
    client.close();
  });

  it('answers HEAD with the event-stream headers and no body', async () => {
    const res = await within(
      fetch(`${base}/api/activities/stream`, { method: 'HEAD' }),
      3000,
      'HEAD /api/activities/stream',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('cache-control')).toContain('no-cache');
    expect(await res.text()).toBe('');
    const injected = await within(
      t.app.inject({ method: 'HEAD', url: '/api/activities/stream' }),
      3000,
      'HEAD (inject)',
    );
    expect(injected.statusCode).toBe(200);
    expect(injected.body).toBe('');
    // Checked like a GET: an id beyond the log is refused here too.
    const newest = await latestEventId(t.database.db);
    const bad = await within(
      t.app.inject({ method: 'HEAD', url: `/api/activities/stream?lastEventId=${newest + 1}` }),
      3000,
      'HEAD beyond the newest',
    );
    expect(bad.statusCode).toBe(400);
  });
});
