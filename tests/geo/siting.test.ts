/** New-station suggestions: greedy against exhaustive search, and gains that add up when applied. */
import { describe, expect, it } from 'vitest';
import { computeCoverage, type CoverageInput } from '../../server/src/geo/coverage.js';
import { candidateCoverage, gapCandidates, lazyGreedy, suggestSites } from '../../server/src/geo/siting.js';
import type { AreaGeometry } from '../../server/src/geo/polygon.js';
import { generateDemo } from '../../server/src/demo/generate.js';
import { Random } from '../../server/src/demo/random.js';
import { modeNetwork } from '../support/networks.js';

function bestSubset(sets: number[][], weights: number[], k: number): number {
  let best = 0;
  const rec = (start: number, chosen: number[]) => {
    if (chosen.length === k) {
      const covered = new Set(chosen.flatMap((c) => sets[c]));
      best = Math.max(
        best,
        [...covered].reduce((s, i) => s + weights[i], 0),
      );
      return;
    }
    for (let c = start; c < sets.length; c++) rec(c + 1, [...chosen, c]);
  };
  rec(0, []);
  return best;
}

describe('lazy greedy', () => {
  it('k = 1: the same pick as exhaustive search on random instances', () => {
    const rng = new Random(5);
    for (let trial = 0; trial < 50; trial++) {
      const weights = Array.from({ length: 15 }, () => rng.int(1, 100));
      const sets = Array.from({ length: 8 }, () => rng.sample([...weights.keys()], rng.int(0, 6)));
      const { gains } = lazyGreedy(sets, weights, 1);
      expect(gains[0] ?? 0).toBe(bestSubset(sets, weights, 1));
    }
  });

  it('k = 2, 3: within the (1 - 1/e) guarantee of the optimum, and equal to it when the sets are disjoint', () => {
    const rng = new Random(6);
    let equal = 0;
    for (let trial = 0; trial < 40; trial++) {
      const weights = Array.from({ length: 14 }, () => rng.int(1, 100));
      const sets = Array.from({ length: 8 }, () => rng.sample([...weights.keys()], rng.int(1, 5)));
      for (const k of [2, 3]) {
        const total = lazyGreedy(sets, weights, k).gains.reduce((s, g) => s + g, 0);
        const opt = bestSubset(sets, weights, k);
        expect(total).toBeGreaterThanOrEqual((1 - 1 / Math.E) * opt);
        if (total === opt) equal++;
      }
      const disjoint = [...weights.keys()].reduce<number[][]>((acc, i) => {
        acc[i % 7] = [...(acc[i % 7] ?? []), i];
        return acc;
      }, []);
      expect(lazyGreedy(disjoint, weights, 3).gains.reduce((s, g) => s + g, 0)).toBe(bestSubset(disjoint, weights, 3));
    }
    expect(equal).toBeGreaterThan(60); // greedy is usually optimal on instances this small
  });

  it('re-evaluates lazily but picks exactly what the eager greedy picks', () => {
    const rng = new Random(8);
    for (let trial = 0; trial < 30; trial++) {
      const weights = Array.from({ length: 30 }, () => rng.int(1, 100));
      const sets = Array.from({ length: 20 }, () => rng.sample([...weights.keys()], rng.int(0, 8)));
      const covered = new Set<number>();
      const eager: number[] = [];
      for (let q = 0; q < 5; q++) {
        let best = -1,
          bestGain = 0;
        sets.forEach((set, c) => {
          const g = set.reduce((s, i) => s + (covered.has(i) ? 0 : weights[i]), 0);
          if (g > bestGain) {
            best = c;
            bestGain = g;
          }
        });
        if (best < 0) break;
        eager.push(bestGain);
        for (const i of sets[best]) covered.add(i);
      }
      expect(lazyGreedy(sets, weights, 5).gains).toEqual(eager);
    }
  });
});

describe('suggestions on the demo district', () => {
  const demo = generateDemo({ seed: 4, now: Date.parse('2026-11-24T02:00:00Z') });
  const net = modeNetwork(demo.osm);
  const townships = demo.regions.filter((r) => r.level === 'township');
  const population = demo.populationPoints.map((p) => ({
    lon: p.lon,
    lat: p.lat,
    population: p.population,
    region: townships.findIndex((t) => t.code === p.township_code),
  }));
  const input: CoverageInput = {
    stations: demo.stations.filter((s) => s.level !== 'point').map((s) => ({ lon: s.lon, lat: s.lat })),
    population,
    regions: townships.map((t) => ({ geometry: JSON.parse(t.geometry!) as AreaGeometry })),
  };

  it('gains add up to the coverage change when the suggestions are built', () => {
    const before = computeCoverage(net, input, { budget: 900 });
    const candidates = gapCandidates(before, population);
    const suggestions = suggestSites(net, before, population, candidates, 5);
    expect(suggestions).toHaveLength(5);
    for (let q = 1; q < suggestions.length; q++)
      expect(suggestions[q].newlyCovered).toBeLessThanOrEqual(suggestions[q - 1].newlyCovered);
    const after = computeCoverage(
      net,
      { ...input, stations: [...input.stations, ...suggestions.map((s) => ({ lon: s.lon, lat: s.lat }))] },
      { budget: 900 },
    );
    const covered = (r: typeof before) => r.regions.reduce((s, x) => s + x.coveredPopulation, 0);
    expect(covered(after) - covered(before)).toBe(suggestions[4].runningTotal);
  });

  it('the first pick is the best single candidate by exhaustive evaluation', () => {
    const before = computeCoverage(net, input, { budget: 900 });
    const candidates = gapCandidates(before, population);
    const sets = candidateCoverage(net, before, population, candidates);
    const best = Math.max(...sets.map((set) => set.reduce((s, i) => s + population[i].population, 0)));
    expect(suggestSites(net, before, population, candidates, 1)[0].newlyCovered).toBe(best);
  });
});
