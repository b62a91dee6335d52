/**
 * Smaller polygons and lines for the wire. Contours come out with a vertex on every grid cell edge they
 * cross (25 m) and seven decimals; Douglas–Peucker (@turf/simplify, highQuality) at 1 m in a local metric
 * plane keeps every point of the outline within 1 m of where it was, and six decimals (0.1 m) are kept.
 * A polygon whose area would change by more than 0.2 % is sent rounded only (or as it was, where even
 * that moves a tiny polygon's area too much), so no answer a user reads changes; areas in responses are
 * measured before simplification. Rings stay valid: a ring that would fall below four positions or to
 * zero area is kept as it was, except a hole smaller than the tolerance squared, which is dropped.
 */
import { simplify } from '@turf/simplify';
import { metresPerDegree } from './ellipsoid.js';
import { ringAreaM2 } from './polygon.js';

export const OUTPUT_TOLERANCE_M = 1;
export const OUTPUT_MAX_AREA_CHANGE = 0.002;

export interface SimplifyOptions {
  toleranceM?: number;
  maxAreaChange?: number;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Rounds to six decimals (after `map`) and drops positions that then repeat the previous one. */
function roundLine(line: number[][], map?: (p: number[]) => number[]): number[][] {
  const out: number[][] = [];
  let lastX = NaN;
  let lastY = NaN;
  for (const p of line) {
    const q = map ? map(p) : p;
    const x = round6(q[0]);
    const y = round6(q[1]);
    if (x !== lastX || y !== lastY) out.push([x, y]);
    lastX = x;
    lastY = y;
  }
  return out;
}

/** A ring is valid with four positions or more, the last equal to the first. */
function validRing(ring: number[][]): boolean {
  if (ring.length < 4) return false;
  const a = ring[0];
  const b = ring[ring.length - 1];
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * Douglas–Peucker on a line or closed ring, in metres about its first position; back in degrees rounded to
 * six decimals, without positions that then repeat. Null where turf cannot clean a ring to four positions.
 */
function simplifyInPlane(line: number[][], toleranceM: number, closed: boolean): number[][] | null {
  const lon0 = line[0][0];
  const lat0 = line[0][1];
  const { kx, ky } = metresPerDegree(lat0);
  const xy = line.map((p) => [(p[0] - lon0) * kx, (p[1] - lat0) * ky]);
  let kept: number[][];
  try {
    const geometry = closed
      ? { type: 'Polygon' as const, coordinates: [xy] }
      : { type: 'LineString' as const, coordinates: xy };
    simplify(geometry, { tolerance: toleranceM, highQuality: true, mutate: true });
    kept = closed ? (geometry.coordinates as number[][][])[0] : (geometry.coordinates as number[][]);
  } catch {
    return null;
  }
  return roundLine(kept, (p) => [lon0 + p[0] / kx, lat0 + p[1] / ky]);
}

/**
 * The polygon with each ring replaced by `candidate(ring)` where that is a valid ring of positive area, kept
 * as it was where not (an outer ring, or a hole of at least `minHoleM2`), or dropped (a smaller hole);
 * null when its area moves by more than `maxChange` of the original's.
 */
function replaceRings(
  rings: number[][][],
  candidate: (ring: number[][]) => number[][] | null,
  minHoleM2: number,
  maxChange: number,
): number[][][] | null {
  const out: number[][][] = [];
  let before = 0;
  let after = 0;
  for (let r = 0; r < rings.length; r++) {
    const sign = r === 0 ? 1 : -1;
    const original = ringAreaM2(rings[r]);
    before += sign * original;
    const ring = candidate(rings[r]);
    const area = ring && validRing(ring) ? ringAreaM2(ring) : 0;
    if (area > 0) {
      out.push(ring!);
      after += sign * area;
    } else if (r === 0 || original >= minHoleM2) {
      out.push(rings[r]);
      after += sign * original;
    }
  }
  return Math.abs(after - before) <= maxChange * Math.abs(before) ? out : null;
}

/** One polygon (outer ring, then holes), simplified within the tolerance and the area bound. */
export function simplifyPolygon(rings: number[][][], options: SimplifyOptions = {}): number[][][] {
  const tolerance = options.toleranceM ?? OUTPUT_TOLERANCE_M;
  const maxChange = options.maxAreaChange ?? OUTPUT_MAX_AREA_CHANGE;
  const minHole = tolerance * tolerance;
  return (
    replaceRings(rings, (ring) => simplifyInPlane(ring, tolerance, true), minHole, maxChange) ??
    // Rounded only, or as it was where even rounding moves a small polygon's area too much.
    replaceRings(rings, (ring) => roundLine(ring), minHole, maxChange) ??
    rings
  );
}

/** Every polygon of a MultiPolygon, each on its own. */
export function simplifyMultiPolygon(polygons: number[][][][], options: SimplifyOptions = {}): number[][][][] {
  return polygons.map((p) => simplifyPolygon(p, options));
}

/** A line within the tolerance, rounded to six decimals; its ends stay where they are. */
export function simplifyLine(line: number[][], options: SimplifyOptions = {}): number[][] {
  const out =
    line.length < 3 ? roundLine(line) : simplifyInPlane(line, options.toleranceM ?? OUTPUT_TOLERANCE_M, false);
  return out && out.length >= 2 ? out : line; // shorter than the rounding: as it was
}
