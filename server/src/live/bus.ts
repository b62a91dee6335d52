/**
 * The event bus that tells every server instance "the activity log has grown". It carries only the
 * newest event id; each instance then reads the log itself, so a missed or coalesced notification
 * costs nothing but a little delay. SQLite: in-process. PostgreSQL: LISTEN/NOTIFY, so instances
 * behind one proxy all hear every write.
 */
import { errorContext, type Log } from '../log.js';
import { EventEmitter } from 'node:events';
import pg from 'pg';

export const LIVE_CHANNEL = 'practice_map_activity_events';

export interface LiveBus {
  /** Announce that events up to `eventId` are committed. */
  publish(eventId: number): Promise<void>;
  /** Called with each announced id (from any instance, this one included); returns unsubscribe. */
  subscribe(listener: (eventId: number) => void): () => void;
  close(): Promise<void>;
}

export class MemoryBus implements LiveBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(eventId: number): Promise<void> {
    this.emitter.emit('event', eventId);
  }

  subscribe(listener: (eventId: number) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/**
 * One dedicated connection LISTENs (a pooled one cannot: LISTEN belongs to a session). If it drops,
 * it reconnects with backoff and then announces id 0, which makes every instance re-read the log
 * from where it was: nothing is lost while the connection was down.
 */
export class PostgresBus implements LiveBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listener: pg.Client | null = null;
  private readonly notifier: pg.Pool;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  private constructor(
    private readonly connectionString: string,
    private readonly log: Log,
  ) {
    this.notifier = new pg.Pool({ connectionString, max: 2 });
  }

  static async connect(connectionString: string, log: Log): Promise<PostgresBus> {
    const bus = new PostgresBus(connectionString, log);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    this.listener = client;
    client.on('notification', (message) => {
      const id = Number(message.payload);
      if (message.channel === LIVE_CHANNEL && Number.isInteger(id)) this.emitter.emit('event', id);
    });
    const lost = (err?: Error) => {
      if (this.closed || client !== this.listener) return;
      this.log.warn(errorContext(err ?? 'connection ended'), 'live bus: LISTEN connection lost, reconnecting');
      this.reconnect(500);
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${LIVE_CHANNEL}`);
  }

  private reconnect(delayMs: number): void {
    if (this.closed || this.retry) return;
    this.listener = null;
    this.retry = setTimeout(async () => {
      try {
        await this.listen();
        this.retry = null;
        this.emitter.emit('event', 0);
      } catch (err) {
        this.log.warn(
          errorContext(err, { retryMs: Math.min(delayMs * 2, 10_000) }),
          'live bus: LISTEN reconnect failed',
        );
        this.retry = null;
        this.reconnect(Math.min(delayMs * 2, 10_000));
      }
    }, delayMs);
  }

  async publish(eventId: number): Promise<void> {
    await this.notifier.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, String(eventId)]);
  }

  subscribe(listener: (eventId: number) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.emitter.removeAllListeners();
    await this.listener
      ?.end()
      .catch((err) => this.log.warn(errorContext(err), 'live bus: closing the LISTEN connection failed'));
    await this.notifier.end();
  }
}

export async function openBus(databaseUrl: string | null, log: Log): Promise<LiveBus> {
  return databaseUrl ? PostgresBus.connect(databaseUrl, log) : new MemoryBus();
}
