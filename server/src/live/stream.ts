/**
 * The Server-Sent Events fan-out of the activity log. One reader per instance follows the log (woken
 * by the bus) and writes each new entry to every live client. A client that reconnects with
 * Last-Event-ID first reads what it missed from the log itself, a page at a time, waiting for its
 * socket to drain between pages, until it reaches the reader's position; only then does the reader
 * write to it. Nothing is queued for a client in memory beyond one page and the socket's buffer, and
 * nothing is capped: however much was missed is sent, in order, once.
 */
import { errorContext, type Log } from '../log.js';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LiveBus } from './bus.js';
import { activityFeature, latestEventId, logPage, type ActivityEventMessage, type LogEntry } from './activities.js';

interface StreamClient {
  res: ServerResponse;
  personal: boolean;
  /** Highest event id written to this client (or known to be none of its business). */
  lastId: number;
  /** Still reading what it missed from the log; the reader leaves it alone until it has caught up. */
  catchingUp: boolean;
}

export interface ActivityStreamOptions {
  now: () => number;
  heartbeatMs: number;
  log: Log;
}

/** What the stream answers with, to GET and to HEAD. */
export const STREAM_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * A client that has fallen this far behind (bytes not yet taken by the socket) is dropped: its
 * EventSource reconnects with the last id it received and catches up from the log like any other.
 */
const MAX_BUFFERED = 4 * 1024 * 1024;
/** Log entries read at a time, by the reader and by a catching-up client. */
const PAGE = 500;

/** Resolves when the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed || !res.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export class ActivityStream {
  private readonly clients = new Set<StreamClient>();
  /** The reader's position: every entry up to here has been written to the live clients. */
  private lastSeen = 0;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private retry: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly catchUps = new Set<Promise<void>>();
  private readonly frames = new WeakMap<LogEntry, { public?: string; staff?: string }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: LiveBus,
    private readonly options: ActivityStreamOptions,
  ) {}

  async start(): Promise<void> {
    this.lastSeen = await latestEventId(this.db);
    this.unsubscribe = this.bus.subscribe(() => this.readLog());
    this.heartbeat = setInterval(() => {
      const line = `event: heartbeat\ndata: {"now":"${new Date(this.options.now()).toISOString()}"}\n\n`;
      for (const c of this.clients) this.write(c, line);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Takes over the response: headers, the catch-up after `lastEventId` (which the caller has checked
   * is not beyond the log), then live entries. Resolves once the client is live or gone.
   */
  async connect(res: ServerResponse, personal: boolean, lastEventId: number | null): Promise<void> {
    res.writeHead(200, STREAM_HEADERS);
    res.write('retry: 3000\n\n');
    const client: StreamClient = {
      res,
      personal,
      lastId: lastEventId ?? this.lastSeen,
      catchingUp: lastEventId !== null,
    };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    if (!client.catchingUp) return;
    const catchUp = this.catchUp(client);
    this.catchUps.add(catchUp);
    await catchUp.finally(() => this.catchUps.delete(catchUp));
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    await Promise.all([this.reading, ...this.catchUps]);
  }

  /**
   * Sends a reconnecting client what it missed, page by page, until it has reached the reader's
   * position; then, in the same turn of the event loop, it becomes live. The reader writes only
   * entries past its position, and `send` skips anything at or below the client's own, so the
   * hand-over has no gap and no duplicate.
   */
  private async catchUp(client: StreamClient): Promise<void> {
    const { res } = client;
    try {
      for (;;) {
        // Everything up to the reader's position is committed: a page that is not full has all of it.
        const head = this.lastSeen;
        const page = await logPage(this.db, client.lastId, PAGE);
        if (!this.clients.has(client)) return;
        const nowIso = new Date(this.options.now()).toISOString();
        for (const entry of page.entries) this.send(client, entry, nowIso);
        if (!this.clients.has(client)) return;
        client.lastId = Math.max(client.lastId, page.lastId, page.full ? 0 : head);
        if (!page.full && client.lastId >= this.lastSeen) {
          client.catchingUp = false;
          return;
        }
        // The page is written; wait until the socket has taken it before reading the next.
        await drained(res);
        if (!this.clients.has(client)) return;
      }
    } catch (err) {
      // Its EventSource reconnects with the last id it received and tries again.
      this.options.log.error(
        errorContext(err, { lastId: client.lastId }),
        'live stream: reading the event log for a reconnecting client failed',
      );
      this.drop(client);
    }
  }

  /** Reads the log past `lastSeen`; calls that arrive meanwhile make it read once more. */
  private readLog(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        const page = await logPage(this.db, this.lastSeen, PAGE);
        if (page.full) this.readAgain = true;
        const nowIso = new Date(this.options.now()).toISOString();
        for (const entry of page.entries) {
          for (const c of this.clients) if (!c.catchingUp) this.send(c, entry, nowIso);
        }
        this.lastSeen = Math.max(this.lastSeen, page.lastId);
      } while (this.readAgain);
    })()
      .catch((err) => {
        // Entries past lastSeen stay unread; the next event or the retry reads them.
        this.options.log.error(
          errorContext(err, { lastSeen: this.lastSeen }),
          'live stream: reading the event log failed',
        );
        this.retry ??= setTimeout(() => {
          this.retry = null;
          this.readLog();
        }, 1000).unref();
      })
      .finally(() => {
        this.reading = null;
      });
  }

  private send(client: StreamClient, entry: LogEntry, nowIso: string): void {
    if (entry.event.id <= client.lastId) return;
    client.lastId = entry.event.id;
    // Two renderings at most per entry (public, staff), however many clients.
    let frames = this.frames.get(entry);
    if (!frames) this.frames.set(entry, (frames = {}));
    const key = client.personal ? 'staff' : 'public';
    if (!frames[key]) {
      const message: ActivityEventMessage = {
        ...activityFeature(entry.row, nowIso, client.personal),
        event: entry.event,
      };
      frames[key] = `id: ${entry.event.id}\nevent: activity\ndata: ${JSON.stringify(message)}\n\n`;
    }
    this.write(client, frames[key]);
  }

  private write(client: StreamClient, text: string): void {
    if (client.res.writableLength > MAX_BUFFERED) {
      this.drop(client);
      return;
    }
    client.res.write(text);
  }

  private drop(client: StreamClient): void {
    this.clients.delete(client);
    client.res.destroy();
  }
}
