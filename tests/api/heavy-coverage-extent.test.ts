/**
 * Coverage never allocates from an unchecked extent. A township stored far from the district (written
 * straight into the regions table, past the import's checks) used to make every coverage route build a
 * grid over both: 1° away took 36 s, 60° away asked for an 80-billion-cell array and answered 500. The
 * grid now stops where the streets can reach; what lies beyond is measured from the polygon and is a
 * gap as it is, since nothing there can be covered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageClip, type LonLatBox } from '../../server/src/geo/coverage.js';
import { ringAreaM2 } from '../../server/src/geo/polygon.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

/** A square ring of `sizeM` metres around a point (closed, counter-clockwise). */
function square(lon: number, lat: number, sizeM: number): number[][] {
  const dy = sizeM / 2 / 111_000;
  const dx = sizeM / 2 / (111_000 * Math.cos((lat * Math.PI) / 180));
  return [
    [lon - dx, lat - dy],
    [lon + dx, lat - dy],
    [lon + dx, lat + dy],
    [lon - dx, lat + dy],
    [lon - dx, lat - dy],
  ];
}

describe.each(testDialects)('coverage with a township far from the streets, on %s', (dialect) => {
  let t: TestApp;
  let before: any;
  const far = { code: '379901901000', name: '远方镇', ring: square(176.6, 36.2, 2000) };
  const near = { code: '379901902000', name: '邻县镇', ring: square(117.6, 36.2, 1000) };
  // Half within the streets' reach, half beyond it to the north.
  let straddling: { code: string; name: string; ring: number[][] };
  let clip: LonLatBox;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    before = (await t.app.inject('/api/coverage?minutes=15')).json();
    // Where coverage can reach on foot: the walking network's extent and the off-street margin.
    clip = coverageClip(t.app.network!.modes.walk);
    const mid = (clip.w + clip.e) / 2;
    straddling = {
      code: '379901903000',
      name: '跨界镇',
      ring: [
        [mid - 0.01, clip.n - 0.02],
        [mid + 0.01, clip.n - 0.02],
        [mid + 0.01, clip.n + 0.02],
        [mid - 0.01, clip.n + 0.02],
        [mid - 0.01, clip.n - 0.02],
      ],
    };
    for (const r of [far, near, straddling])
      await t.database.db
        .insertInto('regions')
        .values({
          code: r.code,
          name: r.name,
          level: 'township',
          kind: 'town',
          parent_code: '379901000000',
          geometry: JSON.stringify({ type: 'Polygon', coordinates: [r.ring] }),
          label_lon: r.ring[0][0],
          label_lat: r.ring[0][1],
          population: 0,
        })
        .execute();
  });
  afterAll(async () => t?.close());

  it('answers quickly, with the far townships measured and uncovered and the others unchanged', async () => {
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const res = await t.app.inject('/api/coverage?minutes=15');
    const ms = performance.now() - started;
    expect(res.statusCode, res.body).toBe(200);
    expect(ms).toBeLessThan(5_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
    const after = res.json();
    for (const r of [far, near]) {
      const row = after.regions.find((x: { code: string }) => x.code === r.code);
      expect(row.areaM2 / ringAreaM2(r.ring)).toBeCloseTo(1, 3);
      expect(row.coveredAreaM2).toBe(0);
    }
    // The straddling one: its whole area, and never covered beyond the streets' reach.
    const cut = after.regions.find((x: { code: string }) => x.code === straddling.code);
    expect(cut.areaM2 / ringAreaM2(straddling.ring)).toBeCloseTo(1, 2);
    const [[w], [e]] = [straddling.ring[0], straddling.ring[1]];
    const beyond = ringAreaM2([
      [w, clip.n],
      [e, clip.n],
      [e, clip.n + 0.02],
      [w, clip.n + 0.02],
      [w, clip.n],
    ]);
    expect(cut.coveredAreaM2).toBeLessThanOrEqual(cut.areaM2 - beyond);
    for (const old of before.regions) {
      // Only the straddling township overlaps the old ones; where it does, it paints over their cells.
      const row = after.regions.find((x: { code: string }) => x.code === old.code);
      expect(row.coveredPopulation).toBe(old.coveredPopulation);
    }
    expect(after.totals.coveredPopulation).toBe(before.totals.coveredPopulation);
  });

  it('draws the far township as one gap, its own outline', async () => {
    const res = await t.app.inject(`/api/coverage/gaps?minutes=15&region=${far.code}`);
    expect(res.statusCode, res.body).toBe(200);
    const gaps = res.json().gaps.features;
    expect(gaps).toHaveLength(1);
    expect(gaps[0].properties.areaM2 / ringAreaM2(far.ring)).toBeCloseTo(1, 3);
    const ring: number[][] = gaps[0].geometry.coordinates[0];
    for (const [lon, lat] of ring) {
      expect(lon).toBeGreaterThan(176.5);
      expect(lat).toBeCloseTo(36.2, 1);
    }
  });

  it('keeps what-if and suggestions working', async () => {
    // Both need a planner.
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const scenario = await t.app.inject({
      method: 'POST',
      url: '/api/coverage/scenario',
      headers: { cookie },
      payload: { minutes: 15, remove: [1] },
    });
    expect(scenario.statusCode, scenario.body).toBe(200);
    const farRow = scenario.json().regions.find((x: { code: string }) => x.code === far.code);
    expect(farRow.areaM2 / ringAreaM2(far.ring)).toBeCloseTo(1, 3);
    const suggestions = await t.app.inject({
      url: `/api/siting/suggestions?k=3&minutes=15&region=${far.code}`,
      headers: { cookie },
    });
    expect(suggestions.statusCode, suggestions.body).toBe(200);
    // Nothing in the far township is within reach of a street: no site there covers anyone.
    expect(suggestions.json().suggestions).toEqual([]);
  });
});
