import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../server/src/geo/heap.js';
import { Random } from '../../server/src/demo/random.js';

describe('MinHeap', () => {
  it('pops in priority order through growth, ties and interleaved pushes, against a sorted list', () => {
    const rng = new Random(9);
    const heap = new MinHeap(4);
    const reference: { item: number; priority: number }[] = [];
    const popped: number[] = [];
    const expected: number[] = [];
    const priorityOf = new Map<number, number>();
    for (let step = 0; step < 20000; step++) {
      if (reference.length && rng.range(0, 1) < 0.45) {
        reference.sort((a, b) => a.priority - b.priority);
        expected.push(reference.shift()!.priority);
        const top = heap.peekPriority();
        popped.push(top);
        expect(priorityOf.get(heap.pop())).toBe(top);
      } else {
        const priority = Math.round(rng.range(0, 500)); // many ties
        reference.push({ item: step, priority });
        heap.push(step, priority);
        priorityOf.set(step, priority);
      }
      expect(heap.length).toBe(reference.length);
    }
    expect(popped).toEqual(expected);
  });
});
