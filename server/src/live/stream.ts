/**
 * The Server-Sent Events fan-out of the activity log. One reader per instance follows the log (woken
 * by the bus) and writes each new entry to every connected client; a client that reconnects with
 * Last-Event-ID is first sent what it missed, read from the log, then joins the live flow without a
 * gap or a duplicate.
 */
import { errorContext, type Log } from '../log.js';
import type { ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LiveBus } from './bus.js';
import { activityFeature, eventsAfter, latestEventId, type ActivityEventMessage } from './activities.js';

type LogEntry = Awaited<ReturnType<typeof eventsAfter>>[number];

interface StreamClient {
  res: ServerResponse;
  personal: boolean;
  /** Highest event id written to this client. */
  lastId: number;
  /** Entries that arrived while the client's catch-up was being read. */
  pending: LogEntry[] | null;
}

export interface ActivityStreamOptions {
  now: () => number;
  heartbeatMs: number;
  log: Log;
  /** How many missed entries a reconnecting client is sent at most. */
  replayLimit?: number;
}

/** A client that has fallen this far behind (bytes not yet taken by the socket) is dropped. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const PAGE = 500;

export class ActivityStream {
  private readonly clients = new Set<StreamClient>();
  private lastSeen = 0;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private retry: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
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

  /** Takes over the response: headers, the catch-up after `lastEventId`, then live entries. */
  async connect(res: ServerResponse, personal: boolean, lastEventId: number | null): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    const client: StreamClient = {
      res,
      personal,
      lastId: lastEventId ?? this.lastSeen,
      pending: lastEventId === null ? null : [],
    };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    if (lastEventId === null) return;
    const missed = await eventsAfter(this.db, lastEventId, this.options.replayLimit ?? 5000);
    for (const entry of missed) this.send(client, entry, new Date(this.options.now()).toISOString());
    const pending = client.pending ?? [];
    client.pending = null;
    for (const entry of pending) this.send(client, entry, new Date(this.options.now()).toISOString());
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    await this.reading;
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
        const entries = await eventsAfter(this.db, this.lastSeen, PAGE);
        if (entries.length === PAGE) this.readAgain = true;
        const nowIso = new Date(this.options.now()).toISOString();
        for (const entry of entries) {
          this.lastSeen = Math.max(this.lastSeen, entry.event.id);
          for (const c of this.clients) {
            if (c.pending) c.pending.push(entry);
            else this.send(c, entry, nowIso);
          }
        }
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
      client.res.destroy();
      this.clients.delete(client);
      return;
    }
    client.res.write(text);
  }
}
