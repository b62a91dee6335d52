/**
 * Live and leaders' figures for `npm run bench`: SSE delivery to 200 concurrent clients on loopback
 * (per database; PostgreSQL goes through LISTEN/NOTIFY), and the heatmap and overview with 100,000
 * activities.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { refreshPlannerStatistics } from '../../server/src/db/dialect.js';
import { loginCookie, startTestApp } from '../support/app.js';
import type { DialectCase } from '../support/databases.js';
import { connectSse, type SseClient } from '../support/sse.js';

const CLIENTS = 200;
const ROUNDS = 10;

function quantiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return { p50Ms: q(0.5), p99Ms: q(0.99), maxMs: q(1), deliveries: s.length };
}

export async function sseBench(dialect: DialectCase) {
  const t = await startTestApp(dialect, { live: { heartbeatMs: 60_000, tickMs: 60_000 } });
  const clients: SseClient[] = [];
  try {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/activities/stream`;
    for (let i = 0; i < CLIENTS; i++) clients.push(connectSse(url));
    await Promise.all(clients.map((c) => c.status));
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const station = (await t.app.inject('/api/stations?level=institute')).json().features[0].id;
    const delays: number[] = [];
    let missed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/activities',
        headers: { cookie },
        payload: {
          title: `基准活动${round}`,
          category: 'culture',
          stationId: station,
          startsAt: '2026-12-01T09:00:00+08:00',
          endsAt: '2026-12-01T11:00:00+08:00',
        },
      });
      const id = res.json().id;
      const got = await Promise.allSettled(
        clients.map((c) => c.waitFor((e) => e.event === 'activity' && JSON.parse(e.data).id === id, 5000)),
      );
      for (const g of got) {
        if (g.status === 'fulfilled') delays.push(g.value.receivedAt - t0);
        else missed++;
      }
    }
    return {
      clients: CLIENTS,
      activities: ROUNDS,
      missed,
      ...quantiles(delays),
      note: 'from the POST being sent to each client having the event',
    };
  } finally {
    for (const c of clients) c.close();
    await t.close();
  }
}

/** Heatmap per week and the overview with 100,000 activities in the database (SQLite). */
export async function leadersBench(time: (fn: () => unknown, runs: number) => Promise<unknown>) {
  const t = await startTestApp('sqlite', { live: { heartbeatMs: 60_000, tickMs: 60_000 } });
  try {
    const existing = await t.database.db.selectFrom('activities').selectAll().limit(500).execute();
    const target = 100_000;
    let n = Number(
      (
        await t.database.db
          .selectFrom('activities')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const span = 84 * 86_400_000;
    const end = Date.now();
    while (n < target) {
      const batch = Array.from({ length: Math.min(500, target - n) }, (_, k) => {
        const { id: _id, ...row } = existing[(n + k) % existing.length];
        const start = end - ((((n + k) * 7919) % 1000) / 1000) * span;
        return { ...row, starts_at: new Date(start).toISOString(), ends_at: new Date(start + 7_200_000).toISOString() };
      });
      await t.database.db.insertInto('activities').values(batch).execute();
      n += batch.length;
    }
    // As after any bulk import: the planner needs statistics to scan rather than seek.
    await refreshPlannerStatistics(t.database.db);
    const weekly = await t.app.inject('/api/heatmap?bucket=week');
    return {
      activities: n,
      heatmapWeekly: {
        bytes: weekly.body.length,
        cells: weekly.json().points.length,
        ...((await time(() => t.app.inject('/api/heatmap?bucket=week'), 10)) as object),
      },
      overview: await time(() => t.app.inject('/api/stats/overview'), 10),
    };
  } finally {
    await t.close();
  }
}
