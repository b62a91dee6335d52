/**
 * Label points: inside the township however it is shaped. The C-shaped township has its centroid (and
 * its vertex mean) in the bay it wraps round; the label must sit inside, well away from the border.
 * Expected values come from a brute-force search on a 20 m grid over the polygon, independent of polylabel.
 */
import { describe, expect, it } from 'vitest';
import { labelPoint } from '../../server/src/geo/label-point.js';
import { LocalPlane } from '../../server/src/geo/ellipsoid.js';
import { pointInArea, type AreaGeometry, type Ring } from '../../server/src/geo/polygon.js';

const plane = new LocalPlane(116.62, 36.18);

/** A C-shaped township about 6 km across, open to the east, in metres. */
const C_SHAPE = [
  [0, 0],
  [6000, 0],
  [6000, 1800],
  [2000, 2200],
  [2200, 3800],
  [6000, 4200],
  [5800, 6000],
  [300, 5900],
  [-400, 3000],
  [0, 0],
];

const toRing = (xy: number[][], dx = 0): Ring => xy.map(([x, y]) => plane.toLonLat(x + dx, y));

function distanceToBorder(x: number, y: number, rings: number[][][]): number {
  let best = Infinity;
  for (const ring of rings)
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = ring[i - 1];
      const [bx, by] = ring[i];
      const t = Math.max(
        0,
        Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
      );
      best = Math.min(best, Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)));
    }
  return best;
}

/** The largest distance to the border of any point inside, on a 20 m grid (in the plane). */
function bruteForcePole(rings: number[][][]): { x: number; y: number; d: number } {
  const geometry: AreaGeometry = { type: 'Polygon', coordinates: rings };
  let best = { x: 0, y: 0, d: -1 };
  for (let x = -500; x <= 6100; x += 20)
    for (let y = -100; y <= 6100; y += 20) {
      if (!pointInArea(x, y, geometry)) continue;
      const d = distanceToBorder(x, y, rings);
      if (d > best.d) best = { x, y, d };
    }
  return best;
}

function areaCentroid(ring: number[][]): [number, number] {
  let a = 0,
    cx = 0,
    cy = 0;
  for (let i = 1; i < ring.length; i++) {
    const f = ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
    a += f;
    cx += (ring[i - 1][0] + ring[i][0]) * f;
    cy += (ring[i - 1][1] + ring[i][1]) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

describe('label points', () => {
  it('puts the label of a C-shaped township inside it, as far from the border as the brute-force search finds, where the centroid falls outside', () => {
    const geometry: AreaGeometry = { type: 'Polygon', coordinates: [toRing(C_SHAPE)] };
    const [cx, cy] = areaCentroid(C_SHAPE);
    expect(pointInArea(...plane.toLonLat(cx, cy), geometry)).toBe(false);
    const vertexMean = C_SHAPE.slice(1).reduce((s, p) => [s[0] + p[0] / 9, s[1] + p[1] / 9], [0, 0]);
    expect(pointInArea(...plane.toLonLat(vertexMean[0], vertexMean[1]), geometry)).toBe(false);

    const label = labelPoint(geometry);
    expect(pointInArea(label.lon, label.lat, geometry)).toBe(true);
    const [x, y] = plane.toXY(label.lon, label.lat);
    const d = distanceToBorder(x, y, [C_SHAPE]);
    const reference = bruteForcePole([C_SHAPE]);
    expect(d).toBeGreaterThan(800);
    // polylabel to 1 m against a 20 m grid: at least as deep as the grid's best, less its half-diagonal.
    expect(d).toBeGreaterThan(reference.d - 15);
    expect(label.insideM).toBeCloseTo(d, -1);
  });

  it('measures "farthest inside" in metres, not degrees: at 53° N a degree of longitude is 0.6 of one of latitude', () => {
    // Two lobes joined by a corridor. West: 0.06° × 0.06°, i.e. 4.0 km wide and 6.7 km tall on the ground,
    // so its pole is 2.0 km inside. East: 0.1° × 0.045°, i.e. 6.7 km by 5.0 km, 2.5 km inside. Measured in
    // degrees the west lobe wins (0.03° against 0.0225°), which is where an unscaled polylabel puts it.
    const ring: Ring = [
      [120, 53],
      [120.06, 53],
      [120.06, 53.025],
      [120.1, 53.025],
      [120.1, 53.0075],
      [120.2, 53.0075],
      [120.2, 53.0525],
      [120.1, 53.0525],
      [120.1, 53.035],
      [120.06, 53.035],
      [120.06, 53.06],
      [120, 53.06],
      [120, 53],
    ];
    const label = labelPoint({ type: 'Polygon', coordinates: [ring] });
    expect(label.lon).toBeGreaterThan(120.1);
    expect(label.insideM).toBeGreaterThan(2400);
    expect(label.insideM).toBeLessThan(2600);
  });

  it('labels a MultiPolygon on its largest part and keeps out of holes', () => {
    const small = toRing(
      C_SHAPE.map(([x, y]) => [x / 10, y / 10]),
      20000,
    );
    const hole = toRing([
      [2500, 4500],
      [2500, 5500],
      [4500, 5500],
      [4500, 4500],
      [2500, 4500],
    ]);
    const geometry: AreaGeometry = { type: 'MultiPolygon', coordinates: [[small], [toRing(C_SHAPE), hole]] };
    const label = labelPoint(geometry);
    const [x, y] = plane.toXY(label.lon, label.lat);
    expect(x).toBeLessThan(7000); // on the large part
    expect(pointInArea(label.lon, label.lat, geometry)).toBe(true);
    expect(
      distanceToBorder(x, y, [
        C_SHAPE,
        [
          [2500, 4500],
          [2500, 5500],
          [4500, 5500],
          [4500, 4500],
          [2500, 4500],
        ],
      ]),
    ).toBeGreaterThan(500);
  });
});
