/**
 * The planners' own data: stations, township boundaries and population points, validated row by
 * row. One bad row rejects the whole file with every row's reason, and nothing is written: the
 * writes happen in one transaction after validation.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
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
import { validateOpeningHours } from '../domain/opening-hours.js';
import { recordAudit, type AuditActor } from '../db/audit.js';
import { chineseHoursToOsm, isChineseHours } from '../domain/chinese-hours.js';
import type { ImportFix, MessageCode, Params, Problem, Suggestion } from './messages.js';
import { labelPoint } from '../geo/label-point.js';
import { changed, withStagedRows } from './staging.js';
import {
  ImportError,
  Pacer,
  yieldToEventLoop,
  parseCoordinate,
  pick,
  readTableWithEncoding,
  toWgs84,
  type Coded,
  type Crs,
  type TableFormat,
  type TableRow,
  type TextEncoding,
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

/** What one row of a file will be, or was: a new record, an update, the same as before, or refused. */
export type RowStatus = 'new' | 'updated' | 'unchanged' | 'invalid';

export interface RowPreview {
  row: number;
  status: RowStatus;
  /** The station's or population point's name, or the township's. */
  name: string;
  problems: Problem[];
}

export interface ImportCounts {
  new: number;
  updated: number;
  unchanged: number;
  invalid: number;
}

export interface ImportSummary {
  kind: 'stations' | 'regions' | 'population';
  created: number;
  updated: number;
  /** Rows that match a record as it is: nothing written for them. */
  unchanged?: number;
  replaced?: number;
  /** Boundaries imported with mode=replace: the townships removed, and what moved or went with them. */
  removed?: number;
  relocated?: Relocation;
  /** The text encoding the file was read in. */
  encoding?: TextEncoding;
  /** A preview: nothing was written. */
  dryRun?: boolean;
  counts?: ImportCounts;
  /** Rows with something said about them first, then the others, at most PREVIEW_ROWS. */
  rows?: RowPreview[];
  /** Rows left out of `rows`. */
  rowsOmitted?: number;
}

/** What an import may be asked besides the file. */
export interface ImportOptions {
  /** Check and classify every row, write nothing. */
  dryRun?: boolean;
  /** Suggested fixes to apply: longitude and latitude swapped back, a township named one character off. */
  fixes?: readonly ImportFix[];
  /** Who imports which file: one audit entry, written in the import's own transaction. */
  audit?: { actor: AuditActor; subject: string; detail?: Record<string, unknown> };
}

/** Rows listed in an answer; the counts cover them all. */
const PREVIEW_ROWS = 500;
/** Row problems carried by a refusal. */
const REFUSED_PROBLEMS = 1000;

/** The rows of an answer: those with problems first (by row), then the others, up to PREVIEW_ROWS. */
function previewRows(rows: RowPreview[]): { rows: RowPreview[]; rowsOmitted: number } {
  const said = rows.filter((r) => r.problems.length);
  const quiet = rows.filter((r) => !r.problems.length);
  const shown = [...said, ...quiet].slice(0, PREVIEW_ROWS).sort((a, b) => a.row - b.row);
  return { rows: shown, rowsOmitted: rows.length - shown.length };
}

function countsOf(rows: RowPreview[]): ImportCounts {
  const counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}

/** Refuses the file when any row has an error, naming each (the warnings are not carried). */
function rejectIfErrors(previews: RowPreview[], total: number, what: 'rows' | 'features' = 'rows') {
  const invalid = previews.filter((r) => r.status === 'invalid');
  if (!invalid.length) return;
  const problems = invalid.flatMap((r) => r.problems.filter((p) => p.severity === 'error'));
  throw new ImportError(
    { code: what === 'rows' ? 'rows.invalid' : 'features.invalid', params: { invalid: invalid.length, total } },
    problems.slice(0, REFUSED_PROBLEMS),
  );
}

async function loadTownships(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'name', 'geometry', 'level', 'parent_code'])
    .where('level', 'in', ['township', 'village'])
    .execute();
  // Boundaries are large: parsed one at a time, giving the event loop its turns between them.
  const pacer = new Pacer();
  const townships: Township[] = [];
  for (const r of rows.filter((x) => x.level === 'township')) {
    const geometry = r.geometry ? (JSON.parse(r.geometry) as AreaGeometry) : null;
    townships.push({ code: r.code, name: r.name, geometry, box: geometry ? bboxOf(geometry) : null });
    await pacer.tick();
  }
  const villages = rows
    .filter((r) => r.level === 'village')
    .map((r) => ({ code: r.code, name: r.name, parent: r.parent_code }));
  return { townships, villages };
}

interface Township {
  code: string;
  name: string;
  geometry: AreaGeometry | null;
  box: BBox | null;
}

const inTownship = (t: Township, [x, y]: [number, number]) =>
  t.geometry !== null &&
  t.box !== null &&
  x >= t.box[0] &&
  y >= t.box[1] &&
  x <= t.box[2] &&
  y <= t.box[3] &&
  pointInArea(x, y, t.geometry);

/** The common endings of township names, left out when names are compared for a suggestion. */
const TOWNSHIP_ENDING = /(?:街道办事处|街道办|街道|办事处|镇|乡)$/;

/** Edit distance of two short strings, by characters. */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/**
 * The township a name not found most likely means: the same name without or with another ending (城关 for
 * 城关镇, 新店乡 for 新店镇), or one character off; null when none is, or more than one is equally close.
 */
export function closeTownship<T extends { name: string }>(name: string, townships: readonly T[]): T | null {
  if (!name) return null;
  const base = name.replace(TOWNSHIP_ENDING, '');
  const sameBase = townships.filter((t) => base && t.name.replace(TOWNSHIP_ENDING, '') === base);
  if (sameBase.length === 1) return sameBase[0];
  if (sameBase.length > 1) return null;
  if ([...name].length < 2) return null;
  const near = townships.filter((t) => distance(t.name, name) <= 1);
  return near.length === 1 ? near[0] : null;
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

/** The columns of each kind's template, in order, with one example row (Chinese headers the importer reads). */
export const TEMPLATES = {
  stations: {
    headers: STATION_COLUMNS,
    example: [
      '城关社区新时代文明实践站',
      '实践站',
      '城关镇',
      '城关社区',
      '118.7969',
      '32.0603',
      '人民路 1 号',
      '025-12345678',
      '周一至周五 9:00-17:00；节假日休息',
      '理论宣讲、文化文艺',
      '社区活动室，可借用',
      '王老师',
    ],
  },
  population: {
    headers: { name: ['名称', 'name'], lon: ['经度', 'lon'], lat: ['纬度', 'lat'], population: ['人口', 'population'] },
    example: ['城关社区', '118.7969', '32.0603', '3200'],
  },
} as const;

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

/** The fields a re-import compares to tell an update from an unchanged row. */
const COMPARED = [
  'level',
  'village_code',
  'lon',
  'lat',
  'address',
  'hours',
  'services',
  'description',
  'contact_name',
  'contact_phone',
] as const;
type StationValues = Omit<Database['stations'], 'id' | 'created_at' | 'updated_at' | 'closed_at'>;
type ExistingStation = Pick<StationValues, (typeof COMPARED)[number]> & { id: number };

/** Stations per read: a page of 2,000 with the compared fields is about 10 ms of SQLite's (synchronous) time. */
const STATION_PAGE = 2_000;

/**
 * Every open station by `region_code|name`, with the fields compared, read in pages so that no single read
 * holds the event loop. A closed station is on record only: a sheet naming it again makes a new one.
 */
async function stationsByKey(db: Kysely<Database>): Promise<Map<string, ExistingStation>> {
  const found = new Map<string, ExistingStation>();
  for (let after = 0; ;) {
    const page = await liveStations(db)
      .select(['id', 'name', 'region_code', ...COMPARED])
      .where('id', '>', after)
      .orderBy('id')
      .limit(STATION_PAGE)
      .execute();
    for (const s of page) if (!found.has(`${s.region_code}|${s.name}`)) found.set(`${s.region_code}|${s.name}`, s);
    if (page.length < STATION_PAGE) return found;
    after = page[page.length - 1].id;
    await yieldToEventLoop();
  }
}

/** A row's problems, as the checks find them. */
class RowProblems {
  readonly list: Problem[] = [];
  constructor(readonly row: number) {}
  add(severity: Problem['severity'], field: string | null, coded: Coded, suggestion?: Suggestion) {
    this.list.push({ row: this.row, field, code: coded.code, params: coded.params ?? {}, severity, suggestion });
  }
  error(field: string | null, code: MessageCode, params: Params = {}, suggestion?: Suggestion) {
    this.add('error', field, { code, params }, suggestion);
  }
  get failed() {
    return this.list.some((p) => p.severity === 'error');
  }
}

/** Not a Point: a GeoJSON row whose coordinates cannot come from its geometry. */
function notAPoint(row: TableRow, v: Record<string, string>): string | null {
  if (row.geometry && row.geometry.type !== 'Point' && !v.lon && !v.lat) return row.geometry.type;
  return null;
}

const asNumber = (raw: string) => (raw.trim() === '' ? NaN : Number(raw));

/**
 * A row's point in WGS-84, checked to lie in `expected` (the township the row names) or, without one, in
 * some township. When it does not, says why, and what would fix it: the columns swapped (applied when `swap`
 * is asked), or another coordinate system (the planner chooses it).
 */
function placeRow(
  p: RowProblems,
  lonRaw: string,
  latRaw: string,
  crs: Crs,
  expected: Township | null,
  townships: readonly Township[],
  swap: boolean,
): { point: [number, number]; township: Township } | null {
  const lon = parseCoordinate(lonRaw, 'lon');
  const lat = parseCoordinate(latRaw, 'lat');
  const at = (pt: [number, number]) =>
    expected
      ? expected.geometry
        ? inTownship(expected, pt)
          ? expected
          : null
        : expected
      : (townships.find((t) => inTownship(t, pt)) ?? null);
  const numbers = typeof lon === 'number' && typeof lat === 'number';
  if (numbers) {
    const point = toWgs84(lon, lat, crs);
    const township = at(point);
    if (township) return { point, township };
  }
  // The columns swapped: does the point land where the row says (or in the district) then?
  const x = asNumber(lonRaw);
  const y = asNumber(latRaw);
  if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x) <= 90 && Math.abs(y) <= 180) {
    const point = toWgs84(y, x, crs);
    const township = at(point);
    if (township) {
      if (swap) {
        p.add('info', 'lon', { code: 'coord.swappedFixed', params: { lon: y, lat: x } });
        return { point, township };
      }
      p.error('lon', 'coord.swapped', { lon: x, lat: y, township: township.name }, { fix: 'swap', value: `${y},${x}` });
      return null;
    }
  }
  if (!numbers) {
    if (typeof lon !== 'number') p.add('error', 'lon', lon);
    if (typeof lat !== 'number') p.add('error', 'lat', lat);
    return null;
  }
  const point = toWgs84(lon, lat, crs);
  const actual = townships.find((t) => inTownship(t, point)) ?? null;
  // Read in another coordinate system, would it land where the row says? AMap and Baidu pickers are common.
  if (crs === 'wgs84')
    for (const other of ['gcj02', 'bd09'] as const)
      if (at(toWgs84(lon, lat, other))) {
        p.error(
          'lon',
          'coord.crs',
          { crs: other, lon, lat, actual: actual?.name ?? null, township: expected?.name ?? null },
          { fix: 'crs', value: other },
        );
        return null;
      }
  if (expected) p.error('lon', 'coord.elsewhere', { lon, lat, actual: actual?.name ?? null, township: expected.name });
  else p.error('lon', 'coord.outside', { lon, lat });
  return null;
}

export async function importStations(
  db: Kysely<Database>,
  data: Buffer,
  format: TableFormat,
  crs: Crs,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const C = STATION_COLUMNS;
  const { rows, encoding } = await readTableWithEncoding(data, format, {
    columns: { required: [C.name, C.level, C.township, C.lon, C.lat], known: Object.values(C).flat() },
  });
  if (rows.length === 0) throw new ImportError({ code: 'file.noRows' });
  const { townships, villages } = await loadTownships(db);
  if (townships.length === 0) throw new ImportError({ code: 'file.noTownships' });
  const fixes = new Set(options.fixes ?? []);
  // Lookups by key, not by scanning every township, village or station for each row.
  const townshipByKey = new Map<string, Township>();
  for (const t of townships) for (const key of [t.name, t.code]) if (!townshipByKey.has(key)) townshipByKey.set(key, t);
  const villageByKey = new Map<string, string>();
  for (const x of villages)
    for (const key of [`${x.parent}|${x.name}`, `${x.parent}|${x.code}`])
      if (!villageByKey.has(key)) villageByKey.set(key, x.code);
  // Sheets repeat the same few opening hours: each distinct value is read once.
  const hoursRead = new Map<string, { hours: string; problem: Coded | null; converted: boolean }>();
  const readHours = (raw: string) => {
    let read = hoursRead.get(raw);
    if (!read) {
      const osm = chineseHoursToOsm(raw);
      const why = osm === null || osm.length > 200 ? null : validateOpeningHours(osm);
      read = {
        hours: osm ?? raw,
        converted: osm !== null && osm !== raw.trim(),
        problem:
          osm !== null && osm.length > 200
            ? { code: 'value.tooLong', params: { field: 'hours', max: 200 } }
            : osm === null || why
              ? // A Chinese text not understood gets no OSM reader's complaint: it was never OSM.
                {
                  code: 'hours.unreadable',
                  params: { value: raw, why: osm === null || isChineseHours(raw) ? null : why },
                }
              : null,
      };
      hoursRead.set(raw, read);
    }
    return read;
  };
  const previews: RowPreview[] = [];
  const valid: { preview: RowPreview; station: StationValues }[] = [];
  const pacer = new Pacer();
  for (const row of rows) {
    await pacer.tick();
    const v = row.values;
    const p = new RowProblems(row.row);
    const name = pick(v, C.name);
    if (!name) p.error('name', 'value.missing', { field: 'name' });
    else if (name.length > 100) p.error('name', 'value.tooLong', { field: 'name', max: 100 });
    const levelRaw = pick(v, C.level);
    const level = Object.hasOwn(LEVELS, levelRaw) ? LEVELS[levelRaw] : undefined;
    if (!level) p.error('level', 'level.unknown', { value: levelRaw });
    const townshipRaw = pick(v, C.township);
    let township = townshipByKey.get(townshipRaw) ?? null;
    if (!township) {
      const close = closeTownship(townshipRaw, townships);
      if (close && fixes.has('township')) {
        p.add('info', 'township', { code: 'township.fixed', params: { value: townshipRaw, suggestion: close.name } });
        township = close;
      } else if (close)
        p.error(
          'township',
          'township.close',
          { value: townshipRaw, suggestion: close.name },
          { fix: 'township', value: close.name },
        );
      else p.error('township', 'township.unknown', { value: townshipRaw });
    }
    const villageRaw = pick(v, C.village);
    const villageCode = villageRaw && township ? (villageByKey.get(`${township.code}|${villageRaw}`) ?? null) : null;
    if (villageRaw && township && !villageCode)
      p.add('warning', 'village', { code: 'village.unknown', params: { value: villageRaw, township: township.name } });
    const shape = notAPoint(row, v);
    let point: [number, number] | null = null;
    if (shape) p.error('geometry', 'coord.notPoint', { type: shape });
    else {
      const placed = placeRow(p, pick(v, C.lon), pick(v, C.lat), crs, township, townships, fixes.has('swap'));
      // Without a township of its own (not found), the row is refused above; the point is still checked.
      point = placed?.point ?? null;
    }
    const phone = pick(v, C.phone);
    if (phone && !/^[0-9+() -]{3,30}$/.test(phone)) p.error('phone', 'phone.invalid', { value: phone });
    const servicesRaw = pick(v, C.services);
    const services: ServiceCategory[] = [];
    for (const part of servicesRaw.split(/[、,，;；/\s]+/).filter(Boolean)) {
      const key = Object.hasOwn(SERVICE_NAMES, part) ? SERVICE_NAMES[part] : undefined;
      if (!key) p.error('services', 'services.unknown', { value: part });
      else if (!services.includes(key)) services.push(key);
    }
    // Chinese hours ("周一至周五 9:00-17:00") are stored in OSM syntax, and the preview says so; anything
    // not understood is refused with the row.
    const hoursRaw = pick(v, C.hours);
    const hours = readHours(hoursRaw);
    if (hours.problem) p.add('error', 'hours', hours.problem);
    else if (hours.converted)
      p.add('info', 'hours', { code: 'hours.converted', params: { value: hoursRaw, hours: hours.hours } });
    const address = pick(v, C.address);
    // Within the columns' sizes, which PostgreSQL enforces and SQLite does not.
    const description = pick(v, C.description);
    if (description.length > 2000) p.error('description', 'value.tooLong', { field: 'description', max: 2000 });
    const contact = pick(v, C.contact);
    if (contact.length > 100) p.error('contact', 'value.tooLong', { field: 'contact', max: 100 });
    const preview: RowPreview = { row: row.row, status: 'invalid', name, problems: p.list };
    previews.push(preview);
    if (p.failed || !point || !township || !level) continue;
    valid.push({
      preview,
      station: {
        name,
        level,
        region_code: township.code,
        village_code: villageCode,
        lon: Math.round(point[0] * 1e7) / 1e7,
        lat: Math.round(point[1] * 1e7) / 1e7,
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
  const unique: typeof valid = [];
  for (const item of valid) {
    const { preview, station } = item;
    const key = `${station.region_code}|${station.name}`;
    const other = seen.get(key);
    if (other !== undefined) {
      preview.problems.push({
        row: preview.row,
        field: 'name',
        code: 'name.duplicate',
        params: {
          name: station.name,
          township: townshipByKey.get(station.region_code)?.name ?? station.region_code,
          other,
        },
        severity: 'error',
      });
    } else {
      seen.set(key, preview.row);
      unique.push(item);
    }
  }
  // Re-importing the same sheet updates stations rather than duplicating them: a station is the open one of
  // its township with its name, found in a map read once instead of one query per row. A row equal to it
  // in every field is unchanged and not written.
  const existing = await stationsByKey(db);
  const now = new Date().toISOString();
  const staged: unknown[][] = [];
  for (const { preview, station: s } of unique) {
    await pacer.tick();
    const before = existing.get(`${s.region_code}|${s.name}`);
    preview.status = !before ? 'new' : COMPARED.every((f) => before[f] === s[f]) ? 'unchanged' : 'updated';
    if (preview.status === 'unchanged') continue;
    staged.push([
      before?.id ?? null,
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
  const counts = countsOf(previews);
  const answer = {
    kind: 'stations' as const,
    encoding,
    counts,
    unchanged: counts.unchanged,
    ...previewRows(previews),
  };
  if (options.dryRun) return { ...answer, created: 0, updated: 0, dryRun: true };
  rejectIfErrors(previews, rows.length);
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
    await audit(trx, options, 'stations', { encoding, format, crs, counts, created, updated });
    return { ...answer, created, updated, dryRun: false };
  });
}

/** The import's audit entry, when the route names who imports what. */
async function audit(
  trx: Transaction<Database>,
  options: ImportOptions,
  kind: ImportSummary['kind'],
  detail: Record<string, unknown>,
) {
  if (options.audit)
    await recordAudit(trx, options.audit.actor, {
      action: `import.${kind}`,
      subject: options.audit.subject,
      detail: { ...detail, ...options.audit.detail },
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
  options: RegionImportOptions & ImportOptions = {},
): Promise<ImportSummary> {
  const mode = options.mode ?? 'merge';
  const limits = REGION_FILE_LIMITS;
  if (format !== 'geojson') throw new ImportError({ code: 'file.regionsGeojson' });
  const { rows, encoding } = await readTableWithEncoding(data, format);
  if (rows.length === 0) throw new ImportError({ code: 'file.noFeatures' });
  if (rows.length > limits.features)
    throw new ImportError({ code: 'file.tooManyFeatures', params: { count: rows.length, max: limits.features } });
  const existing = await db.selectFrom('regions').select(['code', 'name', 'level', 'geometry']).execute();
  const levelOf = new Map(existing.map((r) => [r.code, r.level]));
  const before = new Map(existing.map((r) => [r.code, r]));
  const district = existing.find((r) => r.level === 'district' && r.geometry);
  const reference: { box: BBox; marginM: number; what: string } | null = district
    ? {
        box: bboxOf(JSON.parse(district.geometry!) as AreaGeometry),
        marginM: limits.districtMarginM,
        what: 'district',
      }
    : options.networkExtent
      ? { box: options.networkExtent, marginM: limits.networkMarginM, what: 'network' }
      : null;

  const previews: RowPreview[] = [];
  const previewOf = new Map<number, RowPreview>();
  const valid: { row: number; code: string; name: string; geometry: AreaGeometry; box: BBox }[] = [];
  /** A problem of the feature in `row`, which makes it invalid; its message names the feature. */
  const refuse = (row: number, field: string | null, code: MessageCode, params: Params) => {
    const preview = previewOf.get(row)!;
    preview.status = 'invalid';
    preview.problems.push({
      row,
      field,
      code,
      params: { ...params, feature: row, featureName: preview.name },
      severity: 'error',
    });
  };
  const codes = new Map<string, number>();
  const names = new Map<string, number>();
  // Counted first, so that a file too big in all is refused before any feature's geometry is examined;
  // a feature over the per-feature limit is left out, since it is refused on its own without work.
  const vertices = rows
    .map((row) => positionCount(row.geometry))
    .filter((n) => n <= REGION_LIMITS.maxVertices)
    .reduce((a, b) => a + b, 0);
  if (vertices > limits.vertices)
    throw new ImportError({ code: 'file.tooManyVertices', params: { count: vertices, max: limits.vertices } });
  let comparisons: number = limits.comparisons;
  for (const row of rows) {
    const name = pick(row.values, ['name', '名称']);
    const code = pick(row.values, ['code', '代码', '统计代码']);
    const preview: RowPreview = { row: row.row, status: 'new', name: shortName(name), problems: [] };
    previews.push(preview);
    previewOf.set(row.row, preview);
    const problem = (field: string, c: MessageCode, params: Params = {}) => refuse(row.row, field, c, params);
    const length = [...name].length;
    if (!name) problem('name', 'value.missing', { field: 'name' });
    else if (length > limits.nameLength) problem('name', 'region.nameLong', { length, max: limits.nameLength });
    else if (/\p{Cc}/u.test(name)) problem('name', 'region.control');
    else if (names.has(name)) problem('name', 'region.nameTwice', { name, other: names.get(name)! });
    if (name && !names.has(name)) names.set(name, row.row);
    if (!/^[0-9]{12}$/.test(code)) problem('code', 'region.codeInvalid', { value: shortName(code) });
    else if (codes.has(code)) problem('code', 'region.codeTwice', { value: code, other: codes.get(code)! });
    else if (levelOf.has(code) && levelOf.get(code) !== 'township')
      problem('code', 'region.codeTaken', { value: code, level: levelOf.get(code)! });
    if (!codes.has(code)) codes.set(code, row.row);
    const check = checkAreaGeometry(row.geometry, {
      ...REGION_LIMITS,
      maxComparisons: Math.min(REGION_LIMITS.maxComparisons, comparisons),
    });
    comparisons -= check.comparisons;
    for (const detail of check.problems) problem('geometry', 'region.geometry', { detail });
    if (check.geometry && reference) {
      const box = bboxOf(check.geometry);
      const beyond = beyondM(box, reference.box);
      if (beyond > reference.marginM)
        problem('geometry', 'region.outside', {
          what: reference.what,
          km: Math.round(beyond / 1000),
          box: formatBox(reference.box),
        });
    }
    if (preview.status !== 'invalid') {
      valid.push({ row: row.row, code, name, geometry: check.geometry!, box: bboxOf(check.geometry!) });
      const old = before.get(code);
      if (old)
        preview.status = old.name === name && old.geometry === JSON.stringify(check.geometry) ? 'unchanged' : 'updated';
    }
  }
  const districts = new Set(valid.map((v) => v.code.slice(0, 6)));
  if (districts.size > 1) refuse(previews[0].row, 'code', 'region.counties', { counties: [...districts].join(', ') });
  // Names are how station and population files name townships: one township per name.
  if (mode === 'merge')
    for (const v of valid) {
      const other = existing.find(
        (r) => r.level === 'township' && r.name === v.name && r.code !== v.code && !codes.has(r.code),
      );
      if (other) refuse(v.row, 'name', 'region.nameTaken', { name: v.name, code: other.code });
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
        refuse(v.row, 'geometry', 'region.farAway', {
          km: Math.round(reach / 1000),
          lon: lon.toFixed(3),
          lat: lat.toFixed(3),
          max: limits.spanRadiusM / 1000,
        });
    }
  }
  const counts = countsOf(previews);
  const removedCodes = new Set(existing.filter((r) => r.level === 'township' && !codes.has(r.code)).map((r) => r.code));
  const answer = {
    kind: 'regions' as const,
    encoding,
    counts,
    unchanged: counts.unchanged,
    ...previewRows(previews),
    ...(mode === 'replace' ? { removed: removedCodes.size } : {}),
  };
  if (options.dryRun) return { ...answer, created: 0, updated: 0, dryRun: true };
  rejectIfErrors(previews, rows.length, 'features');
  const kept = new Set(valid.filter((v) => previewOf.get(v.row)!.status !== 'unchanged').map((v) => v.code));

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
    for (const t of valid.filter((v) => kept.has(v.code))) {
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
    const detail = { encoding, format, mode, counts, created, updated };
    if (mode === 'merge') {
      await audit(trx, options, 'regions', detail);
      return { ...answer, created, updated, dryRun: false };
    }
    const removed = removedCodes;
    let relocated: Relocation;
    try {
      relocated = await relocateToTownships(trx, valid, removed, 'all', now);
    } catch (err) {
      if (err instanceof UnplacedStationsError)
        throw new ImportError({
          code: 'file.unplaced',
          params: {
            count: err.stations.length,
            list: err.stations
              .slice(0, 10)
              .map((st) => `${st.name} (id ${st.id}, ${st.lon.toFixed(5)}, ${st.lat.toFixed(5)})`)
              .join(', '),
            more: err.stations.length > 10 ? ', …' : '',
          },
        });
      throw err;
    }
    for (const code of removed) await trx.deleteFrom('regions').where('code', '=', code).execute();
    await audit(trx, options, 'regions', { ...detail, removed: removed.size, relocated });
    return { ...answer, created, updated, removed: removed.size, relocated, dryRun: false };
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
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const C = POPULATION_COLUMNS;
  const { rows, encoding } = await readTableWithEncoding(data, format, {
    columns: { required: [C.name, C.lon, C.lat, C.population], known: Object.values(C).flat() },
  });
  if (rows.length === 0) throw new ImportError({ code: 'file.noRows' });
  const { townships } = await loadTownships(db);
  if (townships.length === 0) throw new ImportError({ code: 'file.noTownships' });
  const fixes = new Set(options.fixes ?? []);
  const previews: RowPreview[] = [];
  const valid: { preview: RowPreview; point: NewPopulationPoint }[] = [];
  const pacer = new Pacer();
  for (const row of rows) {
    await pacer.tick();
    const v = row.values;
    const p = new RowProblems(row.row);
    const name = pick(v, C.name);
    if (!name) p.error('name', 'value.missing', { field: 'name' });
    else if (name.length > 200) p.error('name', 'value.tooLong', { field: 'name', max: 200 });
    const popRaw = pick(v, C.population);
    const population = Number(popRaw);
    if (!/^[0-9]+$/.test(popRaw) || population > 10_000_000)
      p.error('population', 'population.invalid', { value: popRaw });
    const shape = notAPoint(row, v);
    let placed: ReturnType<typeof placeRow> = null;
    if (shape) p.error('geometry', 'coord.notPoint', { type: shape });
    else placed = placeRow(p, pick(v, C.lon), pick(v, C.lat), crs, null, townships, fixes.has('swap'));
    const preview: RowPreview = { row: row.row, status: 'invalid', name, problems: p.list };
    previews.push(preview);
    if (p.failed || !placed) continue;
    valid.push({
      preview,
      point: {
        name,
        kind: /村$/.test(name) ? 'village' : 'community',
        region_code: placed.township.code,
        township_code: placed.township.code,
        lon: Math.round(placed.point[0] * 1e7) / 1e7,
        lat: Math.round(placed.point[1] * 1e7) / 1e7,
        population,
      },
    });
  }
  // A population file is the whole picture: it replaces the points before it. A row is "unchanged" when a
  // point of its township has its name, place and people, "updated" when one has its name only.
  // Counted per township and name, and per exact place and people, in one pass each: a file (or a table)
  // of thousands of points of one name must not cost a scan per row. Exact matches are taken first.
  const before = new Map<string, { left: number; exact: Map<string, number> }>();
  let total = 0;
  for (const x of await db
    .selectFrom('population_points')
    .select(['name', 'township_code', 'lon', 'lat', 'population'])
    .execute()) {
    const key = `${x.township_code}|${x.name}`;
    const entry = before.get(key) ?? before.set(key, { left: 0, exact: new Map() }).get(key)!;
    const place = `${x.lon}|${x.lat}|${x.population}`;
    entry.left++;
    entry.exact.set(place, (entry.exact.get(place) ?? 0) + 1);
    total++;
  }
  const inexact: { preview: RowPreview; entry: { left: number } | undefined }[] = [];
  for (const { preview, point } of valid) {
    await pacer.tick();
    const entry = before.get(`${point.township_code}|${point.name}`);
    const place = `${point.lon}|${point.lat}|${point.population}`;
    const n = entry?.exact.get(place) ?? 0;
    if (entry && n > 0) {
      entry.exact.set(place, n - 1);
      entry.left--;
      preview.status = 'unchanged';
    } else inexact.push({ preview, entry });
  }
  for (const { preview, entry } of inexact) {
    if (entry && entry.left > 0) {
      entry.left--;
      preview.status = 'updated';
    } else preview.status = 'new';
  }
  const counts = countsOf(previews);
  const answer = {
    kind: 'population' as const,
    encoding,
    counts,
    unchanged: counts.unchanged,
    ...previewRows(previews),
  };
  if (options.dryRun) return { ...answer, created: 0, updated: 0, replaced: total, dryRun: true };
  rejectIfErrors(previews, rows.length);
  const sums = new Map<string, number>();
  for (const { point: p } of valid) sums.set(p.township_code, (sums.get(p.township_code) ?? 0) + p.population);
  const fields = ['name', 'kind', 'region_code', 'township_code', 'lon', 'lat', 'population'] as const;
  const staged = valid.map(({ point }) => fields.map((f) => point[f]));
  return withStagedRows(
    db,
    { like: 'population_points', columns: fields, rows: staged },
    async (trx, table, slices) => {
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
      const summary = { created, updated: 0, replaced: Number(replaced.numDeletedRows) };
      await audit(trx, options, 'population', { encoding, format, crs, counts, ...summary });
      return { ...answer, ...summary, dryRun: false };
    },
  );
}
