/**
 * What a scenario changes (geo/what-if.ts), on a 31 × 31 street grid 100 m apart (tests/support/
 * synthetic-grid.ts) where the answer can be worked out by hand: one station on a crossing walks
 * the grid's L1 distance, so a 15-minute walk (1,000 m at 4 km/h) plus 100 m off the street covers a
 * known shape. Moving the station 900 m east gains and loses areas whose size is measured here from
 * that closed form on a 20 m lattice, without the engine; the villages placed on crossings change
 * status as their L1 distances say. Then brute force over the engine's own grid: every node inside
 * `gained` is covered after and not before (the reverse for `lost`), every clearly changed node is in
 * a piece or in what was dropped as a sliver, and `villages` is exactly the per-point comparison.
 */
import { describe, expect, it } from 'vitest';
import { LocalPlane } from '../../server/src/geo/ellipsoid.js';
import {
  computeCoverage,
  coverageClip,
  rasterizeRegions,
  COVERED,
  type CoverageInput,
  type CoverageResult,
} from '../../server/src/geo/coverage.js';
import { changedAreas, changedPoints, type ChangedPiece } from '../../server/src/geo/what-if.js';
import { pointInPolygon } from '../../server/src/geo/polygon.js';
import { modeNetwork } from '../support/networks.js';
import { syntheticGrid } from '../support/synthetic-grid.js';

const N = 31; // streets 0 … 3,000 m in each direction
const SPACING = 100;
const plane = new LocalPlane(116.6, 36.2); // the synthetic grid's own origin
const net = modeNetwork(syntheticGrid(N));
const SPEED = 4000 / 3600; // DESIGN: walking at 4 km/h
const BUDGET = 900;
const D = BUDGET * SPEED; // 1,000 m
const OFFROAD = 100;

const at = (x: number, y: number) => {
  const [lon, lat] = plane.toLonLat(x, y);
  return { lon, lat };
};
const square = (x0: number, y0: number, x1: number, y1: number) => ({
  geometry: {
    type: 'Polygon' as const,
    coordinates: [
      [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0].reduce<number[][]>((ring, _, k, a) => {
        if (k % 2 === 0) ring.push(plane.toLonLat(a[k], a[k + 1]));
        return ring;
      }, []),
    ],
  },
});

// Two townships side by side, split halfway between the station's two positions.
const regions = [square(-300, -300, 1450, 3300), square(1450, -300, 3300, 3300)];
const areaGrid = rasterizeRegions(regions, 25, undefined, { clip: coverageClip(net) });

const villages = [
  { name: 'west, lost', x: 500, y: 1500, population: 500 },
  { name: 'east, gained', x: 2400, y: 1500, population: 300 },
  { name: 'between, stays covered', x: 1450, y: 1500, population: 2000 },
  { name: 'north-east, gained', x: 1900, y: 2400, population: 800 },
  { name: 'north, stays uncovered', x: 1400, y: 2300, population: 100 },
];
const population = villages.map((v) => ({ ...at(v.x, v.y), population: v.population, region: v.x < 1450 ? 0 : 1 }));

function run(stations: { x: number; y: number }[]): CoverageResult {
  const input: CoverageInput = { stations: stations.map((s) => at(s.x, s.y)), population, regions };
  return computeCoverage(net, input, { budget: BUDGET, areaGrid, offroadM: OFFROAD });
}

/** Covered by a station on crossing (sx, sy), by the design's field on the grid's L1 network distances. */
function coveredByHand(X: number, Y: number, sx: number, sy: number): boolean {
  const max = (N - 1) * SPACING;
  // Streets within the off-street reach: the vertical ones at x = k·100 and the horizontal ones.
  for (let k = Math.ceil((X - OFFROAD) / SPACING); k <= Math.floor((X + OFFROAD) / SPACING); k++) {
    const px = k * SPACING;
    if (px < 0 || px > max) continue;
    for (let py = Math.max(0, Y - OFFROAD); py <= Math.min(max, Y + OFFROAD); py += 2) {
      const n = Math.abs(px - sx) + Math.abs(py - sy);
      if (Math.max(n, D - OFFROAD) + Math.hypot(X - px, Y - py) <= D) return true;
    }
  }
  for (let k = Math.ceil((Y - OFFROAD) / SPACING); k <= Math.floor((Y + OFFROAD) / SPACING); k++) {
    const py = k * SPACING;
    if (py < 0 || py > max) continue;
    for (let px = Math.max(0, X - OFFROAD); px <= Math.min(max, X + OFFROAD); px += 2) {
      const n = Math.abs(px - sx) + Math.abs(py - sy);
      if (Math.max(n, D - OFFROAD) + Math.hypot(X - px, Y - py) <= D) return true;
    }
  }
  return false;
}

/** Square metres of { covered by `to`, not by `from` } on a 20 m lattice, split at the townships' border (x = 1,450 m). */
function areaByHand(from: { x: number; y: number }, to: { x: number; y: number }) {
  const step = 20;
  const out = [0, 0];
  // Off the mirror line x = 1,450 m between the two positions, where both cover alike.
  for (let X = -200 + step / 2 + 5; X < 3200; X += step)
    for (let Y = 300 + step / 2; Y < 2700; Y += step)
      if (coveredByHand(X, Y, to.x, to.y) && !coveredByHand(X, Y, from.x, from.y)) out[X < 1450 ? 0 : 1] += step * step;
  return out;
}

const area = (pieces: ChangedPiece[], region?: number) =>
  pieces.filter((p) => region === undefined || p.region === region).reduce((s, p) => s + p.areaM2, 0);

/** Metres from (lon, lat) to the nearest edge of the polygon's rings. */
function distanceToRings(lon: number, lat: number, rings: number[][][]): number {
  const [X, Y] = plane.toXY(lon, lat);
  let best = Infinity;
  for (const ring of rings)
    for (let k = 0; k + 1 < ring.length; k++) {
      const [ax, ay] = plane.toXY(ring[k][0], ring[k][1]);
      const [bx, by] = plane.toXY(ring[k + 1][0], ring[k + 1][1]);
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, ((X - ax) * dx + (Y - ay) * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(X - (ax + t * dx), Y - (ay + t * dy)));
    }
  return best;
}

/**
 * Every grid node: inside a piece of `pieces` (clear of its boundary) only where `is(idx)`, and where
 * `clearly(idx)`, inside one unless it lies in a dropped sliver (counted against `droppedM2`).
 */
function checkNodes(
  result: CoverageResult,
  pieces: ChangedPiece[],
  is: (idx: number) => boolean,
  clearly: (idx: number) => boolean,
  droppedM2: number,
) {
  const { grid } = result;
  let missed = 0;
  let inside = 0;
  for (let j = 0; j < grid.height; j++)
    for (let i = 0; i < grid.width; i++) {
      const idx = j * grid.width + i;
      if (result.regionOf[idx] === 0) continue;
      const lon = grid.lon0 + (grid.minX + i * grid.cell) / grid.kx;
      const lat = grid.lat0 + (grid.minY + j * grid.cell) / grid.ky;
      const piece = pieces.find((p) => pointInPolygon(lon, lat, p.coordinates));
      if (piece && distanceToRings(lon, lat, piece.coordinates) > 1) {
        inside++;
        expect(is(idx), `node ${i},${j} inside a piece`).toBe(true);
      }
      if (!piece && clearly(idx)) missed++;
    }
  expect(missed * grid.cell * grid.cell).toBeLessThanOrEqual(droppedM2 + 2 * grid.cell * grid.cell);
  return inside;
}

describe('what a scenario changes, on a street grid', () => {
  const from = { x: 1000, y: 1500 };
  const to = { x: 1900, y: 1500 };
  const before = run([from]);
  const after = run([to]);
  const changes = changedAreas(before, after);

  it('gains and loses the areas worked out by hand, per township', () => {
    const gainedByHand = areaByHand(from, to);
    const lostByHand = areaByHand(to, from);
    // The station moves 900 m east across the border at 1,450 m, halfway: east of it the station is nearer
    // than before, so the gains are all in the eastern township and the losses all in the western one.
    expect(area(changes.gained, 0)).toBe(0);
    expect(area(changes.lost, 1)).toBe(0);
    expect(gainedByHand[0] + lostByHand[1]).toBe(0);
    expect(area(changes.gained, 1)).toBeGreaterThan(500_000);
    expect(area(changes.lost, 0)).toBeGreaterThan(500_000);
    for (const k of [0, 1]) {
      // Contoured on 25 m cells: within 3 % of the closed form, or 2 cells' area for a small piece.
      const slack = (m2: number) => Math.max(0.03 * m2, 1250);
      expect(Math.abs(area(changes.gained, k) - gainedByHand[k])).toBeLessThan(slack(gainedByHand[k]));
      expect(Math.abs(area(changes.lost, k) - lostByHand[k])).toBeLessThan(slack(lostByHand[k]));
    }
    // A translation gains what it loses (to within where the grid's nodes fall).
    expect(Math.abs(area(changes.gained) - area(changes.lost))).toBeLessThan(0.005 * area(changes.lost));
    for (const p of [...changes.gained, ...changes.lost]) expect(p.areaM2).toBeGreaterThanOrEqual(1250);
    expect(changes.gained.map((p) => p.areaM2)).toEqual([...changes.gained.map((p) => p.areaM2)].sort((a, b) => b - a));
  });

  it('holds only nodes covered after and not before in gained, and the reverse in lost', () => {
    const b = before.field;
    const a = after.field;
    const margin = 5; // seconds: about 5.5 m, well inside a 25 m cell
    const gainedInside = checkNodes(
      after,
      changes.gained,
      (idx) => a[idx] <= BUDGET && b[idx] > BUDGET,
      (idx) => a[idx] <= BUDGET - margin && b[idx] > BUDGET + margin,
      changes.dropped.areaM2,
    );
    const lostInside = checkNodes(
      after,
      changes.lost,
      (idx) => b[idx] <= BUDGET && a[idx] > BUDGET,
      (idx) => b[idx] <= BUDGET - margin && a[idx] > BUDGET + margin,
      changes.dropped.areaM2,
    );
    expect(gainedInside).toBeGreaterThan(1000);
    expect(lostInside).toBeGreaterThan(1000);
  });

  it('lists the villages whose status changes, as their distances say, most people first', () => {
    const changed = changedPoints(before, after, population);
    expect(changed.map((c) => villages[c.index].name)).toEqual(
      ['west, lost', 'north-east, gained', 'east, gained'].sort(
        (p, q) => villages.find((v) => v.name === q)!.population - villages.find((v) => v.name === p)!.population,
      ),
    );
    const byName = new Map(changed.map((c) => [villages[c.index].name, c]));
    expect(byName.get('west, lost')).toMatchObject({ before: 'covered', after: 'uncovered' });
    expect(byName.get('west, lost')!.secondsBefore).toBeCloseTo(500 / SPEED, 0);
    expect(byName.get('east, gained')).toMatchObject({ before: 'uncovered', after: 'covered' });
    expect(byName.get('east, gained')!.secondsAfter).toBeCloseTo(500 / SPEED, 0);
    expect(byName.get('north-east, gained')!.secondsAfter).toBeCloseTo(900 / SPEED, 0);
    // The brute-force comparison of the two runs' per-point status.
    const brute = population
      .map((_, i) => i)
      .filter((i) => (before.pointStatus[i] === COVERED) !== (after.pointStatus[i] === COVERED));
    expect(changed.map((c) => c.index).sort()).toEqual(brute.sort());
  });

  it('changes nothing when nothing changes, and loses everything when the only station is switched off', () => {
    const same = changedAreas(before, run([from]));
    expect(same.gained).toEqual([]);
    expect(same.lost).toEqual([]);
    expect(changedPoints(before, run([from]), population)).toEqual([]);

    const none = run([]);
    const off = changedAreas(before, none);
    expect(off.gained).toEqual([]);
    const coveredM2 = before.regions.reduce((s, r) => s + r.coveredCells, 0) * before.cellAreaM2;
    // The lost pieces are the covered area, as the grid counts it, to within its boundary cells.
    expect(Math.abs(area(off.lost) - coveredM2)).toBeLessThan(0.03 * coveredM2);
    const lostPoints = changedPoints(before, none, population);
    expect(lostPoints.every((c) => c.before === 'covered' && c.after === 'uncovered')).toBe(true);
    expect(lostPoints.length).toBe(before.pointStatus.filter((s) => s === COVERED).length);
  });

  it('refuses runs on different budgets', () => {
    const longer = computeCoverage(
      net,
      { stations: [at(from.x, from.y)], population, regions },
      { budget: BUDGET + 60, areaGrid, offroadM: OFFROAD },
    );
    expect(() => changedAreas(before, longer)).toThrow(/budgets differ \(900 s and 960 s\)/);
  });
});
