/**
 * A binary min-heap of (item, priority) over typed arrays, in the manner of mourner's tinyqueue. Items
 * may be pushed more than once (lazy decrease-key); callers skip the ones already settled.
 * Why ours: on the same Dijkstra as fast as flatqueue (3.8-3.9 against 3.6-4.4 ms a whole search of a 100k-edge
 * grid) and 3.5 times tinyqueue (14-16 ms), tests/geo/why-ours.bench.ts; flatqueue is only flatbush's dependency.
 */
export class MinHeap {
  private items: Uint32Array;
  private priorities: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.items = new Uint32Array(capacity);
    this.priorities = new Float64Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  push(item: number, priority: number): void {
    if (this.length === this.items.length) this.grow();
    let pos = this.length++;
    const items = this.items;
    const prio = this.priorities;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (prio[parent] <= priority) break;
      items[pos] = items[parent];
      prio[pos] = prio[parent];
      pos = parent;
    }
    items[pos] = item;
    prio[pos] = priority;
  }

  /** Priority of the top item (undefined behaviour when empty). */
  peekPriority(): number {
    return this.priorities[0];
  }

  /** Removes the top item and returns it; its priority is read with `peekPriority` before. */
  pop(): number {
    const items = this.items;
    const prio = this.priorities;
    const top = items[0];
    const last = --this.length;
    if (last > 0) {
      const item = items[last];
      const priority = prio[last];
      let pos = 0;
      const half = last >> 1;
      while (pos < half) {
        // The smaller child without a branch (after flatqueue): random priorities mispredict an `if`.
        const left = 2 * pos + 1;
        const child = left + (+(left + 1 < last) & +(prio[left + 1] < prio[left]));
        if (prio[child] >= priority) break;
        items[pos] = items[child];
        prio[pos] = prio[child];
        pos = child;
      }
      items[pos] = item;
      prio[pos] = priority;
    }
    return top;
  }

  private grow(): void {
    const items = new Uint32Array(this.items.length * 2);
    items.set(this.items);
    const prio = new Float64Array(this.priorities.length * 2);
    prio.set(this.priorities);
    this.items = items;
    this.priorities = prio;
  }
}
