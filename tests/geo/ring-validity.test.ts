/** Which region boundaries are refused, with the rule and the place named; and how long the check takes. */
import { describe, expect, it } from 'vitest';
import { checkAreaGeometry, REGION_LIMITS } from '../../server/src/geo/ring-validity.js';
import { Random } from '../../server/src/demo/random.js';

const X = 116.5;
const Y = 36.1;
/** A closed square ring of side s degrees. */
const square = (x: number, y: number, s: number) => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];
const polygon = (...rings: number[][][]) => ({ type: 'Polygon', coordinates: rings });
const problemsOf = (g: unknown) => checkAreaGeometry(g).problems;

describe('region boundaries that pass', () => {
  it('a square, a square with a hole, and a MultiPolygon with an island in its lake', () => {
    expect(problemsOf(polygon(square(X, Y, 0.05)))).toEqual([]);
    expect(problemsOf(polygon(square(X, Y, 0.05), square(X + 0.01, Y + 0.01, 0.01)))).toEqual([]);
    const lake = square(X + 0.01, Y + 0.01, 0.03);
    const island = square(X + 0.02, Y + 0.02, 0.01);
    const g = { type: 'MultiPolygon', coordinates: [[square(X, Y, 0.05), lake], [island]] };
    expect(checkAreaGeometry(g)).toMatchObject({ problems: [], vertices: 15 });
  });

  it('repeated consecutive positions, a hole touching its shell at a corner, and parts touching at a corner', () => {
    const repeated = [
      [X, Y],
      [X + 0.05, Y],
      [X + 0.05, Y],
      [X + 0.05, Y + 0.05],
      [X, Y + 0.05],
      [X, Y],
    ];
    expect(problemsOf(polygon(repeated))).toEqual([]);
    const cornerHole = [
      [X, Y],
      [X + 0.01, Y + 0.02],
      [X + 0.02, Y + 0.01],
      [X, Y],
    ];
    expect(problemsOf(polygon(square(X, Y, 0.05), cornerHole))).toEqual([]);
    const g = { type: 'MultiPolygon', coordinates: [[square(X, Y, 0.05)], [square(X + 0.05, Y + 0.05, 0.05)]] };
    expect(problemsOf(g)).toEqual([]);
  });
});

describe('region boundaries that are refused, naming the rule and the place', () => {
  it('a bow-tie crosses itself where its edges cross', () => {
    const bowTie = [
      [X, Y],
      [X + 0.02, Y + 0.02],
      [X + 0.02, Y],
      [X, Y + 0.02],
      [X, Y],
    ];
    expect(problemsOf(polygon(bowTie))).toEqual([
      `ring 0 crosses itself near ${(X + 0.01).toFixed(5)}, ${(Y + 0.01).toFixed(5)}`,
    ]);
  });

  it('an unclosed ring, too few positions and too few corners', () => {
    const open = square(X, Y, 0.05).slice(0, 4);
    expect(problemsOf(polygon(open))[0]).toMatch(
      /^ring 0 is not closed: it starts at 116\.50000, 36\.10000 and ends at/,
    );
    expect(
      problemsOf(
        polygon([
          [X, Y],
          [X + 1, Y],
          [X, Y],
        ]),
      )[0],
    ).toContain('ring 0 has 3 positions; a ring needs at least 4');
    expect(
      problemsOf(
        polygon([
          [X, Y],
          [X + 1, Y],
          [X + 1, Y],
          [X, Y],
        ]),
      )[0],
    ).toContain('ring 0 has 2 distinct corners');
  });

  it('zero area: all on one line, or a sliver under 100 m²', () => {
    const line = [
      [X, Y],
      [X + 0.01, Y],
      [X + 0.03, Y],
      [X, Y],
    ];
    expect(problemsOf(polygon(line))[0]).toBe(
      'ring 0 encloses no area: all its positions lie on one line near 116.50000, 36.10000',
    );
    // On one line but for rounding: the area rule refuses it.
    const diagonal = [
      [X, Y],
      [X + 0.01, Y + 0.01],
      [X + 0.03, Y + 0.03],
      [X, Y],
    ];
    expect(problemsOf(polygon(diagonal))[0]).toMatch(
      /^ring 0 encloses [0-9.e-]+ m², less than the 100 m² a ring must have, near 116.50000, 36.10000$/,
    );
    const sliver = [
      [X, Y],
      [X + 0.01, Y],
      [X + 0.01, Y + 1e-6],
      [X, Y],
    ]; // 900 m × 0.1 m / 2
    expect(problemsOf(polygon(sliver))[0]).toMatch(/^ring 0 encloses 5\d m², less than the 100 m² a ring must have/);
  });

  it('coordinates that are not finite lon/lat', () => {
    const bad = square(X, Y, 0.05);
    bad[2] = [X, 95];
    expect(problemsOf(polygon(bad))).toEqual(['ring 0 position 2 is [116.5,95], not [lon, lat] within ±180, ±90']);
    bad[2] = ['116', '36'] as never;
    expect(problemsOf(polygon(bad))[0]).toContain('position 2 is ["116","36"]');
    expect(problemsOf({ type: 'Point', coordinates: [X, Y] })).toEqual([
      'geometry is "Point", not a Polygon or MultiPolygon',
    ]);
    expect(problemsOf({ type: 'Polygon', coordinates: [[1, 2, 3]] })).toEqual([
      'ring 0 position 0 is 1, not [lon, lat] within ±180, ±90',
    ]);
    expect(problemsOf({ type: 'Polygon', coordinates: [1, 2] })).toEqual([
      'geometry: the coordinates of a Polygon are not nested arrays of rings',
    ]);
    expect(problemsOf(null)).toEqual(['geometry is missing']);
  });

  it('a spike folding back, and a figure eight touching itself', () => {
    const spike = [
      [X, Y],
      [X + 0.02, Y],
      [X + 0.04, Y],
      [X + 0.03, Y],
      [X + 0.02, Y + 0.02],
      [X, Y],
    ];
    expect(problemsOf(polygon(spike))).toEqual(['ring 0 folds back on itself near 116.54000, 36.10000']);
    const eight = [
      [X, Y],
      [X + 0.02, Y],
      [X + 0.01, Y + 0.01],
      [X + 0.02, Y + 0.02],
      [X, Y + 0.02],
      [X + 0.01, Y + 0.01],
      [X, Y],
    ];
    expect(problemsOf(polygon(eight))).toEqual(['ring 0 touches itself near 116.51000, 36.11000']);
  });

  it('holes crossing their shell or outside it, holes crossing each other, a part inside another', () => {
    const shell = square(X, Y, 0.05);
    expect(problemsOf(polygon(shell, square(X + 0.04, Y + 0.01, 0.02)))[0]).toMatch(/^ring 1 crosses ring 0 near /);
    expect(problemsOf(polygon(shell, square(X + 0.1, Y, 0.01)))).toEqual([
      'ring 1 is a hole outside its outer ring, near 116.60000, 36.10000',
    ]);
    const two = polygon(shell, square(X + 0.01, Y + 0.01, 0.02), square(X + 0.02, Y + 0.02, 0.02));
    expect(problemsOf(two)[0]).toMatch(/^ring 2 crosses ring 1 near /);
    const same = polygon(shell, square(X, Y, 0.05));
    expect(problemsOf(same)[0]).toMatch(/^ring 1 crosses ring 0 near /);
    const nested = { type: 'MultiPolygon', coordinates: [[shell], [square(X + 0.01, Y + 0.01, 0.01)]] };
    expect(problemsOf(nested)).toEqual(['polygon 1 ring 0 lies inside polygon 0 ring 0, near 116.51000, 36.11000']);
    const overlapping = { type: 'MultiPolygon', coordinates: [[shell], [square(X + 0.04, Y + 0.04, 0.05)]] };
    expect(problemsOf(overlapping)[0]).toMatch(/^polygon 1 ring 0 crosses polygon 0 ring 0 near /);
  });

  it('a 400,000-vertex ring is refused by the vertex limit at once, before any geometry work', () => {
    const n = 400_000;
    const ring: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      ring.push([X + 0.05 * Math.cos(a), Y + 0.05 * Math.sin(a)]);
    }
    ring.push(ring[0]);
    const started = performance.now();
    const check = checkAreaGeometry(polygon(ring));
    const ms = performance.now() - started;
    expect(check.problems).toEqual([
      'geometry has 400,001 positions, more than the 20,000 a region may have (simplify it, e.g. mapshaper -simplify 10%)',
    ]);
    expect(check.vertices).toBe(400_001);
    expect(ms).toBeLessThan(20);
  });
});

describe('finding crossings', () => {
  /** The crossings an all-pairs test finds, written independently of the module (proper crossings only). */
  function bruteForceCrosses(ring: number[][]): boolean {
    const m = ring.length - 1;
    const side = (a: number[], b: number[], c: number[]) =>
      Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
    for (let i = 0; i < m; i++)
      for (let j = i + 2; j < m; j++) {
        if (i === 0 && j === m - 1) continue;
        const [a, b, c, d] = [ring[i], ring[i + 1], ring[j], ring[j + 1]];
        if (side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0) return true;
      }
    return false;
  }

  it('agrees with an all-pairs test on 2,000 random rings', () => {
    const random = new Random(11);
    let crossing = 0;
    for (let k = 0; k < 2000; k++) {
      const n = 4 + Math.floor(random.next() * 9);
      const ring: number[][] = [];
      for (let i = 0; i < n; i++) ring.push([X + random.next() * 0.05, Y + random.next() * 0.05]);
      ring.push(ring[0]);
      const expected = bruteForceCrosses(ring);
      if (expected) crossing++;
      const problems = problemsOf(polygon(ring));
      expect(
        problems.some((p) => / crosses itself /.test(p)),
        JSON.stringify(ring),
      ).toBe(expected);
    }
    expect(crossing).toBeGreaterThan(500);
    expect(crossing).toBeLessThan(1950);
  });

  it('takes milliseconds on a realistic 20,000-vertex boundary, and refuses a ring built to defeat the sweep within a bounded time', () => {
    const random = new Random(3);
    const n = REGION_LIMITS.maxVertices - 1;
    const circle: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      const r = 0.05 * (1 + 0.02 * Math.sin(a * 40) + 0.002 * random.next());
      circle.push([X + r * Math.cos(a), Y + r * Math.sin(a)]);
    }
    circle.push(circle[0]);
    checkAreaGeometry(polygon(circle)); // warm up
    let started = performance.now();
    expect(problemsOf(polygon(circle))).toEqual([]);
    const realisticMs = performance.now() - started;

    // Spokes: every segment runs from near the centre to the rim, so every extent overlaps every other.
    const star: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n;
      const r = i % 2 ? 0.05 : 0.0001;
      star.push([X + r * Math.cos(a), Y + r * Math.sin(a)]);
    }
    star.push(star[0]);
    started = performance.now();
    expect(problemsOf(polygon(star))).toEqual([
      'geometry is too intricate to check for crossings (more than 10,000,000 segment comparisons); simplify it',
    ]);
    const adversarialMs = performance.now() - started;
    // The same spokes, 2,000 of them, are checked in full.
    const few = star.filter((_, i) => i % 10 === 0);
    few.push(few[0]);
    expect(problemsOf(polygon(few))).toEqual([]);
    console.log(JSON.stringify({ vertices: n + 1, realisticMs, adversarialMs }));
    expect(realisticMs).toBeLessThan(100);
    expect(adversarialMs).toBeLessThan(500);
  });
});
