/**
 * New-station suggestions: the maximal covering location problem with the existing stations fixed.
 * Each candidate site covers the uncovered population points it reaches within the budget (the same
 * time rule as coverage: the point's connector, the network, the new station's connector); a lazy
 * greedy picks the site with the largest gain, k times, re-evaluating a site's gain only when it
 * reaches the top of the queue (gains only shrink as points get covered).
 */
import { shortestTimes } from './dijkstra.js';
import { snapToStreet, type Snap } from './snap.js';
import { sourcesFromSnap, DEFAULT_MAX_SNAP_M, type ModeNetwork } from './service-area.js';
import { UNCOVERED, type CoverageResult } from './coverage.js';
import type { MinHeap } from './heap.js';

export interface Candidate {
  lon: number;
  lat: number;
  /** Where it came from: a grid over the gaps, an uncovered village or community, or the planner. */
  source: 'gap-grid' | 'population' | 'planner';
}

export interface Suggestion {
  candidate: number;
  lon: number;
  lat: number;
  source: Candidate['source'];
  /** People this site covers that nothing covered before it (existing stations and earlier picks). */
  newlyCovered: number;
  runningTotal: number;
  points: number[];
}

/** For each candidate, the uncovered population points it would cover. */
export function candidateCoverage(
  net: ModeNetwork,
  coverage: CoverageResult,
  population: { lon: number; lat: number; population: number }[],
  candidates: Candidate[],
  options: { maxSnapM?: number; heap?: MinHeap } = {},
): number[][] {
  const maxSnap = options.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  const v = net.profile.accessSpeed;
  const { graph, edgeTime } = net;
  const budget = coverage.budget;
  const open = population.map((_, i) => i).filter((i) => coverage.pointStatus[i] === UNCOVERED);
  const pointSnaps = new Map<number, Snap>();
  for (const i of open) {
    const s = snapToStreet(graph, net.street, population[i].lon, population[i].lat, maxSnap);
    if (s) pointSnaps.set(i, s);
  }
  return candidates.map((c) => {
    const snap = snapToStreet(graph, net.street, c.lon, c.lat, maxSnap);
    if (!snap) return [];
    const connector = snap.distance / v;
    if (connector > budget) return [];
    const { time } = shortestTimes(graph, edgeTime, sourcesFromSnap(net, snap, connector), budget, options.heap);
    const covered: number[] = [];
    for (const [i, p] of pointSnaps) {
      const e = p.edge;
      const length = graph.edgeLength[e];
      const perMetre = length > 0 ? edgeTime[e] / length : 0;
      const oneway = graph.edgeOneway[e];
      let t = Infinity;
      if (oneway !== -1) t = time[graph.edgeFrom[e]] + p.along * perMetre;
      if (oneway !== 1) t = Math.min(t, time[graph.edgeTo[e]] + (length - p.along) * perMetre);
      if (e === snap.edge && (p.along >= snap.along ? oneway !== -1 : oneway !== 1))
        t = Math.min(t, connector + Math.abs(p.along - snap.along) * perMetre);
      if (t + p.distance / v <= budget) covered.push(i);
    }
    return covered;
  });
}

export function lazyGreedy(
  sets: number[][],
  weights: ArrayLike<number>,
  k: number,
): { picks: number[]; gains: number[] } {
  const covered = new Uint8Array(weights.length);
  const gainOf = (c: number) => sets[c].reduce((s, i) => s + (covered[i] ? 0 : weights[i]), 0);
  // Upper bounds, highest first; ties go to the lower index so results are stable.
  const bound = sets.map((_, c) => gainOf(c));
  const order = sets.map((_, c) => c).sort((a, b) => bound[b] - bound[a] || a - b);
  const fresh = new Uint8Array(sets.length);
  const picks: number[] = [];
  const gains: number[] = [];
  while (picks.length < k && order.length) {
    fresh.fill(0);
    for (;;) {
      const top = order[0];
      if (fresh[top]) break;
      bound[top] = gainOf(top);
      fresh[top] = 1;
      // Sink the re-evaluated top to its place.
      let p = 0;
      while (
        p + 1 < order.length &&
        (bound[order[p + 1]] > bound[top] || (bound[order[p + 1]] === bound[top] && order[p + 1] < top))
      ) {
        order[p] = order[p + 1];
        p++;
      }
      order[p] = top;
    }
    const best = order.shift()!;
    if (bound[best] <= 0) break;
    picks.push(best);
    gains.push(bound[best]);
    for (const i of sets[best]) covered[i] = 1;
  }
  return { picks, gains };
}

export function suggestSites(
  net: ModeNetwork,
  coverage: CoverageResult,
  population: { lon: number; lat: number; population: number }[],
  candidates: Candidate[],
  k: number,
  options: { maxSnapM?: number; heap?: MinHeap } = {},
): Suggestion[] {
  const sets = candidateCoverage(net, coverage, population, candidates, options);
  const { picks, gains } = lazyGreedy(
    sets,
    population.map((p) => p.population),
    k,
  );
  const taken = new Set<number>();
  let running = 0;
  return picks.map((c, q) => {
    running += gains[q];
    const points = sets[c].filter((i) => !taken.has(i));
    for (const i of points) taken.add(i);
    return {
      candidate: c,
      lon: candidates[c].lon,
      lat: candidates[c].lat,
      source: candidates[c].source,
      newlyCovered: gains[q],
      runningTotal: running,
      points,
    };
  });
}

/** Candidate sites: grid nodes in the gaps every `spacing` metres, and every uncovered population point. */
export function gapCandidates(
  coverage: CoverageResult,
  population: { lon: number; lat: number; region: number }[],
  options: { spacingM?: number; region?: number } = {},
): Candidate[] {
  const { grid, field, regionOf, budget } = coverage;
  const stride = Math.max(1, Math.round((options.spacingM ?? 300) / grid.cell));
  const out: Candidate[] = [];
  for (let j = 0; j < grid.height; j += stride)
    for (let i = 0; i < grid.width; i += stride) {
      const idx = j * grid.width + i;
      const r = regionOf[idx];
      if (r === 0 || field[idx] <= budget) continue;
      if (options.region !== undefined && r !== options.region + 1) continue;
      out.push({
        lon: grid.lon0 + (grid.minX + i * grid.cell) / grid.kx,
        lat: grid.lat0 + (grid.minY + j * grid.cell) / grid.ky,
        source: 'gap-grid',
      });
    }
  population.forEach((p, i) => {
    if (coverage.pointStatus[i] === UNCOVERED && (options.region === undefined || p.region === options.region))
      out.push({ lon: p.lon, lat: p.lat, source: 'population' });
  });
  return out;
}
