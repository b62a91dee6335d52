/**
 * What a scenario changes against the saved state, from the two coverage runs on one grid: the areas
 * gained (covered with the scenario, not before) and lost (the reverse) per township, contoured like
 * the gaps, and the population points whose status changes.
 *
 * Both runs share the township raster (the same AreaGrid), so their fields line up node for node.
 * gained is { after ≤ budget < before }, contoured as the continuous max(after − budget, budget − before)
 * < 0, so the boundary is interpolated inside a cell wherever both fields are; lost is the same with the
 * runs swapped. Pieces smaller than the grid resolves (under two 25 m cells, 1,250 m², the gaps' own
 * threshold) are dropped: at that size the difference is a matter of where the grid's nodes fall, not
 * of the scenario. `dropped` counts them and their area, so an answer can say what it left out.
 */
import { COVERED, contourInRegion, type CoverageResult, type GridBox } from './coverage.js';

export interface ChangedPiece {
  region: number;
  coordinates: number[][][];
  areaM2: number;
}

export interface ChangedAreas {
  gained: ChangedPiece[];
  lost: ChangedPiece[];
  /** Pieces under the minimum area, left out. */
  dropped: { pieces: number; areaM2: number };
}

/** The window of grid nodes whose coverage differs between the runs (in any region), or null. */
export function changedWindow(before: CoverageResult, after: CoverageResult): GridBox | null {
  const { field: a, regionOf, grid } = before;
  const b = after.field;
  const budget = before.budget;
  const width = grid.width;
  let i0 = Infinity;
  let i1 = -Infinity;
  let j0 = Infinity;
  let j1 = -Infinity;
  for (let idx = 0; idx < a.length; idx++) {
    if (a[idx] <= budget === b[idx] <= budget || regionOf[idx] === 0) continue;
    const j = (idx / width) | 0;
    const i = idx - j * width;
    if (i < i0) i0 = i;
    if (i > i1) i1 = i;
    if (j < j0) j0 = j;
    if (j > j1) j1 = j;
  }
  return Number.isFinite(i0) ? { i0, i1, j0, j1 } : null;
}

/**
 * The areas gained and lost per region, largest first. The runs must share one grid and budget
 * (computeCoverage with the same areaGrid), else this throws.
 */
export function changedAreas(
  before: CoverageResult,
  after: CoverageResult,
  minAreaM2 = 2 * before.cellAreaM2,
): ChangedAreas {
  const g = before.grid;
  const h = after.grid;
  if (g.width !== h.width || g.height !== h.height || g.minX !== h.minX || g.minY !== h.minY || g.lon0 !== h.lon0)
    throw new Error('changedAreas: the two runs are not on one grid');
  if (before.budget !== after.budget)
    throw new Error(`changedAreas: budgets differ (${before.budget} s and ${after.budget} s)`);
  const out: ChangedAreas = { gained: [], lost: [], dropped: { pieces: 0, areaM2: 0 } };
  const window = changedWindow(before, after);
  if (!window) return out;
  const budget = before.budget;
  const a = before.field;
  const b = after.field;
  // Negative exactly where the node is covered in `to` and not in `from`.
  const gain = (idx: number) => Math.max(b[idx] - budget, budget - a[idx]);
  const loss = (idx: number) => Math.max(a[idx] - budget, budget - b[idx]);
  before.regionBox.forEach((box, k) => {
    if (box.i1 < window.i0 || box.i0 > window.i1 || box.j1 < window.j0 || box.j0 > window.j1) return;
    for (const [value, list] of [
      [gain, out.gained],
      [loss, out.lost],
    ] as const) {
      for (const piece of contourInRegion(before, k, value, 0, window)) {
        if (piece.areaM2 >= minAreaM2) list.push({ region: k, ...piece });
        else {
          out.dropped.pieces++;
          out.dropped.areaM2 += piece.areaM2;
        }
      }
    }
  });
  out.gained.sort((p, q) => q.areaM2 - p.areaM2);
  out.lost.sort((p, q) => q.areaM2 - p.areaM2);
  return out;
}

export interface ChangedPoint {
  /** Index in the population list. */
  index: number;
  before: 'covered' | 'uncovered';
  after: 'covered' | 'uncovered';
  /** Seconds to the nearest counted station, Infinity where none is within the search. */
  secondsBefore: number;
  secondsAfter: number;
}

/**
 * Population points covered in one run and not in the other, most people first (then by index). An
 * unreachable point (too far from every street) counts as uncovered, and never changes.
 */
export function changedPoints(
  before: CoverageResult,
  after: CoverageResult,
  population: ArrayLike<{ population: number }>,
): ChangedPoint[] {
  const out: ChangedPoint[] = [];
  for (let i = 0; i < before.pointStatus.length; i++) {
    const was = before.pointStatus[i] === COVERED;
    const is = after.pointStatus[i] === COVERED;
    if (was === is) continue;
    out.push({
      index: i,
      before: was ? 'covered' : 'uncovered',
      after: is ? 'covered' : 'uncovered',
      secondsBefore: before.pointTime[i],
      secondsAfter: after.pointTime[i],
    });
  }
  return out.sort((p, q) => population[q.index].population - population[p.index].population || p.index - q.index);
}
