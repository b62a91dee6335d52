/** Questions about the imported boundaries that several routes ask. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { pointInArea, type AreaGeometry } from '../geo/polygon.js';

/** Whether a point lies inside the district; true when no district boundary has been imported. */
export async function insideDistrict(db: Kysely<Database>, lon: number, lat: number): Promise<boolean> {
  const rows = await db.selectFrom('regions').select(['geometry']).where('level', '=', 'district').execute();
  const shapes = rows.filter((r) => r.geometry).map((r) => JSON.parse(r.geometry!) as AreaGeometry);
  return !shapes.length || shapes.some((g) => pointInArea(lon, lat, g));
}
