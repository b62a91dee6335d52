/** Small geometry helpers for the client (the server's engine is never imported here). */
import { bbox } from '@turf/bbox';

export type AreaGeometry =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

/** [west, south, east, north] of any GeoJSON geometry, for `map.fitBounds`. */
export function bboxOf(geometry: AreaGeometry | GeoJSON.Geometry): [number, number, number, number] {
  const [w, s, e, n] = bbox(geometry as GeoJSON.Geometry);
  return [w, s, e, n];
}
