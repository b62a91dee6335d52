import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

const iso = (ms: number) => new Date(ms).toISOString();
const weightOf = (p: any) => p.participants ?? p.expectedParticipants ?? 0;

describe.each(testDialects)('heatmap and big-screen figures on %s', (dialect) => {
  let t: TestApp;
  /** Every activity, the brute-force side of each check. */
  let all: any[];
  beforeAll(async () => {
    t = await startTestApp(dialect, { now: () => TEST_NOW });
    all = (await t.app.inject('/api/activities?limit=5000')).json().features.map((f: any) => f.properties);
  });
  afterAll(async () => t?.close());

  const inPeriod = (from: string, to: string) =>
    all.filter((p) => p.status !== 'cancelled' && p.startsAt >= from && p.startsAt < to);

  it('sums participants onto the grid: the total equals the activities’ own sum', async () => {
    const from = '2026-10-01T00:00:00+08:00';
    const to = '2026-11-20T00:00:00+08:00';
    const heat = (
      await t.app.inject(`/api/heatmap?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
    ).json();
    const expected = inPeriod(iso(Date.parse(from)), iso(Date.parse(to)));
    expect(heat.items).toBe(expected.length);
    expect(heat.total).toBe(expected.reduce((s, p) => s + weightOf(p), 0));
    expect(heat.points.reduce((s: number, p: number[]) => s + p[3], 0)).toBe(heat.total);
    expect(heat.maxWeight).toBe(Math.max(...heat.points.map((p: number[]) => p[3])));
    // Aggregated: far fewer cells than activities.
    expect(heat.points.length).toBeLessThan(expected.length / 3);
  });

  it('per week: each week holds exactly the activities that started in it, and the weeks add up', async () => {
    const heat = (await t.app.inject('/api/heatmap?bucket=week&weight=count&category=culture,theory')).json();
    expect(heat.buckets.length).toBeGreaterThanOrEqual(12);
    // Weeks start on Monday, midnight China time.
    for (const b of heat.buckets) expect(new Date(Date.parse(b.start) + 8 * 3_600_000).getUTCDay()).toBe(1);
    heat.buckets.forEach((b: any, k: number) => {
      const inWeek = inPeriod(b.start < heat.from ? heat.from : b.start, b.end < heat.to ? b.end : heat.to).filter(
        (p) => ['culture', 'theory'].includes(p.category),
      );
      const sum = heat.points.filter((p: number[]) => p[2] === k).reduce((s: number, p: number[]) => s + p[3], 0);
      expect(sum, b.start).toBe(inWeek.length);
    });
    const whole = (
      await t.app.inject(`/api/heatmap?weight=count&category=culture,theory&from=${heat.from}&to=${heat.to}`)
    ).json();
    expect(whole.total).toBe(heat.total);
  });

  it('uncovered population: the heat is exactly the people outside every 15-minute circle', async () => {
    const coverage = (await t.app.inject('/api/coverage')).json();
    const heat = (await t.app.inject('/api/heatmap?source=uncovered')).json();
    expect(heat.total).toBe(coverage.totals.population - coverage.totals.coveredPopulation);
    expect(heat.total).toBeGreaterThan(0);
  });

  it('refuses bad heatmap queries with the field named', async () => {
    for (const [query, field] of [
      ['source=uncovered&bucket=week', 'querystring.source'],
      ['from=2026-11-10&to=2026-11-01', 'querystring.to'],
      ['cell=5', 'querystring.cell'],
      ['weight=volume', 'querystring.weight'],
      ['from=2020-01-01&bucket=week', 'querystring.from'],
    ]) {
      const res = await t.app.inject(`/api/heatmap?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(field);
    }
  });

  it('overview: this month against last month in China time, adding up across townships and categories', async () => {
    const o = (await t.app.inject('/api/stats/overview')).json();
    // TEST_NOW is 10:00 on 24 November, China time.
    expect(o.periods.monthStart).toBe('2026-10-31T16:00:00.000Z');
    expect(o.periods.lastMonthStart).toBe('2026-09-30T16:00:00.000Z');
    expect(o.periods.lastMonthSameDay).toBe('2026-10-24T02:00:00.000Z');
    const done = (from: string, to: string) => inPeriod(from, to);
    const month = done(o.periods.monthStart, iso(TEST_NOW + 1));
    expect(o.thisMonth.activities).toBe(month.length);
    expect(o.thisMonth.participants).toBe(month.reduce((s, p) => s + (p.participants ?? 0), 0));
    expect(o.lastMonth.activities).toBe(done(o.periods.lastMonthStart, o.periods.monthStart).length);
    expect(o.lastMonthToDate.activities).toBe(done(o.periods.lastMonthStart, o.periods.lastMonthSameDay).length);
    expect(o.townships.reduce((s: number, r: any) => s + r.activitiesThisMonth, 0)).toBe(o.thisMonth.activities);
    expect(o.categories.reduce((s: number, c: any) => s + c.thisMonth, 0)).toBe(o.thisMonth.activities);
    expect(o.live).toBe(all.filter((p) => p.status === 'live').length);
    expect(o.weeks).toHaveLength(12);
    expect(o.weeks.reduce((s: number, w: any) => s + w.activities, 0)).toBe(
      done(o.weeks[0].start, iso(TEST_NOW + 1)).length,
    );
    // Ranked by activities this month.
    const counts = o.townships.map((r: any) => r.activitiesThisMonth);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    const stations = (await t.app.inject('/api/stations')).json().features;
    expect(o.stations.total).toBe(stations.length);
    expect(o.stations.center).toBe(1);
    const coverage = (await t.app.inject('/api/coverage')).json();
    expect(o.coverage).toEqual({
      minutes: 15,
      population: coverage.totals.population,
      coveredPopulation: coverage.totals.coveredPopulation,
    });
    expect(o.volunteers).toBeGreaterThan(o.teams);
  });
});
