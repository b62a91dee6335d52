/**
 * Whether a (Multi)Polygon read from outside can be a region's boundary: every ring closed, of at least four
 * positions and three distinct corners, finite lon/lat within ±180/±90, some area, crossing neither itself
 * nor another ring, each hole inside its outer ring, no part inside another, and not more vertices than a
 * region may have. Pure: the caller decides what to do with the problems, each of which names the ring and
 * a place (`ring 0 crosses itself near 116.61000, 36.18000`).
 *
 * Crossings are found by a sweep along the geometry's longer axis that compares each segment with those whose
 * extents overlap its own: every pair that could meet goes through one exhaustive test, so degenerate cases
 * need no special ordering. On realistic boundaries that is near-linear: a wavy 20,000-vertex circle takes
 * 11-13 ms and 225,000 comparisons, a wiggly 20,000-vertex strip 70,000. A ring built to defeat it (20,000
 * spokes, every extent overlapping every other) would be quadratic, so the comparisons are bounded at
 * 10 million (45 times the circle's) and such a ring is refused after 150 ms (tests/geo/ring-validity.test.ts).
 * The vertex count is checked first, so an oversized ring is refused before any of this work.
 */
import { pointInRing, ringAreaM2, type AreaGeometry } from './polygon.js';

export interface AreaLimits {
  /** Positions in all the rings of one geometry. */
  maxVertices: number;
  /** The least area a ring may enclose, in m²: less is a digitizing slip, not a place. */
  minRingAreaM2: number;
  /** Segment pairs the crossing check may compare before it gives up and refuses the geometry. */
  maxComparisons: number;
}

export const REGION_LIMITS: AreaLimits = { maxVertices: 20_000, minRingAreaM2: 100, maxComparisons: 10_000_000 };

export interface AreaCheck {
  /** The geometry when it passed every check, else null. */
  geometry: AreaGeometry | null;
  /** Positions counted (also when over the limit). */
  vertices: number;
  /** Segment comparisons the crossing check made (a caller checking many geometries can share a budget). */
  comparisons: number;
  problems: string[];
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `116.61000, 36.18000`: five decimals are about a metre. */
export const formatPlace = (lon: number, lat: number) => `${lon.toFixed(5)}, ${lat.toFixed(5)}`;

/** A ring without its consecutive repeated positions, as flat x/y arrays; the closing position is kept. */
interface CleanRing {
  /** `ring 0` or `polygon 1 ring 0`. */
  label: string;
  polygon: number;
  ring: number;
  x: Float64Array;
  y: Float64Array;
  /** Segments: x.length - 1. */
  segments: number;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
  (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);

/** Whether c lies within the box of a–b (used once c is known to be on the line a–b). */
const within = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
  Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);

const NONE = 0;
const TOUCH = 1;
const CROSS = 2;

function touchAt(at: [number, number], x: number, y: number): number {
  at[0] = x;
  at[1] = y;
  return TOUCH;
}

/**
 * How segments a–b and c–d meet: NONE, TOUCH (in one point that is an end of one of them) or CROSS (their
 * interiors cross, or they overlap along a stretch); `at` receives a point where they meet.
 */
function meet(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
  at: [number, number],
): number {
  const d1 = orient(cx, cy, dx, dy, ax, ay);
  const d2 = orient(cx, cy, dx, dy, bx, by);
  const d3 = orient(ax, ay, bx, by, cx, cy);
  const d4 = orient(ax, ay, bx, by, dx, dy);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const t = d1 / (d1 - d2);
    at[0] = ax + t * (bx - ax);
    at[1] = ay + t * (by - ay);
    return CROSS;
  }
  if (d1 === 0 && d2 === 0) {
    // Collinear: they overlap along a stretch when more than one point is shared.
    let shared = 0;
    let sx = 0;
    let sy = 0;
    const share = (px: number, py: number) => {
      if (shared === 0) {
        sx = px;
        sy = py;
        shared = 1;
      } else if (px !== sx || py !== sy) shared = 2;
    };
    if (within(cx, cy, dx, dy, ax, ay)) share(ax, ay);
    if (within(cx, cy, dx, dy, bx, by)) share(bx, by);
    if (within(ax, ay, bx, by, cx, cy)) share(cx, cy);
    if (within(ax, ay, bx, by, dx, dy)) share(dx, dy);
    if (shared === 0) return NONE;
    at[0] = sx;
    at[1] = sy;
    return shared === 2 ? CROSS : TOUCH;
  }
  // Not collinear: they touch when an end of one lies on the other.
  if (d1 === 0 && within(cx, cy, dx, dy, ax, ay)) return touchAt(at, ax, ay);
  if (d2 === 0 && within(cx, cy, dx, dy, bx, by)) return touchAt(at, bx, by);
  if (d3 === 0 && within(ax, ay, bx, by, cx, cy)) return touchAt(at, cx, cy);
  if (d4 === 0 && within(ax, ay, bx, by, dx, dy)) return touchAt(at, dx, dy);
  return NONE;
}

/** Positions in a (Multi)Polygon read from outside, without looking inside them; 0 when it is not one. */
export function positionCount(value: unknown): number {
  const g = value as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object' || !Array.isArray(g.coordinates)) return 0;
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return 0;
  return countPositions(g.type === 'MultiPolygon' ? g.coordinates : [g.coordinates]) ?? 0;
}

/** Counts positions without looking inside them; null when the nesting is not that of a (Multi)Polygon. */
function countPositions(polygons: unknown[]): number | null {
  let n = 0;
  for (const polygon of polygons) {
    if (!Array.isArray(polygon)) return null;
    for (const ring of polygon) {
      if (!Array.isArray(ring)) return null;
      n += ring.length;
    }
  }
  return n;
}

/**
 * Checks a geometry read from a file. The problems say which rule failed and where; the geometry comes
 * back only when there are none.
 */
export function checkAreaGeometry(value: unknown, limits: AreaLimits = REGION_LIMITS): AreaCheck {
  const g = value as { type?: unknown; coordinates?: unknown } | null;
  const fail = (message: string, vertices = 0): AreaCheck => ({
    geometry: null,
    vertices,
    comparisons: 0,
    problems: [message],
  });
  if (!g || typeof g !== 'object') return fail('geometry is missing');
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
    return fail(`geometry is ${JSON.stringify(g.type)}, not a Polygon or MultiPolygon`);
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return fail(`geometry: ${g.type} has no rings`);
  const multi = g.type === 'MultiPolygon';
  const polygons = (multi ? g.coordinates : [g.coordinates]) as unknown[];
  // Counted before anything else: an oversized ring is refused before any work that grows with it.
  const vertices = countPositions(polygons);
  if (vertices === null) return fail(`geometry: the coordinates of a ${g.type} are not nested arrays of rings`);
  if (vertices > limits.maxVertices)
    return fail(
      `geometry has ${thousands(vertices)} positions, more than the ${thousands(limits.maxVertices)} a region may have (simplify it, e.g. mapshaper -simplify 10%)`,
      vertices,
    );

  const problems: string[] = [];
  const rings: CleanRing[] = [];
  (polygons as unknown[][]).forEach((polygon, p) => {
    if (polygon.length === 0) problems.push(`${multi ? `polygon ${p}` : 'polygon'} has no outer ring`);
    polygon.forEach((raw, r) => {
      const label = multi ? `polygon ${p} ring ${r}` : `ring ${r}`;
      const ring = raw as unknown[];
      for (let i = 0; i < ring.length; i++) {
        const q = ring[i] as unknown[];
        if (
          !Array.isArray(q) ||
          q.length < 2 ||
          typeof q[0] !== 'number' ||
          typeof q[1] !== 'number' ||
          !Number.isFinite(q[0]) ||
          !Number.isFinite(q[1]) ||
          Math.abs(q[0]) > 180 ||
          Math.abs(q[1]) > 90
        ) {
          problems.push(`${label} position ${i} is ${JSON.stringify(q)}, not [lon, lat] within ±180, ±90`);
          return;
        }
      }
      const positions = ring as number[][];
      if (positions.length < 4) {
        problems.push(`${label} has ${positions.length} positions; a ring needs at least 4 (the first repeated last)`);
        return;
      }
      const first = positions[0];
      const last = positions[positions.length - 1];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        problems.push(
          `${label} is not closed: it starts at ${formatPlace(first[0], first[1])} and ends at ${formatPlace(last[0], last[1])} (GeoJSON repeats the first position at the end)`,
        );
        return;
      }
      const x: number[] = [first[0]];
      const y: number[] = [first[1]];
      for (let i = 1; i < positions.length; i++) {
        const [px, py] = positions[i];
        if (px !== x[x.length - 1] || py !== y[y.length - 1]) {
          x.push(px);
          y.push(py);
        }
      }
      if (x.length < 4) {
        problems.push(`${label} has ${x.length - 1} distinct corners near ${formatPlace(x[0], y[0])}; a ring needs 3`);
        return;
      }
      let bent = false;
      for (let i = 2; i < x.length - 1 && !bent; i++) bent = orient(x[0], y[0], x[1], y[1], x[i], y[i]) !== 0;
      if (!bent) {
        problems.push(`${label} encloses no area: all its positions lie on one line near ${formatPlace(x[0], y[0])}`);
        return;
      }
      rings.push({
        label,
        polygon: p,
        ring: r,
        x: Float64Array.from(x),
        y: Float64Array.from(y),
        segments: x.length - 1,
      });
    });
  });
  if (problems.length) return { geometry: null, vertices, comparisons: 0, problems };

  const { crossing, comparisons } = findCrossing(rings, limits.maxComparisons);
  if (crossing) return { geometry: null, vertices, comparisons, problems: [crossing] };

  for (const ring of rings) {
    const area = ringAreaM2(Array.from(ring.x, (v, i) => [v, ring.y[i]]));
    if (area < limits.minRingAreaM2)
      problems.push(
        `${ring.label} encloses ${area < 1 ? area.toPrecision(2) : Math.round(area)} m², less than the ${limits.minRingAreaM2} m² a ring must have, near ${formatPlace(ring.x[0], ring.y[0])}`,
      );
  }
  if (problems.length) return { geometry: null, vertices, comparisons, problems };

  const nesting = nestingProblem(rings);
  if (nesting) return { geometry: null, vertices, comparisons, problems: [nesting] };
  return { geometry: g as AreaGeometry, vertices, comparisons, problems: [] };
}

/**
 * The first place where a ring crosses or touches itself, folds back on itself, or crosses another ring;
 * different rings may touch in a point (as OGC allows) but not cross or share a stretch. A sweep along the
 * geometry's longer axis tests each segment against the segments whose extent along that axis overlaps its
 * own (and then whose boxes overlap), so every pair that could meet is tested by `meet`, degenerate cases
 * included. `budget` bounds the comparisons; past it the answer is a refusal, not a guess.
 */
function findCrossing(rings: CleanRing[], budget: number): { crossing: string | null; comparisons: number } {
  // Folds first: two consecutive segments running back over each other (a spike).
  for (const ring of rings) {
    const { x, y, segments: m } = ring;
    for (let i = 0; i < m; i++) {
      const a = i === 0 ? m - 1 : i - 1; // the corner at vertex i joins segment a and segment i
      const px = x[a];
      const py = y[a];
      const bx = x[i];
      const by = y[i];
      const cx = x[i + 1];
      const cy = y[i + 1];
      if (orient(px, py, bx, by, cx, cy) === 0 && (px - bx) * (cx - bx) + (py - by) * (cy - by) > 0)
        return { crossing: `${ring.label} folds back on itself near ${formatPlace(bx, by)}`, comparisons: 0 };
    }
  }

  const total = rings.reduce((s, r) => s + r.segments, 0);
  const ringOf = new Uint32Array(total);
  const indexIn = new Uint32Array(total);
  // Each segment's extent: u along the sweep axis, v across it.
  const u0 = new Float64Array(total);
  const u1 = new Float64Array(total);
  const v0 = new Float64Array(total);
  const v1 = new Float64Array(total);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const { x, y } of rings)
    for (let i = 0; i < x.length; i++) {
      if (x[i] < minX) minX = x[i];
      if (x[i] > maxX) maxX = x[i];
      if (y[i] < minY) minY = y[i];
      if (y[i] > maxY) maxY = y[i];
    }
  const alongX = maxX - minX >= maxY - minY;
  let k = 0;
  rings.forEach((ring, r) => {
    const [us, vs] = alongX ? [ring.x, ring.y] : [ring.y, ring.x];
    for (let i = 0; i < ring.segments; i++, k++) {
      ringOf[k] = r;
      indexIn[k] = i;
      u0[k] = Math.min(us[i], us[i + 1]);
      u1[k] = Math.max(us[i], us[i + 1]);
      v0[k] = Math.min(vs[i], vs[i + 1]);
      v1[k] = Math.max(vs[i], vs[i + 1]);
    }
  });
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => u0[a] - u0[b]);

  const at: [number, number] = [0, 0];
  const active = new Uint32Array(total);
  let activeCount = 0;
  let work = 0;
  for (let o = 0; o < total; o++) {
    const s = order[o];
    const r = ringOf[s];
    const ring = rings[r];
    const i = indexIn[s];
    const ax = ring.x[i];
    const ay = ring.y[i];
    const bx = ring.x[i + 1];
    const by = ring.y[i + 1];
    const start = u0[s];
    let kept = 0;
    work += activeCount;
    if (work > budget)
      return {
        crossing: `geometry is too intricate to check for crossings (more than ${thousands(budget)} segment comparisons); simplify it`,
        comparisons: work,
      };
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      if (u1[t] < start) continue; // behind the sweep: dropped
      active[kept++] = t;
      if (v1[t] < v0[s] || v1[s] < v0[t]) continue;
      const r2 = ringOf[t];
      const j = indexIn[t];
      if (r2 === r) {
        const m = ring.segments;
        const lo = Math.min(i, j);
        const hi = Math.max(i, j);
        if (hi === lo + 1 || (lo === 0 && hi === m - 1)) continue; // neighbours share a corner (folds done above)
      }
      const other = rings[r2];
      const kind = meet(ax, ay, bx, by, other.x[j], other.y[j], other.x[j + 1], other.y[j + 1], at);
      if (kind === NONE || (kind === TOUCH && r2 !== r)) continue;
      // The later ring crosses the earlier one (a hole its shell, a part the one before).
      const [one, two] = r2 > r ? [other, ring] : [ring, other];
      const crossing =
        r2 === r
          ? `${ring.label} ${kind === CROSS ? 'crosses' : 'touches'} itself near ${formatPlace(at[0], at[1])}`
          : `${one.label} crosses ${two.label} near ${formatPlace(at[0], at[1])}`;
      return { crossing, comparisons: work };
    }
    activeCount = kept;
    active[activeCount++] = s;
  }
  return { crossing: null, comparisons: work };
}

/** A corner of `ring` that is not on `other`'s outline (rings that do not cross share at most corners). */
function cornerOff(ring: CleanRing, other: CleanRing): number {
  for (let i = 0; i < ring.segments; i++) {
    let on = false;
    for (let j = 0; j < other.segments && !on; j++)
      on =
        orient(other.x[j], other.y[j], other.x[j + 1], other.y[j + 1], ring.x[i], ring.y[i]) === 0 &&
        within(other.x[j], other.y[j], other.x[j + 1], other.y[j + 1], ring.x[i], ring.y[i]);
    if (!on) return i;
  }
  return -1;
}

function ringArray(ring: CleanRing): number[][] {
  return Array.from(ring.x, (v, i) => [v, ring.y[i]]);
}

/** Each hole inside its own outer ring, and no part of a MultiPolygon inside another part. */
function nestingProblem(rings: CleanRing[]): string | null {
  const shells = rings.filter((r) => r.ring === 0);
  const shellRing = new Map(shells.map((s) => [s.polygon, ringArray(s)]));
  for (const hole of rings) {
    if (hole.ring === 0) continue;
    const shell = shells.find((s) => s.polygon === hole.polygon)!;
    const c = cornerOff(hole, shell);
    if (c < 0 || !pointInRing(hole.x[c], hole.y[c], shellRing.get(hole.polygon)!))
      return `${hole.label} is a hole outside its outer ring, near ${formatPlace(hole.x[Math.max(c, 0)], hole.y[Math.max(c, 0)])}`;
  }
  if (shells.length > 1) {
    const boxes = shells.map((s) => [Math.min(...s.x), Math.min(...s.y), Math.max(...s.x), Math.max(...s.y)]);
    for (let a = 0; a < shells.length; a++)
      for (let b = 0; b < shells.length; b++) {
        if (a === b) continue;
        const [ax0, ay0, ax1, ay1] = boxes[a];
        const [bx0, by0, bx1, by1] = boxes[b];
        if (ax0 < bx0 || ay0 < by0 || ax1 > bx1 || ay1 > by1) continue; // a's box is not within b's
        const c = cornerOff(shells[a], shells[b]);
        if (c < 0 || !pointInRing(shells[a].x[c], shells[a].y[c], shellRing.get(shells[b].polygon)!)) continue;
        // Inside b's outline: allowed only within one of b's holes (an island in a lake).
        const inHole = rings.some(
          (h) =>
            h.polygon === shells[b].polygon && h.ring > 0 && pointInRing(shells[a].x[c], shells[a].y[c], ringArray(h)),
        );
        if (!inHole)
          return `${shells[a].label} lies inside ${shells[b].label}, near ${formatPlace(shells[a].x[c], shells[a].y[c])}`;
      }
  }
  return null;
}
