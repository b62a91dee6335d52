/**
 * The planners' own data: stations, township boundaries and population points, validated row by
 * row. One bad row rejects the whole file with every row's reason, and nothing is written: the
 * writes happen in one transaction after validation.
 */
import { sql, type Kysely } from 'kysely';
import {
  SERVICE_CATEGORIES,
  type Database,
  type NewPopulationPoint,
  type ServiceCategory,
  type StationLevel,
} from '../db/schema.js';
import { bboxOf, pointInArea, type AreaGeometry, type BBox } from '../geo/polygon.js';
import { checkAreaGeometry, positionCount, REGION_LIMITS } from '../geo/ring-validity.js';
import { beyondM, formatBox, reachM } from '../geo/extent.js';
import { relocateToTownships, UnplacedStationsError, type Relocation } from '../db/regions.js';
import { normalizeOpeningHours, validateOpeningHours } from '../domain/opening-hours.js';
import { labelPoint } from '../geo/label-point.js';
import { changed, withStagedRows } from './staging.js';
import {
  ImportError,
  Pacer,
  yieldToEventLoop,
  parseCoordinate,
  pick,
  readTable,
  toWgs84,
  type Crs,
  type TableFormat,
  type TableRow,
} from './tables.js';
import { liveStations } from '../db/stations.js';

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
  /** Boundaries imported with mode=replace: the townships removed, and what moved or went with them. */
  removed?: number;
  relocated?: Relocation;
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
  // Boundaries are large: parsed one at a time, giving the event loop its turns between them.
  const pacer = new Pacer();
  const townships: { code: string; name: string; geometry: AreaGeometry | null }[] = [];
  for (const r of rows.filter((x) => x.level === 'township')) {
    townships.push({
      code: r.code,
      name: r.name,
      geometry: r.geometry ? (JSON.parse(r.geometry) as AreaGeometry) : null,
    });
    await pacer.tick();
  }
  const villages = rows
    .filter((r) => r.level === 'village')
    .map((r) => ({ code: r.code, name: r.name, parent: r.parent_code }));
  return { townships, villages };
}

/** The station sheet's columns, each with the header names accepted (Chinese first, then English). */
const STATION_COLUMNS = {
  name: ['名称', 'name'],
  level: ['级别', 'level'],
  township: ['乡镇/街道', '乡镇', '街道', 'township'],
  village: ['村/社区', '村', '社区', 'village'],
  lon: ['经度', 'lon', 'lng', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
  address: ['地址', 'address'],
  phone: ['联系电话', '电话', 'phone'],
  hours: ['开放时间', 'hours'],
  services: ['服务项目', 'services'],
  description: ['简介', '说明', 'description'],
  contact: ['联系人', 'contact'],
};

/** The columns a station is written with, in the order the staged rows carry them. */
const STATION_FIELDS = [
  'id',
  'name',
  'level',
  'region_code',
  'village_code',
  'lon',
  'lat',
  'address',
  'hours',
  'services',
  'description',
  'contact_name',
  'contact_phone',
  'created_at',
  'updated_at',
] as const;

/** Every station's id by `region_code|name`, read in pages so that no single read holds the event loop. */
async function stationIdsByKey(db: Kysely<Database>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let after = 0; ;) {
    const page = await liveStations(db)
      .select(['id', 'name', 'region_code'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(5_000)
      .execute();
    for (const s of page) if (!ids.has(`${s.region_code}|${s.name}`)) ids.set(`${s.region_code}|${s.name}`, s.id);
    if (page.length < 5_000) return ids;
    after = page[page.length - 1].id;
    await yieldToEventLoop();
  }
}

/** Not a Point: a GeoJSON row whose coordinates cannot come from its geometry. */
function notAPoint(row: TableRow, v: Record<string, string>): string | null {
  if (row.geometry && row.geometry.type !== 'Point' && !v.lon && !v.lat)
    return `geometry: a ${row.geometry.type}, where a Point (or lon and lat properties) is expected`;
  return null;
}

export async function importStations(
  db: Kysely<Database>,
  data: Buffer,
  format: TableFormat,
  crs: Crs,
): Promise<ImportSummary> {
  const C = STATION_COLUMNS;
  const rows = await readTable(data, format, {
    columns: { required: [C.name, C.level, C.township, C.lon, C.lat], known: Object.values(C).flat() },
  });
  if (rows.length === 0) throw new ImportError('No rows to import');
  const { townships, villages } = await loadTownships(db);
  if (townships.length === 0) throw new ImportError('No township boundaries yet: import them first (import-regions)');
  // Lookups by key, not by scanning every township, village or station for each row.
  const townshipByKey = new Map<string, (typeof townships)[number]>();
  for (const t of townships) for (const key of [t.name, t.code]) if (!townshipByKey.has(key)) townshipByKey.set(key, t);
  const villageByKey = new Map<string, string>();
  for (const x of villages)
    for (const key of [`${x.parent}|${x.name}`, `${x.parent}|${x.code}`])
      if (!villageByKey.has(key)) villageByKey.set(key, x.code);
  // Sheets repeat the same few opening hours: each distinct value is read once.
  const hoursRead = new Map<string, { hours: string; problem: string | null }>();
  const readHours = (raw: string) => {
    let read = hoursRead.get(raw);
    if (!read) {
      const hours = normalizeOpeningHours(raw);
      const why = hours.length > 200 ? null : validateOpeningHours(hours);
      read = {
        hours,
        problem:
          hours.length > 200
            ? '开放时间 hours is longer than 200 characters'
            : why
              ? `开放时间 hours "${raw}": ${why}${CHINESE_HOURS_HINT}`
              : null,
      };
      hoursRead.set(raw, read);
    }
    return read;
  };
  const errors: RowError[] = [];
  const valid: {
    row: TableRow;
    station: Omit<Database['stations'], 'id' | 'created_at' | 'updated_at' | 'closed_at'>;
  }[] = [];
  const pacer = new Pacer();
  for (const row of rows) {
    await pacer.tick();
    const v = row.values;
    const problems: string[] = [];
    const name = pick(v, C.name);
    if (!name) problems.push('名称 name is missing');
    else if (name.length > 100) problems.push('名称 name is longer than 100 characters');
    const levelRaw = pick(v, C.level);
    const level = Object.hasOwn(LEVELS, levelRaw) ? LEVELS[levelRaw] : undefined;
    if (!level)
      problems.push(
        `级别 level "${levelRaw}" is not one of 中心/实践所/实践站/实践点 (center/institute/station/point)`,
      );
    const townshipRaw = pick(v, C.township);
    const township = townshipByKey.get(townshipRaw);
    if (!township) problems.push(`乡镇/街道 township "${townshipRaw}" is not among the imported townships`);
    const villageRaw = pick(v, C.village);
    const villageCode = villageRaw && township ? (villageByKey.get(`${township.code}|${villageRaw}`) ?? null) : null;
    const shape = notAPoint(row, v);
    if (shape) problems.push(shape);
    const lon = parseCoordinate(pick(v, C.lon), 'lon');
    const lat = parseCoordinate(pick(v, C.lat), 'lat');
    if (!shape && typeof lon === 'string') problems.push(lon);
    if (!shape && typeof lat === 'string') problems.push(lat);
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
    const phone = pick(v, C.phone);
    if (phone && !/^[0-9+() -]{3,30}$/.test(phone)) problems.push(`联系电话 phone "${phone}" is not a phone number`);
    const servicesRaw = pick(v, C.services);
    const services: ServiceCategory[] = [];
    for (const part of servicesRaw.split(/[、,，;；/\s]+/).filter(Boolean)) {
      const key = Object.hasOwn(SERVICE_NAMES, part) ? SERVICE_NAMES[part] : undefined;
      if (!key) problems.push(`服务项目 services: "${part}" is not a known category`);
      else if (!services.includes(key)) services.push(key);
    }
    // Common Chinese forms ("周一至周五 9:00-17:00") are stored in OSM syntax; anything unreadable is refused.
    const hours = readHours(pick(v, C.hours));
    if (hours.problem) problems.push(hours.problem);
    const address = pick(v, C.address);
    // Within the columns' sizes, which PostgreSQL enforces and SQLite does not.
    const description = pick(v, C.description);
    if (description.length > 2000) problems.push('简介 description is longer than 2,000 characters');
    const contact = pick(v, C.contact);
    if (contact.length > 100) problems.push('联系人 contact is longer than 100 characters');
    if (problems.length) {
      errors.push({ row: row.row, message: problems.join('; ') });
      continue;
    }
    valid.push({
      row,
      station: {
        name,
        level: level!,
        region_code: township!.code,
        village_code: villageCode,
        lon: Math.round(point![0] * 1e7) / 1e7,
        lat: Math.round(point![1] * 1e7) / 1e7,
        address: address.slice(0, 300),
        hours: hours.hours,
        services: JSON.stringify(SERVICE_CATEGORIES.filter((c) => services.includes(c))),
        description,
        contact_name: contact,
        contact_phone: phone,
      },
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
  // Re-importing the same sheet updates stations rather than duplicating them: a station is the one of
  // its township with its name, found in a map read once instead of one query per row.
  const existing = await stationIdsByKey(db);
  const now = new Date().toISOString();
  const staged: unknown[][] = [];
  for (const { station: s } of valid) {
    await pacer.tick();
    staged.push([
      existing.get(`${s.region_code}|${s.name}`) ?? null,
      s.name,
      s.level,
      s.region_code,
      s.village_code,
      s.lon,
      s.lat,
      s.address,
      s.hours,
      s.services,
      s.description,
      s.contact_name,
      s.contact_phone,
      now,
      now,
    ]);
  }
  const written = STATION_FIELDS.slice(1, -2);
  const fields = [...written, 'created_at', 'updated_at'];
  return withStagedRows(db, { like: 'stations', columns: STATION_FIELDS, rows: staged }, async (trx, table, slices) => {
    let created = 0;
    let updated = 0;
    await slices(async (lo, hi) => {
      const update = await sql`update stations set ${sql.join(
        [...written, 'updated_at'].map((c) => sql`${sql.ref(c)} = ${sql.ref(`s.${c}`)}`),
      )} from ${sql.table(table)} as s where stations.id = s.id and s.seq >= ${lo} and s.seq < ${hi}`.execute(trx);
      const insert = await sql`insert into stations (${sql.join(fields.map((c) => sql.ref(c)))}) select ${sql.join(
        fields.map((c) => sql.ref(`s.${c}`)),
      )} from ${sql.table(table)} as s where s.id is null and s.seq >= ${lo} and s.seq < ${hi} order by s.seq`.execute(
        trx,
      );
      updated += changed(update);
      created += changed(insert);
    });
    return { kind: 'stations' as const, created, updated };
  });
}

/** How a boundary file lands: `merge` adds and updates the townships it names; `replace` makes it the whole set. */
export const REGION_IMPORT_MODES = ['merge', 'replace'] as const;
export type RegionImportMode = (typeof REGION_IMPORT_MODES)[number];

export interface RegionImportOptions {
  mode?: RegionImportMode;
  /** The loaded street network's extent: where townships must lie when no district boundary is imported. */
  networkExtent?: BBox | null;
}

/** What a boundary file may hold. Per feature, REGION_LIMITS (geo/ring-validity.ts) bounds its vertices. */
export const REGION_FILE_LIMITS = {
  features: 1000,
  /** Positions in all features together. */
  vertices: 200_000,
  /** Segment comparisons of the crossing checks of all features together (a realistic file needs a tenth). */
  comparisons: 20_000_000,
  /** `regions.name` is varchar(100) (migration 0001). */
  nameLength: 100,
  /** How far a township may reach beyond the district's boundary box (sources differ by some hundred metres). */
  districtMarginM: 1000,
  /** … beyond the street network's box, when there is no district boundary (an extract may stop at the border). */
  networkMarginM: 5000,
  /** With neither, how far any township may reach from the middle of them all: 100 km, a 200 km wide district. */
  spanRadiusM: 100_000,
} as const;

/** At most 20 characters of a name or code, for messages. */
function shortName(value: string): string {
  const chars = [...value];
  return chars.length > 20 ? `${chars.slice(0, 20).join('')}…` : value;
}

/** A feature's problems as one row error: `feature 2 (新店镇): …; …`. */
function featureError(row: number, name: string, problems: string[]): RowError {
  return { row, message: `feature ${row} (${name ? shortName(name) : 'no name'}): ${problems.join('; ')}` };
}

/**
 * Township boundaries from GeoJSON (properties name, code). Each feature is checked (checkAreaGeometry,
 * the name, the code) and must lie in the district: within its boundary's box when one is imported, else
 * within the street network's box, else within 100 km of the middle of the townships; a file with any bad
 * feature is refused whole. `replace` removes the townships the file does not name and moves their villages,
 * stations and population points to the township that contains them (relocateToTownships); it is refused if
 * a station would be left in no township.
 */
export async function importRegions(
  db: Kysely<Database>,
  data: Buffer,
  format: TableFormat,
  options: RegionImportOptions = {},
): Promise<ImportSummary> {
  const mode = options.mode ?? 'merge';
  const limits = REGION_FILE_LIMITS;
  if (format !== 'geojson') throw new ImportError('Township boundaries come as GeoJSON (properties name, code)');
  const rows = await readTable(data, format);
  if (rows.length === 0) throw new ImportError('No features to import');
  if (rows.length > limits.features)
    throw new ImportError(`The file has ${rows.length} features; a boundary file may have at most ${limits.features}`);
  const existing = await db.selectFrom('regions').select(['code', 'name', 'level', 'geometry']).execute();
  const levelOf = new Map(existing.map((r) => [r.code, r.level]));
  const district = existing.find((r) => r.level === 'district' && r.geometry);
  const reference: { box: BBox; marginM: number; what: string } | null = district
    ? {
        box: bboxOf(JSON.parse(district.geometry!) as AreaGeometry),
        marginM: limits.districtMarginM,
        what: 'the district',
      }
    : options.networkExtent
      ? { box: options.networkExtent, marginM: limits.networkMarginM, what: 'the street network' }
      : null;

  const errors: RowError[] = [];
  const valid: { row: number; code: string; name: string; geometry: AreaGeometry; box: BBox }[] = [];
  const codes = new Map<string, number>();
  const names = new Map<string, number>();
  // Counted first, so that a file too big in all is refused before any feature's geometry is examined;
  // a feature over the per-feature limit is left out, since it is refused on its own without work.
  const vertices = rows
    .map((row) => positionCount(row.geometry))
    .filter((n) => n <= REGION_LIMITS.maxVertices)
    .reduce((a, b) => a + b, 0);
  if (vertices > limits.vertices)
    throw new ImportError(
      `The file has ${vertices} positions in all; a boundary file may have at most ${limits.vertices} (simplify it, e.g. mapshaper -simplify 10%)`,
    );
  let comparisons: number = limits.comparisons;
  for (const row of rows) {
    const problems: string[] = [];
    const name = pick(row.values, ['name', '名称']);
    const code = pick(row.values, ['code', '代码', '统计代码']);
    const length = [...name].length;
    if (!name) problems.push('name is missing');
    else if (length > limits.nameLength)
      problems.push(`name is ${length} characters long; at most ${limits.nameLength}`);
    else if (/\p{Cc}/u.test(name)) problems.push('name contains a control character');
    else if (names.has(name)) problems.push(`name ${name} appears twice (also feature ${names.get(name)})`);
    if (name && !names.has(name)) names.set(name, row.row);
    if (!/^[0-9]{12}$/.test(code)) problems.push(`code "${shortName(code)}" is not a 12-digit statistics code`);
    else if (codes.has(code)) problems.push(`code ${code} appears twice (also feature ${codes.get(code)})`);
    else if (levelOf.has(code) && levelOf.get(code) !== 'township')
      problems.push(`code ${code} is already a ${levelOf.get(code)}, not a township`);
    if (!codes.has(code)) codes.set(code, row.row);
    const check = checkAreaGeometry(row.geometry, {
      ...REGION_LIMITS,
      maxComparisons: Math.min(REGION_LIMITS.maxComparisons, comparisons),
    });
    comparisons -= check.comparisons;
    problems.push(...check.problems);
    if (check.geometry && reference) {
      const box = bboxOf(check.geometry);
      const beyond = beyondM(box, reference.box);
      if (beyond > reference.marginM)
        problems.push(
          `lies outside ${reference.what}: it reaches ${Math.round(beyond / 1000)} km beyond ${reference.what}'s extent (${formatBox(reference.box)})`,
        );
    }
    if (problems.length) errors.push(featureError(row.row, name, problems));
    else valid.push({ row: row.row, code, name, geometry: check.geometry!, box: bboxOf(check.geometry!) });
  }
  const districts = new Set(valid.map((v) => v.code.slice(0, 6)));
  if (districts.size > 1)
    errors.push({ row: 1, message: `townships of more than one county (${[...districts].join(', ')}) in one file` });
  // Names are how station and population files name townships: one township per name.
  if (mode === 'merge')
    for (const v of valid) {
      const other = existing.find(
        (r) => r.level === 'township' && r.name === v.name && r.code !== v.code && !codes.has(r.code),
      );
      if (other) errors.push(featureError(v.row, v.name, [`name ${v.name} is already township ${other.code}'s`]));
    }
  if (!reference && valid.length) {
    // No district boundary, no network: the townships (with those kept) must lie near one another.
    const kept =
      mode === 'merge'
        ? existing
            .filter((r) => r.level === 'township' && r.geometry && !codes.has(r.code))
            .map((r) => bboxOf(JSON.parse(r.geometry!) as AreaGeometry))
        : [];
    const boxes = [...valid.map((v) => v.box), ...kept];
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
    const lon = median(boxes.map((b) => (b[0] + b[2]) / 2));
    const lat = median(boxes.map((b) => (b[1] + b[3]) / 2));
    for (const v of valid) {
      const reach = reachM(v.box, lon, lat);
      if (reach > limits.spanRadiusM)
        errors.push(
          featureError(v.row, v.name, [
            `reaches ${Math.round(reach / 1000)} km from the middle of the townships (${lon.toFixed(3)}, ${lat.toFixed(3)}); a district's townships must lie within ${limits.spanRadiusM / 1000} km of it`,
          ]),
        );
    }
  }
  errors.sort((a, b) => a.row - b.row);
  if (errors.length)
    throw new ImportError(
      `${new Set(errors.map((e) => e.row)).size} of ${rows.length} features are invalid; nothing was imported`,
      errors.slice(0, 200),
    );

  const districtCode = `${[...districts][0]}000000`;
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const districtRow = await trx
      .selectFrom('regions')
      .select('code')
      .where('code', '=', districtCode)
      .executeTakeFirst();
    if (!districtRow) {
      const [lon, lat] =
        valid[0].geometry.type === 'Polygon'
          ? valid[0].geometry.coordinates[0][0]
          : valid[0].geometry.coordinates[0][0][0];
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
      if (levelOf.has(t.code)) {
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
    if (mode === 'merge') return { kind: 'regions' as const, created, updated };

    const removed = new Set(existing.filter((r) => r.level === 'township' && !codes.has(r.code)).map((r) => r.code));
    let relocated: Relocation;
    try {
      relocated = await relocateToTownships(trx, valid, removed, 'all', now);
    } catch (err) {
      if (err instanceof UnplacedStationsError)
        throw new ImportError(
          `Nothing was imported: ${err.message}. Add the townships that contain them to the file, or move or delete those stations first`,
        );
      throw err;
    }
    for (const code of removed) await trx.deleteFrom('regions').where('code', '=', code).execute();
    return { kind: 'regions' as const, created, updated, removed: removed.size, relocated };
  });
}

/** The population sheet's columns, each with the header names accepted (Chinese first, then English). */
const POPULATION_COLUMNS = {
  name: ['名称', 'name'],
  population: ['人口', 'population'],
  lon: ['经度', 'lon', 'lng'],
  lat: ['纬度', 'lat'],
};

export async function importPopulation(
  db: Kysely<Database>,
  data: Buffer,
  format: TableFormat,
  crs: Crs,
): Promise<ImportSummary> {
  const C = POPULATION_COLUMNS;
  const rows = await readTable(data, format, {
    columns: { required: [C.name, C.lon, C.lat, C.population], known: Object.values(C).flat() },
  });
  if (rows.length === 0) throw new ImportError('No rows to import');
  const { townships } = await loadTownships(db);
  if (townships.length === 0) throw new ImportError('No township boundaries yet: import them first (import-regions)');
  // A point is tested against a township's polygon only when it lies in its bounding box.
  const areas = townships
    .filter((t) => t.geometry)
    .map((t) => ({ ...t, geometry: t.geometry!, box: bboxOf(t.geometry!) }));
  const errors: RowError[] = [];
  const valid: NewPopulationPoint[] = [];
  const pacer = new Pacer();
  for (const row of rows) {
    await pacer.tick();
    const v = row.values;
    const problems: string[] = [];
    const name = pick(v, C.name);
    if (!name) problems.push('名称 name is missing');
    else if (name.length > 200) problems.push('名称 name is longer than 200 characters');
    const popRaw = pick(v, C.population);
    const population = Number(popRaw);
    if (!/^[0-9]+$/.test(popRaw) || population > 10_000_000)
      problems.push(`人口 population "${popRaw}" is not a whole number of people`);
    const shape = notAPoint(row, v);
    if (shape) problems.push(shape);
    const lon = parseCoordinate(pick(v, C.lon), 'lon');
    const lat = parseCoordinate(pick(v, C.lat), 'lat');
    if (!shape && typeof lon === 'string') problems.push(lon);
    if (!shape && typeof lat === 'string') problems.push(lat);
    let township = null;
    let point: [number, number] | null = null;
    if (typeof lon === 'number' && typeof lat === 'number') {
      const [x, y] = (point = toWgs84(lon, lat, crs));
      township = areas.find(
        (t) => x >= t.box[0] && y >= t.box[1] && x <= t.box[2] && y <= t.box[3] && pointInArea(x, y, t.geometry),
      );
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
      });
  }
  rejectIfErrors(errors, rows.length);
  const sums = new Map<string, number>();
  for (const p of valid) sums.set(p.township_code, (sums.get(p.township_code) ?? 0) + p.population);
  const fields = ['name', 'kind', 'region_code', 'township_code', 'lon', 'lat', 'population'] as const;
  const staged = valid.map((p) => fields.map((f) => p[f]));
  return withStagedRows(
    db,
    { like: 'population_points', columns: fields, rows: staged },
    async (trx, table, slices) => {
      // A population file is the whole picture: it replaces the points before it.
      const replaced = await trx.deleteFrom('population_points').executeTakeFirst();
      let created = 0;
      await slices(async (lo, hi) => {
        const insert =
          await sql`insert into population_points (${sql.join(fields.map((c) => sql.ref(c)))}) select ${sql.join(
            fields.map((c) => sql.ref(`s.${c}`)),
          )} from ${sql.table(table)} as s where s.seq >= ${lo} and s.seq < ${hi} order by s.seq`.execute(trx);
        created += changed(insert);
      });
      for (const t of townships)
        await trx
          .updateTable('regions')
          .set({ population: sums.get(t.code) ?? 0 })
          .where('code', '=', t.code)
          .execute();
      return {
        kind: 'population' as const,
        created,
        updated: 0,
        replaced: Number(replaced.numDeletedRows),
      };
    },
  );
}
