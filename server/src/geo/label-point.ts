/**
 * Where a region's name goes on the map: the pole of inaccessibility (mapbox's polylabel), the point
 * inside the polygon farthest from its border, so the label of a C-shaped or crescent township lies
 * inside it, where a centroid or a vertex mean may fall outside. Found in a local plane in metres, so
 * "farthest" means metres on the ground and not degrees (a degree of longitude is 0.81 of one of
 * latitude at 36° N).
 */
import polylabel from 'polylabel';
import { metresPerDegree } from './ellipsoid.js';
import { areaM2, type AreaGeometry, type PolygonCoords } from './polygon.js';

/** polylabel's precision, in metres: the answer is within this of the true pole. */
export const LABEL_PRECISION_M = 1;

/** The label point of a (Multi)Polygon (its largest part), rounded to 1e-7°, with its distance from the border. */
export function labelPoint(geometry: AreaGeometry): { lon: number; lat: number; insideM: number } {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let polygon: PolygonCoords = polygons[0];
  if (polygons.length > 1) {
    let best = -1;
    for (const p of polygons) {
      const a = areaM2({ type: 'Polygon', coordinates: p });
      if (a > best) [best, polygon] = [a, p];
    }
  }
  const outer = polygon[0];
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const p of outer) {
    if (p[1] < minLat) minLat = p[1];
    if (p[1] > maxLat) maxLat = p[1];
  }
  const lon0 = outer[0][0];
  const lat0 = (minLat + maxLat) / 2;
  const { kx, ky } = metresPerDegree(lat0);
  const plane = polygon.map((ring) => ring.map((p) => [(p[0] - lon0) * kx, (p[1] - lat0) * ky]));
  const pole = polylabel(plane, LABEL_PRECISION_M);
  const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
  return { lon: round7(lon0 + pole[0] / kx), lat: round7(lat0 + pole[1] / ky), insideM: pole.distance };
}
