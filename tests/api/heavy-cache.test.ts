/**
 * Computed answers are cached by every parameter within a byte bound, least recently used first out,
 * and identical requests that arrive together share one computation. Before, each route kept one
 * entry (or nine runs) without a bound, and concurrent identical requests each computed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ByteCache } from '../../server/src/network/byte-cache.js';
import { CoverageCache } from '../../server/src/network/coverage-cache.js';
import { startTestApp, type TestApp } from '../support/app.js';

const UNLIMITED = {
  isochrone: 0,
  'service-areas': 0,
  coverage: 0,
  scenario: 0,
  siting: 0,
  nearby: 0,
  'station-area': 0,
};

describe('ByteCache', () => {
  it('keeps at most its bound, dropping the least recently used first', () => {
    const cache = new ByteCache<string>(10, (s) => s.length);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.get('a')).toBe('aaaa'); // a is now the most recent
    cache.set('c', 'cccc');
    expect(cache.bytes).toBe(8);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('aaaa');
    expect(cache.get('c')).toBe('cccc');
    cache.set('big', 'x'.repeat(11)); // larger than the bound: answered, never kept
    expect(cache.get('big')).toBeUndefined();
    expect(cache.bytes).toBe(8);
    cache.set('a', 'a'); // replacing counts the new size only
    expect(cache.bytes).toBe(5);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, 'x'.repeat(i % 7));
      expect(cache.bytes).toBeLessThanOrEqual(10);
    }
  });

  it('shares a computation in flight and forgets a failed one', async () => {
    const cache = new ByteCache<string>(100, (s) => s.length);
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      runs++;
      await gate;
      return 'done';
    };
    const all = Promise.all([1, 2, 3].map(() => cache.getOrCompute('k', compute)));
    release();
    expect(await all).toEqual(['done', 'done', 'done']);
    expect(runs).toBe(1);
    expect(await cache.getOrCompute('k', compute)).toBe('done');
    expect(runs).toBe(1);

    let attempts = 0;
    const failing = async () => {
      attempts++;
      throw new Error('boom');
    };
    await expect(Promise.all([cache.getOrCompute('f', failing), cache.getOrCompute('f', failing)])).rejects.toThrow(
      'boom',
    );
    expect(attempts).toBe(1);
    await expect(cache.getOrCompute('f', failing)).rejects.toThrow('boom');
    expect(attempts).toBe(2);
  });
});

describe('caches of the heavy routes (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Rate limits off: these tests send far more heavy requests a minute than one person would.
    t = await startTestApp('sqlite', { config: { rateLimits: UNLIMITED } });
  });
  afterAll(async () => t?.close());

  it('computes concurrent identical coverage, gaps and map-layer requests once', async () => {
    const run = vi.spyOn(t.app.heavy, 'run');
    try {
      const urls = ['/api/coverage?minutes=12', '/api/coverage/gaps?minutes=12', '/api/service-areas?minutes=5'];
      const answers = await Promise.all(urls.flatMap((url) => [1, 2, 3, 4].map(() => t.app.inject(url))));
      for (const a of answers) expect(a.statusCode, a.body.slice(0, 200)).toBe(200);
      const kinds = run.mock.calls.map(([task]) => task.kind);
      expect(kinds.filter((k) => k === 'coverage')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'gaps')).toHaveLength(1);
      // The map layer is computed in as many shares as there are threads, once.
      expect(kinds.filter((k) => k === 'stationAreas')).toHaveLength(Math.min(t.app.heavy.threads, 8));
      run.mockClear();
      // Answered from the cache afterwards.
      for (const url of urls) expect((await t.app.inject(url)).statusCode).toBe(200);
      expect(run).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
    }
  });

  it('keys coverage by every parameter and never holds more than its bound', async () => {
    const first = await t.app.inject('/api/coverage?minutes=15&levels=center');
    const second = await t.app.inject('/api/coverage?minutes=15&levels=center,institute,station');
    expect(first.json().totals.stations).toBeLessThan(second.json().totals.stations);

    // A cache of 20 MB holds one run of the demo district (11 MB) and some answers, never two runs.
    const bounded = new CoverageCache(t.database.db, t.app.network, t.app.heavy, 20 * 1024 * 1024);
    for (const minutes of [5, 10, 15, 20, 25, 30]) {
      const run = await bounded.saved({ minutes, mode: 'walk', levels: ['center', 'institute', 'station'] });
      expect(run.params.minutes).toBe(minutes);
      await bounded.gaps(run, null);
      expect(bounded.usage.bytes).toBeLessThanOrEqual(20 * 1024 * 1024);
    }
    expect(bounded.usage.entries).toBeGreaterThan(0);
    expect(bounded.usage.entries).toBeLessThan(12);
    expect(t.app.coverage.usage.bytes).toBeLessThanOrEqual(t.app.coverage.usage.maxBytes);
  });
});
