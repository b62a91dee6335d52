/**
 * Distances on the WGS-84 ellipsoid. Street segments are short (metres to a few hundred metres), so the
 * length of a segment is measured in the local tangent plane at its midpoint, scaled by the ellipsoid's
 * meridional and prime-vertical radii: the error against the true geodesic is below 1e-6 of the length.
 * Why ours: it is cheap-ruler's formula in ten lines (cheap-ruler is not installed, so not timed): 22 ns a
 * distance and within 9e-9 of Vincenty on street-length segments across China, where haversine (turf's
 * distance) takes 48 ns and is off by up to 0.46 % (tests/geo/why-ours.bench.ts).
 */
const A = 6378137; // semi-major axis (m)
const F = 1 / 298.257223563;
const E2 = F * (2 - F); // first eccentricity squared
const RAD = Math.PI / 180;

/**
 * The area of the zone between latitudes φ0 and φ0 + δ per radian of longitude, as a polynomial in δ
 * (radians): Z(δ) = Σ c[k] δ^k, k = 1..6, from Z' = M N cos φ = b² cos φ / (1 − e² sin² φ)² by power-series
 * arithmetic. Truncation error is of order δ⁷: below 1e-12 of the area for δ up to 1° (a county is 0.5°).
 */
export function zoneAreaSeries(lat0: number): Float64Array {
  const N = 6; // Z to δ^6, so Z' to δ^5
  const s0 = Math.sin(lat0 * RAD);
  const c0 = Math.cos(lat0 * RAD);
  const sin = new Float64Array(N);
  const cos = new Float64Array(N);
  let fact = 1;
  const dSin = [s0, c0, -s0, -c0];
  for (let k = 0; k < N; k++) {
    if (k > 0) fact *= k;
    sin[k] = dSin[k % 4] / fact;
    cos[k] = dSin[(k + 1) % 4] / fact;
  }
  const mul = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(N);
    for (let i = 0; i < N; i++) for (let j = 0; i + j < N; j++) out[i + j] += x[i] * y[j];
    return out;
  };
  const w = mul(sin, sin).map((v, k) => (k === 0 ? 1 : 0) - E2 * v); // 1 − e² sin² φ
  const inv = new Float64Array(N); // 1 / w
  inv[0] = 1 / w[0];
  for (let k = 1; k < N; k++) {
    let acc = 0;
    for (let i = 1; i <= k; i++) acc += w[i] * inv[k - i];
    inv[k] = -acc * inv[0];
  }
  const dz = mul(cos, mul(inv, inv));
  const B2 = A * A * (1 - E2);
  const c = new Float64Array(N + 1);
  for (let k = 0; k < N; k++) c[k + 1] = (B2 * dz[k]) / (k + 1);
  return c;
}

/** Metres per degree of longitude and of latitude at a latitude. */
export function metresPerDegree(lat: number): { kx: number; ky: number } {
  const s = Math.sin(lat * RAD);
  const w = 1 - E2 * s * s;
  const n = A / Math.sqrt(w); // prime vertical radius
  const m = (A * (1 - E2)) / (w * Math.sqrt(w)); // meridional radius
  return { kx: n * Math.cos(lat * RAD) * RAD, ky: m * RAD };
}

/** Distance in metres between two nearby lon/lat points. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const { kx, ky } = metresPerDegree((lat1 + lat2) / 2);
  let dLon = lon2 - lon1;
  if (dLon > 180) dLon -= 360;
  else if (dLon < -180) dLon += 360;
  const dx = dLon * kx;
  const dy = (lat2 - lat1) * ky;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Geodesic length in metres of a polyline given as [lon, lat] pairs. */
export function polylineLengthM(coords: ArrayLike<readonly number[]>): number {
  let total = 0;
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1];
    const b = coords[i];
    total += distanceM(a[0], a[1], b[0], b[1]);
  }
  return total;
}

/**
 * A local plane (metres east and north of an origin) for geometry that spans a county at most. The
 * generator works in it, and tests use it to lay out fixtures; it is exact at the origin and off by
 * under 0.1 % 30 km away, which is why nothing measured is computed in it.
 */
export class LocalPlane {
  readonly kx: number;
  readonly ky: number;
  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    const k = metresPerDegree(lat0);
    this.kx = k.kx;
    this.ky = k.ky;
  }
  toLonLat(x: number, y: number): [number, number] {
    return [this.lon0 + x / this.kx, this.lat0 + y / this.ky];
  }
  toXY(lon: number, lat: number): [number, number] {
    return [(lon - this.lon0) * this.kx, (lat - this.lat0) * this.ky];
  }
}
