/**
 * The demo district's shape in a local metric plane: an outline, townships that tile it exactly, a
 * county town and a river through it. Townships are a power diagram of seeds (urban seeds weighted
 * down so subdistricts stay compact) clipped to the outline; outline and townships then go through one
 * smooth warp, so shared borders stay shared and straight bisectors become plausible wiggly borders.
 */
import type { Random } from './random.js';
import type { XY } from './network-builder.js';

export interface TownshipShape {
  index: number;
  urban: boolean;
  seed: XY;
  ring: XY[];
}

export interface DistrictShape {
  outline: XY[];
  townships: TownshipShape[];
  townCenter: XY;
  /** The county town's built-up radius (m). */
  urbanRadius: number;
  river: XY[];
  warp: (p: XY) => XY;
}

const HALF_WIDTH = 19000;
const HALF_HEIGHT = 14000;

/** Sutherland–Hodgman against the half-plane a·x + b·y <= c (the subject here is always convex). */
function clipHalfPlane(ring: XY[], a: number, b: number, c: number): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % ring.length];
    const fp = a * p[0] + b * p[1] - c;
    const fq = a * q[0] + b * q[1] - c;
    if (fp <= 0) out.push(p);
    if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

/** Inserts points so that no edge is longer than `step`, so the warp bends edges smoothly. */
function densify(ring: XY[], step: number): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i];
    const q = ring[(i + 1) % ring.length];
    const n = Math.max(1, Math.ceil(Math.hypot(q[0] - p[0], q[1] - p[1]) / step));
    for (let k = 0; k < n; k++) out.push([p[0] + ((q[0] - p[0]) * k) / n, p[1] + ((q[1] - p[1]) * k) / n]);
  }
  return out;
}

export function shapeDistrict(rng: Random, townCount: number, subdistrictCount: number): DistrictShape {
  // A smooth warp from a few sinusoids; amplitudes keep its Jacobian positive (no folds).
  const waves = Array.from({ length: 3 }, (_, i) => ({
    amp: [480, 170, 60][i],
    k: (2 * Math.PI) / [9000, 4200, 1900][i],
    dir: rng.range(0, Math.PI),
    phase: rng.range(0, 2 * Math.PI),
    phase2: rng.range(0, 2 * Math.PI),
  }));
  const warp = (p: XY): XY => {
    let dx = 0;
    let dy = 0;
    for (const w of waves) {
      const s = p[0] * Math.cos(w.dir) + p[1] * Math.sin(w.dir);
      const t = -p[0] * Math.sin(w.dir) + p[1] * Math.cos(w.dir);
      dx += w.amp * Math.sin(w.k * t + w.phase);
      dy += w.amp * Math.sin(w.k * s + w.phase2);
    }
    return [p[0] + dx, p[1] + dy];
  };

  const ellipse: XY[] = [];
  for (let i = 0; i < 96; i++) {
    const a = (2 * Math.PI * i) / 96;
    ellipse.push([HALF_WIDTH * Math.cos(a), HALF_HEIGHT * Math.sin(a)]);
  }

  const townCenter: XY = [rng.range(-1500, 1500), rng.range(-1200, 1200)];
  const seeds: { p: XY; w: number; urban: boolean }[] = [];
  const turn = rng.range(0, Math.PI / 2);
  for (let i = 0; i < subdistrictCount; i++) {
    const a = turn + (2 * Math.PI * i) / subdistrictCount + rng.range(-0.2, 0.2);
    const r = rng.range(1500, 2100);
    seeds.push({ p: [townCenter[0] + r * Math.cos(a), townCenter[1] + r * Math.sin(a)], w: -36e6, urban: true });
  }
  const turn2 = rng.range(0, 2 * Math.PI);
  for (let i = 0; i < townCount; i++) {
    const a = turn2 + (2 * Math.PI * i) / townCount + rng.range(-0.15, 0.15);
    const f = rng.range(0.55, 0.68);
    seeds.push({ p: [HALF_WIDTH * f * Math.cos(a), HALF_HEIGHT * f * Math.sin(a)], w: 0, urban: false });
  }

  const townships: TownshipShape[] = seeds.map((s, i) => {
    let cell = ellipse;
    seeds.forEach((o, j) => {
      if (j === i) return;
      // |x - si|² - wi <= |x - sj|² - wj  <=>  2 x·(sj - si) <= |sj|² - |si|² - wj + wi
      const a = 2 * (o.p[0] - s.p[0]);
      const b = 2 * (o.p[1] - s.p[1]);
      const c = o.p[0] ** 2 + o.p[1] ** 2 - s.p[0] ** 2 - s.p[1] ** 2 - o.w + s.w;
      cell = clipHalfPlane(cell, a, b, c);
    });
    return { index: i, urban: s.urban, seed: s.p, ring: densify(cell, 250).map(warp) };
  });

  // The river: west to east through the county town, meandering.
  const river: XY[] = [];
  const a1 = rng.range(1400, 2200);
  const l1 = rng.range(6000, 8000);
  const a2 = rng.range(300, 500);
  const l2 = rng.range(1800, 2600);
  const ph = rng.range(0, 2 * Math.PI);
  const offset = rng.range(250, 500);
  for (let x = -HALF_WIDTH - 3000; x <= HALF_WIDTH + 3000; x += 100) {
    const dx = x - townCenter[0];
    // Damp the large meander near the town so the river runs through it rather than around it.
    const damp = 1 - Math.exp(-((dx / 5000) ** 2));
    river.push([
      x,
      townCenter[1] + offset + damp * a1 * Math.sin(dx / l1) + a2 * Math.sin(dx / l2 + ph) - a2 * Math.sin(ph),
    ]);
  }

  return {
    outline: densify(ellipse, 250).map(warp),
    townships,
    townCenter,
    urbanRadius: 2900,
    river,
    warp,
  };
}

/** Even-odd point in a ring, in the plane. */
export function insideRing(p: XY, ring: XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from a point to a polyline, in the plane. */
export function distanceToPolyline(p: XY, line: XY[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i];
    const [bx, by] = line[i + 1];
    const dx = bx - ax;
    const dy = by - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - ax) * dx + (p[1] - ay) * dy) / l2));
    const d = Math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy);
    if (d < best) best = d;
  }
  return best;
}

/** The river's y at x (it runs west to east, one y per x). */
export function riverY(river: XY[], x: number): number {
  const step = river[1][0] - river[0][0];
  const i = Math.max(0, Math.min(river.length - 2, Math.floor((x - river[0][0]) / step)));
  const t = (x - river[i][0]) / step;
  return river[i][1] + t * (river[i + 1][1] - river[i][1]);
}

/** Offsets a polyline sideways by d metres (left positive), for banks and embankment roads. */
export function offsetPolyline(line: XY[], d: number): XY[] {
  return line.map((p, i) => {
    const a = line[Math.max(0, i - 1)];
    const b = line[Math.min(line.length - 1, i + 1)];
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const l = Math.hypot(dx, dy) || 1;
    return [p[0] - (dy / l) * d, p[1] + (dx / l) * d];
  });
}
