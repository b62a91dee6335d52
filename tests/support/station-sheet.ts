/** Large station sheets for the import load tests and bench: townships' label points, jittered. */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/db/schema.js';

export interface Place {
  name: string;
  code: string;
  lon: number;
  lat: number;
}

/** The townships, each with its label point (inside it, by construction). */
export async function townshipPlaces(db: Kysely<Database>): Promise<Place[]> {
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'name', 'label_lon', 'label_lat'])
    .where('level', '=', 'township')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ name: r.name, code: r.code, lon: r.label_lon, lat: r.label_lat }));
}

/** Row k of a station sheet: 测试站k, within about 50 m of its township's label point. */
function station(places: Place[], k: number) {
  const p = places[k % places.length];
  const lon = (p.lon + ((k % 97) - 48) * 1e-5).toFixed(6);
  const lat = (p.lat + ((Math.floor(k / 97) % 97) - 48) * 1e-5).toFixed(6);
  return { name: `测试站${k}`, place: p, lon, lat };
}

/** A CSV of `rows` stations numbered from `from`: the ones below `existing` (see seedStations) update. */
export function stationSheet(places: Place[], rows: number, from = 0): string {
  const lines = ['名称,级别,乡镇/街道,经度,纬度,地址,联系电话,开放时间,服务项目'];
  for (let k = from; k < from + rows; k++) {
    const s = station(places, k);
    lines.push(
      `${s.name},实践站,${s.place.name},${s.lon},${s.lat},测试路${k}号,1390000${String(k % 10000).padStart(4, '0')},周一至周五 9:00-17:00,理论宣讲、卫生健康`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Writes stations 0 … count - 1 of the sheet straight into the database. */
export async function seedStations(db: Kysely<Database>, places: Place[], count: number): Promise<void> {
  const now = new Date().toISOString();
  for (let i = 0; i < count; i += 500)
    await db
      .insertInto('stations')
      .values(
        Array.from({ length: Math.min(500, count - i) }, (_, j) => {
          const s = station(places, i + j);
          return {
            name: s.name,
            level: 'station' as const,
            region_code: s.place.code,
            village_code: null,
            lon: Number(s.lon),
            lat: Number(s.lat),
            address: '',
            hours: '',
            services: '[]',
            description: '',
            contact_name: '',
            contact_phone: '',
            created_at: now,
            updated_at: now,
          };
        }),
      )
      .execute();
}
