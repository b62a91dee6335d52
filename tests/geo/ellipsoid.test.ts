import { describe, expect, it } from 'vitest';
import { distanceM, LocalPlane, metresPerDegree, polylineLengthM } from '../../server/src/geo/ellipsoid.js';
import { Random } from '../../server/src/demo/random.js';

/** Vincenty's inverse formula on WGS-84: an independent reference for the geodesic distance. */
function vincenty(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const rad = Math.PI / 180;
  const L = (lon2 - lon1) * rad;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
  const sinU1 = Math.sin(U1),
    cosU1 = Math.cos(U1),
    sinU2 = Math.sin(U2),
    cosU2 = Math.cos(U2);
  let lambda = L;
  let sinSigma = 0,
    cosSigma = 0,
    sigma = 0,
    cos2Alpha = 0,
    cos2SigmaM = 0;
  for (let i = 0; i < 200; i++) {
    const sinL = Math.sin(lambda),
      cosL = Math.cos(lambda);
    sinSigma = Math.sqrt((cosU2 * sinL) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosL) ** 2);
    if (sinSigma === 0) return 0;
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda =
      L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
    if (Math.abs(lambda - prev) < 1e-13) break;
  }
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const dSigma =
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM ** 2) -
          (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
  return b * A * (sigma - dSigma);
}

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
