/**
 * The planners' own data: stations, township boundaries and population points, validated row by
 * row. One bad row rejects the whole file with every row's reason, and nothing is written: the
 * writes happen in one transaction after validation.
 */
import type { Kysely } from 'kysely';
import {
  SERVICE_CATEGORIES,
  type Database,
  type NewPopulationPoint,
  type ServiceCategory,
  type StationLevel,
} from '../db/schema.js';
import { assertAreaGeometry, pointInArea, type AreaGeometry } from '../geo/polygon.js';
import { normalizeOpeningHours, validateOpeningHours } from '../domain/opening-hours.js';
import { labelPoint } from '../geo/label-point.js';
import {
  ImportError,
  parseCoordinate,
  pick,
  readTable,
  toWgs84,
  type Crs,
  type TableFormat,
  type TableRow,
} from './tables.js';

const LEVELS: Record<string, StationLevel> = {
  中心: 'center',
  实践中心: 'center',
  新时代文明实践中心: 'center',
  center: 'center',
  所: 'institute',
  实践所: 'institute',
  新时代文明实践所: 'institute',
  institute: 'institute',
  站: 'station',
  实践站: 'station',
  新时代文明实践站: 'station',
  station: 'station',
  点: 'point',
  实践点: 'point',
  实践基地: 'point',
  基地: 'point',
  新时代文明实践点: 'point',
  point: 'point',
};

const SERVICE_NAMES: Record<string, ServiceCategory> = {
  理论宣讲: 'theory',
  文化文艺: 'culture',
  科普: 'science',
  科学普及: 'science',
  卫生健康: 'health',
  医疗卫生: 'health',
  法律: 'law',
  法律服务: 'law',
  体育健身: 'sports',
  助老助残: 'elderly',
  关爱儿童: 'children',
  环境卫生: 'environment',
  移风易俗: 'customs',
  ...Object.fromEntries(SERVICE_CATEGORIES.map((c) => [c, c])),
};

export interface ImportSummary {
  kind: 'stations' | 'regions' | 'population';
  created: number;
  updated: number;
  replaced?: number;
}

type RowError = { row: number; message: string };

/** Said after an unreadable 开放时间: the Chinese forms the import converts. */
const CHINESE_HOURS_HINT = '（也可写成“周一至周五 9:00-17:00；周六 9:00-12:00；节假日休息”这样的中文）';

function rejectIfErrors(errors: RowError[], total: number) {
  if (errors.length) {
    const shown = errors.slice(0, 200);
    throw new ImportError(`${errors.length} of ${total} rows are invalid; nothing was imported`, shown);
  }
}

async function loadTownships(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'name', 'geometry', 'level', 'parent_code'])
    .where('level', 'in', ['township', 'village'])
    .execute();
  const townships = rows
    .filter((r) => r.level === 'township')
    .map((r) => ({
      code: r.code,
      name: r.name,
      geometry: r.geometry ? (JSON.parse(r.geometry) as AreaGeometry) : null,
    }));
  const villages = rows
    .filter((r) => r.level === 'village')
    .map((r) => ({ code: r.code, name: r.name, parent: r.parent_code }));
  return { townships, villages };
}

export async function importStations(
  db: Kysely<Database>,
  data: Buffer,
  format: TableFormat,
  crs: Crs,
): Promise<ImportSummary> {
  const rows = await readTable(data, format);
  if (rows.length === 0) throw new ImportError('No rows to import');
  const { townships, villages } = await loadTownships(db);
  if (townships.length === 0) throw new ImportError('No township boundaries yet: import them first (import-regions)');
  const errors: RowError[] = [];
  const valid: {
    row: TableRow;
    station: Omit<Database['stations'], 'id' | 'created_at' | 'updated_at'> & { id?: never };
  }[] = [];
  for (const row of rows) {
    const v = row.values;
    const problems: string[] = [];
    const name = pick(v, ['名称', 'name']);
    if (!name) problems.push('名称 name is missing');
    else if (name.length > 100) problems.push('名称 name is longer than 100 characters');
    const levelRaw = pick(v, ['级别', 'level']);
    const level = LEVELS[levelRaw];
    if (!level)
      problems.push(
        `级别 level "${levelRaw}" is not one of 中心/实践所/实践站/实践点 (center/institute/station/point)`,
      );
    const townshipRaw = pick(v, ['乡镇/街道', '乡镇', '街道', 'township']);
    const township = townships.find((t) => t.name === townshipRaw || t.code === townshipRaw);
    if (!township) problems.push(`乡镇/街道 township "${townshipRaw}" is not among the imported townships`);
    const villageRaw = pick(v, ['村/社区', '村', '社区', 'village']);
    let villageCode: string | null = null;
    if (villageRaw && township) {
      const village = villages.find(
        (x) => (x.name === villageRaw || x.code === villageRaw) && x.parent === township.code,
      );
      if (village) villageCode = village.code;
    }
    const lon = parseCoordinate(pick(v, ['经度', 'lon', 'lng', 'longitude']), 'lon');
    const lat = parseCoordinate(pick(v, ['纬度', 'lat', 'latitude']), 'lat');
    if (typeof lon === 'string') problems.push(lon);
    if (typeof lat === 'string') problems.push(lat);
    let point: [number, number] | null = null;
    if (typeof lon === 'number' && typeof lat === 'number') {
      point = toWgs84(lon, lat, crs);
      if (township?.geometry && !pointInArea(point[0], point[1], township.geometry)) {
        const actual = townships.find((t) => t.geometry && pointInArea(point![0], point![1], t.geometry));
        problems.push(
          `(${lon}, ${lat}) lies ${actual ? `in ${actual.name}` : 'outside every township'}, not in ${township.name}${crs === 'wgs84' ? ' (a GCJ-02 or BD-09 file needs --crs)' : ''}`,
        );
      }
    }
    const phone = pick(v, ['联系电话', '电话', 'phone']);
    if (phone && !/^[0-9+() -]{3,30}$/.test(phone)) problems.push(`联系电话 phone "${phone}" is not a phone number`);
    const servicesRaw = pick(v, ['服务项目', 'services']);
    const services: ServiceCategory[] = [];
    for (const part of servicesRaw.split(/[、,，;；/\s]+/).filter(Boolean)) {
      const key = SERVICE_NAMES[part];
      if (!key) problems.push(`服务项目 services: "${part}" is not a known category`);
      else if (!services.includes(key)) services.push(key);
    }
    // Common Chinese forms ("周一至周五 9:00-17:00") are stored in OSM syntax; anything unreadable is refused.
    const hoursRaw = pick(v, ['开放时间', 'hours']);
    const hours = normalizeOpeningHours(hoursRaw);
    if (hours.length > 200) problems.push('开放时间 hours is longer than 200 characters');
    else {
      const why = validateOpeningHours(hours);
      if (why) problems.push(`开放时间 hours "${hoursRaw}": ${why}${CHINESE_HOURS_HINT}`);
    }
    const address = pick(v, ['地址', 'address']);
    if (problems.length) {
      errors.push({ row: row.row, message: problems.join('; ') });
      continue;
    }
    valid.push({
      row,
      station: {
        name,
        level,
        region_code: township!.code,
        village_code: villageCode,
        lon: Math.round(point![0] * 1e7) / 1e7,
        lat: Math.round(point![1] * 1e7) / 1e7,
        address: address.slice(0, 300),
        hours,
        services: JSON.stringify(SERVICE_CATEGORIES.filter((c) => services.includes(c))),
        description: pick(v, ['简介', '说明', 'description']),
        contact_name: pick(v, ['联系人', 'contact']),
        contact_phone: phone,
      } as never,
    });
  }
  const seen = new Map<string, number>();
  for (const { row, station } of valid) {
    const key = `${station.region_code}|${station.name}`;
    if (seen.has(key))
      errors.push({
        row: row.row,
        message: `名称 name "${station.name}" appears twice in ${station.region_code} (also row ${seen.get(key)})`,
      });
    else seen.set(key, row.row);
  }
  errors.sort((a, b) => a.row - b.row);
  rejectIfErrors(errors, rows.length);
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    let created = 0;
    let updated = 0;
    for (const { station } of valid) {
      // Re-importing the same sheet updates stations rather than duplicating them.
      const existing = await trx
        .selectFrom('stations')
        .select('id')
        .where('name', '=', station.name)
        .where('region_code', '=', station.region_code)
        .executeTakeFirst();
      if (existing) {
        await trx
          .updateTable('stations')
          .set({ ...station, updated_at: now })
          .where('id', '=', existing.id)
          .execute();
        updated++;
      } else {
        await trx
          .insertInto('stations')
          .values({ ...station, created_at: now, updated_at: now })
          .execute();
        created++;
      }
    }
    return { kind: 'stations' as const, created, updated };
  });
}

export async function importRegions(db: Kysely<Database>, data: Buffer, format: TableFormat): Promise<ImportSummary> {
  if (format !== 'geojson') throw new ImportError('Township boundaries come as GeoJSON (properties name, code)');
  const rows = await readTable(data, format);
  if (rows.length === 0) throw new ImportError('No features to import');
  const errors: RowError[] = [];
  const valid: { code: string; name: string; geometry: AreaGeometry }[] = [];
  const codes = new Set<string>();
  for (const row of rows) {
    const problems: string[] = [];
    const name = pick(row.values, ['name', '名称']);
    const code = pick(row.values, ['code', '代码', '统计代码']);
    if (!name) problems.push('name is missing');
    if (!/^[0-9]{12}$/.test(code)) problems.push(`code "${code}" is not a 12-digit statistics code`);
    else if (codes.has(code)) problems.push(`code ${code} appears twice`);
    codes.add(code);
    let geometry: AreaGeometry | null = null;
    try {
      geometry = assertAreaGeometry(row.geometry, 'geometry');
    } catch (err) {
      problems.push((err as Error).message);
    }
    if (problems.length) errors.push({ row: row.row, message: problems.join('; ') });
    else valid.push({ code, name, geometry: geometry! });
  }
  const districts = new Set(valid.map((v) => v.code.slice(0, 6)));
  if (districts.size > 1)
    errors.push({ row: 1, message: `townships of more than one county (${[...districts].join(', ')}) in one file` });
  rejectIfErrors(errors, rows.length);
  const districtCode = `${[...districts][0]}000000`;
  return db.transaction().execute(async (trx) => {
    const district = await trx.selectFrom('regions').select('code').where('code', '=', districtCode).executeTakeFirst();
    if (!district) {
      const lon =
        valid[0].geometry.type === 'Polygon'
          ? valid[0].geometry.coordinates[0][0][0]
          : valid[0].geometry.coordinates[0][0][0][0];
      const lat =
        valid[0].geometry.type === 'Polygon'
          ? valid[0].geometry.coordinates[0][0][1]
          : valid[0].geometry.coordinates[0][0][0][1];
      await trx
        .insertInto('regions')
        .values({
          code: districtCode,
          name: `区县 ${districtCode.slice(0, 6)}`,
          level: 'district',
          kind: 'district',
          parent_code: null,
          geometry: null,
          label_lon: lon,
          label_lat: lat,
          population: 0,
        })
        .execute();
    }
    let created = 0;
    let updated = 0;
    for (const t of valid) {
      // Inside the township however it is shaped (a vertex mean falls outside a C-shaped one).
      const label = labelPoint(t.geometry);
      const values = {
        name: t.name,
        level: 'township' as const,
        kind: (t.name.endsWith('街道') ? 'subdistrict' : 'town') as 'subdistrict' | 'town',
        parent_code: districtCode,
        geometry: JSON.stringify(t.geometry),
        label_lon: label.lon,
        label_lat: label.lat,
      };
      const existing = await trx.selectFrom('regions').select('code').where('code', '=', t.code).executeTakeFirst();
      if (existing) {
        await trx.updateTable('regions').set(values).where('code', '=', t.code).execute();
        updated++;
      } else {
        await trx
          .insertInto('regions')
          .values({ code: t.code, population: 0, ...values })
          .execute();
        created++;
      }
    }
    return { kind: 'regions' as const, created, updated };
  });
}

export async function importPopulation(
  db: Kysely<Database>,
  data: Buffer,
  format: TableFormat,
  crs: Crs,
): Promise<ImportSummary> {
  const rows = await readTable(data, format);
  if (rows.length === 0) throw new ImportError('No rows to import');
  const { townships } = await loadTownships(db);
  if (townships.length === 0) throw new ImportError('No township boundaries yet: import them first (import-regions)');
  const errors: RowError[] = [];
  const valid: NewPopulationPoint[] = [];
  for (const row of rows) {
    const v = row.values;
    const problems: string[] = [];
    const name = pick(v, ['名称', 'name']);
    if (!name) problems.push('名称 name is missing');
    const popRaw = pick(v, ['人口', 'population']);
    const population = Number(popRaw);
    if (!/^[0-9]+$/.test(popRaw) || population > 10_000_000)
      problems.push(`人口 population "${popRaw}" is not a whole number of people`);
    const lon = parseCoordinate(pick(v, ['经度', 'lon', 'lng']), 'lon');
    const lat = parseCoordinate(pick(v, ['纬度', 'lat']), 'lat');
    if (typeof lon === 'string') problems.push(lon);
    if (typeof lat === 'string') problems.push(lat);
    let township = null;
    let point: [number, number] | null = null;
    if (typeof lon === 'number' && typeof lat === 'number') {
      point = toWgs84(lon, lat, crs);
      township = townships.find((t) => t.geometry && pointInArea(point![0], point![1], t.geometry));
      if (!township) problems.push(`(${lon}, ${lat}) lies outside every township`);
    }
    if (problems.length) errors.push({ row: row.row, message: problems.join('; ') });
    else
      valid.push({
        name,
        kind: /村$/.test(name) ? 'village' : 'community',
        region_code: township!.code,
        township_code: township!.code,
        lon: Math.round(point![0] * 1e7) / 1e7,
        lat: Math.round(point![1] * 1e7) / 1e7,
        population,
      } as never);
  }
  rejectIfErrors(errors, rows.length);
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('population_points')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    // A population file is the whole picture: it replaces the points before it.
    await trx.deleteFrom('population_points').execute();
    for (let i = 0; i < valid.length; i += 1000)
      await trx
        .insertInto('population_points')
        .values(valid.slice(i, i + 1000))
        .execute();
    for (const t of townships) {
      const sum = valid.filter((p) => p.township_code === t.code).reduce((s, p) => s + p.population, 0);
      await trx.updateTable('regions').set({ population: sum }).where('code', '=', t.code).execute();
    }
    return { kind: 'population' as const, created: valid.length, updated: 0, replaced: Number(before.n) };
  });
}
