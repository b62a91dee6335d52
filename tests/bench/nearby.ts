/**
 * Nearby stations for `npm run bench`: GET /api/nearby (five stations, walking) through the HTTP
 * handler from 200 random points on the demo district's streets, after the stations' snaps are cached.
 */
import { Random } from '../../server/src/demo/random.js';
import { startTestApp } from '../support/app.js';

type Timer = (
  fn: () => unknown | Promise<unknown>,
  runs: number,
  warmup?: number,
) => Promise<{ medianMs: number; p95Ms: number; runs: number }>;

export async function nearbyBench(time: Timer) {
  const t = await startTestApp('sqlite');
  try {
    const g = t.app.network!.modes.walk.graph;
    const rng = new Random(11);
    const origins = Array.from({ length: 200 }, () => {
      const v = rng.int(0, g.nodeCount - 1);
      return [g.nodeLon[v] + rng.range(-1e-3, 1e-3), g.nodeLat[v] + rng.range(-1e-3, 1e-3)];
    });
    let k = 0;
    const tooFar = new Set<number>();
    const one = async () => {
      const i = k++ % origins.length;
      const [lon, lat] = origins[i];
      const res = await t.app.inject(`/api/nearby?lon=${lon}&lat=${lat}&limit=5&mode=walk`);
      if (res.statusCode === 422) tooFar.add(i);
      else if (res.statusCode !== 200) throw new Error(res.body);
    };
    const latency = await time(one, origins.length, 20);
    return { origins: origins.length, limit: 5, tooFarFromStreet: tooFar.size, ...latency };
  } finally {
    await t.close();
  }
}
