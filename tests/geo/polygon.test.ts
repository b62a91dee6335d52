import { describe, expect, it } from 'vitest';
import { areaM2, assertAreaGeometry, bboxOf, pointInArea, type PolygonGeometry } from '../../server/src/geo/polygon.js';

const square = (x0: number, y0: number, s: number) => [
  [x0, y0],
  [x0 + s, y0],
  [x0 + s, y0 + s],
  [x0, y0 + s],
  [x0, y0],
];
const donut: PolygonGeometry = { type: 'Polygon', coordinates: [square(0, 0, 0.01), square(0.004, 0.004, 0.002)] };

describe('polygons', () => {
  it('puts points inside, outside and in a hole', () => {
    expect(pointInArea(0.001, 0.001, donut)).toBe(true);
    expect(pointInArea(0.005, 0.005, donut)).toBe(false); // the hole
    expect(pointInArea(0.011, 0.005, donut)).toBe(false);
    expect(
      pointInArea(0.005, 0.0099, { type: 'MultiPolygon', coordinates: [donut.coordinates, [square(1, 1, 1)]] }),
    ).toBe(true);
  });

  it('measures area in square metres: a 0.01° square at the equator minus its hole', () => {
    // 0.01° of longitude at the equator is 1113.19 m, of latitude 1105.75 m (WGS-84).
    const outer = 1113.195 * 1105.745;
    const hole = 222.639 * 221.149;
    expect(areaM2(donut)).toBeGreaterThan((outer - hole) * 0.999);
    expect(areaM2(donut)).toBeLessThan((outer - hole) * 1.001);
  });

  it('computes a bounding box', () => {
    expect(bboxOf(donut)).toEqual([0, 0, 0.01, 0.01]);
  });

  it.each([
    [{ type: 'Point', coordinates: [0, 0] }, 'expected Polygon or MultiPolygon'],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'at least 4 positions',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [1, 'x'],
            [0, 0],
          ],
        ],
      },
      'invalid position',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [181, 1],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      'invalid position',
    ],
    [null, 'not a GeoJSON geometry'],
  ])('rejects %j, saying why', (value, message) => {
    expect(() => assertAreaGeometry(value, 'row 3 geometry')).toThrow(message);
  });
});
