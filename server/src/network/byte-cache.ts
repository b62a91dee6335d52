/**
 * A least-recently-used cache bounded by bytes, for computed answers (service areas, coverage runs),
 * that also shares a computation in flight: concurrent requests for the same key wait on one promise.
 * Ours rather than lru-cache: that package is only a transitive dependency here, and what we need
 * (a byte bound and in-flight sharing) is forty lines over a Map, which keeps insertion order.
 */
export class ByteCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private readonly pending = new Map<string, Promise<V>>();
  private total = 0;

  constructor(
    /** Most bytes held; a value larger than this is answered but not kept. */
    readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** Bytes held now (never more than maxBytes). */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Most recent last: Map iterates in insertion order, so the first entry is the oldest.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.total -= entry.bytes;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.total -= old.bytes;
  }

  /** The cached value, or the computation already running for the key, or a new one (kept when it succeeds). */
  async getOrCompute(key: string, compute: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    let running = this.pending.get(key);
    if (!running) {
      running = compute().then(
        (value) => {
          this.pending.delete(key);
          this.set(key, value);
          return value;
        },
        (err: unknown) => {
          this.pending.delete(key);
          throw err;
        },
      );
      this.pending.set(key, running);
    }
    return running;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/** Bytes of the typed arrays and strings in a value, walking plain objects and arrays (for cache sizes). */
export function approximateBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return 2 * value.length;
  if (typeof value !== 'object') return 8;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  let sum = 16;
  if (Array.isArray(value)) for (const v of value) sum += approximateBytes(v, seen);
  else for (const v of Object.values(value)) sum += approximateBytes(v, seen);
  return sum;
}
