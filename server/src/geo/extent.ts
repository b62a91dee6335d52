/** Lon/lat boxes measured in metres: how far one reaches beyond another, and the box of a point set. */
import { metresPerDegree } from './ellipsoid.js';
import type { BBox } from './polygon.js';

/** How far, in metres, `inner` reaches beyond `outer` on its farthest side; 0 when it lies within. */
export function beyondM(inner: BBox, outer: BBox): number {
  const { kx, ky } = metresPerDegree((outer[1] + outer[3]) / 2);
  const dLon = Math.max(outer[0] - inner[0], inner[2] - outer[2], 0);
  const dLat = Math.max(outer[1] - inner[1], inner[3] - outer[3], 0);
  return Math.max(dLon * kx, dLat * ky);
}

/** How far, in metres, the box reaches from a point on its farthest side (east–west or north–south). */
export function reachM(box: BBox, lon: number, lat: number): number {
  const { kx, ky } = metresPerDegree(lat);
  return Math.max(
    Math.abs(box[0] - lon) * kx,
    Math.abs(box[2] - lon) * kx,
    Math.abs(box[1] - lat) * ky,
    Math.abs(box[3] - lat) * ky,
  );
}

/** The box of a point set given as coordinate arrays (a street graph's nodes); null when empty. */
export function extentOfPoints(lon: ArrayLike<number>, lat: ArrayLike<number>): BBox | null {
  if (lon.length === 0) return null;
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < lon.length; i++) {
    if (lon[i] < box[0]) box[0] = lon[i];
    if (lat[i] < box[1]) box[1] = lat[i];
    if (lon[i] > box[2]) box[2] = lon[i];
    if (lat[i] > box[3]) box[3] = lat[i];
  }
  return box;
}

/** `116.412–116.833° E, 36.051–36.310° N` (three decimals, about 100 m), for messages. */
export function formatBox(box: BBox): string {
  const lon = (v: number) => `${Math.abs(v).toFixed(3)}`;
  return `${lon(box[0])}–${lon(box[2])}° ${box[0] < 0 ? 'W' : 'E'}, ${lon(box[1])}–${lon(box[3])}° ${box[1] < 0 ? 'S' : 'N'}`;
}
