import { describe, expect, it } from 'vitest';
import { distanceM, LocalPlane, metresPerDegree, polylineLengthM } from '../../server/src/geo/ellipsoid.js';
import { Random } from '../../server/src/demo/random.js';
import { vincentyInverse } from '../support/vincenty.js';

const vincenty = (lon1: number, lat1: number, lon2: number, lat2: number) =>
  vincentyInverse(lon1, lat1, lon2, lat2).distance;

describe('ellipsoid distances', () => {
  it('knows the length of a degree of longitude at the equator (π a / 180)', () => {
    expect(metresPerDegree(0).kx).toBeCloseTo((Math.PI * 6378137) / 180, 6);
  });

  it('knows the length of a degree of latitude (the standard series 111132.954 − 559.822 cos 2φ + 1.175 cos 4φ)', () => {
    for (const lat of [0, 20, 36, 45, 53]) {
      const r = (lat * Math.PI) / 180;
      expect(metresPerDegree(lat).ky).toBeCloseTo(111132.954 - 559.822 * Math.cos(2 * r) + 1.175 * Math.cos(4 * r), 0);
    }
  });

  it('agrees with Vincenty within 1e-5 for street-length segments anywhere in China', () => {
    const rng = new Random(42);
    for (let i = 0; i < 500; i++) {
      const lon = rng.range(73, 135);
      const lat = rng.range(18, 53);
      const lon2 = lon + rng.range(-0.02, 0.02);
      const lat2 = lat + rng.range(-0.02, 0.02);
      const reference = vincenty(lon, lat, lon2, lat2);
      expect(Math.abs(distanceM(lon, lat, lon2, lat2) - reference)).toBeLessThanOrEqual(reference * 1e-5 + 1e-6);
    }
  });

  it('sums polyline lengths segment by segment', () => {
    const line = [
      [116.3, 39.9],
      [116.301, 39.9],
      [116.301, 39.901],
    ];
    expect(polylineLengthM(line)).toBeCloseTo(
      vincenty(116.3, 39.9, 116.301, 39.9) + vincenty(116.301, 39.9, 116.301, 39.901),
      2,
    );
  });

  it('round-trips the local plane', () => {
    const plane = new LocalPlane(116.6, 36.2);
    const [lon, lat] = plane.toLonLat(1234.5, -987.6);
    const [x, y] = plane.toXY(lon, lat);
    expect(x).toBeCloseTo(1234.5, 6);
    expect(y).toBeCloseTo(-987.6, 6);
    expect(distanceM(116.6, 36.2, lon, lat)).toBeCloseTo(Math.hypot(1234.5, 987.6), -1);
  });
});
