/**
 * Reading the files planners keep: CSV (UTF-8 with or without BOM, or GBK/GB18030 as Excel writes it on
 * Chinese Windows: a file that is not valid UTF-8 is read as GB18030, and the answer says which), XLSX (first
 * sheet) and GeoJSON, into rows of trimmed strings keyed by header, each with the row number a spreadsheet shows.
 *
 * Reading is bounded: rows, columns, cell length and (XLSX) uncompressed size are checked while the file is
 * read, so a file over a limit is refused early, with the limit named, in bounded memory. Reading yields to
 * the event loop every few milliseconds, so other requests are answered meanwhile.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import gcoord from 'gcoord';
import { featurePrefix, render, type Lang, type MessageCode, type Params, type Problem } from './messages.js';

export type TableFormat = 'csv' | 'xlsx' | 'geojson';
export type Crs = 'wgs84' | 'gcj02' | 'bd09';
export const CRS_VALUES: readonly Crs[] = ['wgs84', 'gcj02', 'bd09'];

/** What one import may hold. A full station sheet of 100,000 rows is about 25 MB of CSV. */
export const IMPORT_LIMITS = {
  /** Data rows below the header (spreadsheet rows, empty ones included), or GeoJSON features. */
  rows: 100_000,
  /** Columns up to the last non-empty cell of a row, or properties of a feature. */
  columns: 50,
  /**
   * Characters in one CSV or XLSX cell. A GeoJSON file is parsed whole, within the file limit, so its values
   * are not cut short here: each importer checks the lengths of the fields it keeps.
   */
  cellChars: 2_000,
  /** The file itself: the HTTP body limit of the imports, and the largest file the CLI reads. */
  fileBytes: 32 * 2 ** 20,
  /**
   * XLSX: the uncompressed size of the parts read (workbook, shared strings, first sheet). 100,000 rows of
   * a station sheet are about 45 MB; reading 100 MB of XML takes exceljs about 5 s.
   */
  unzippedBytes: 100 * 2 ** 20,
  /** XLSX: the uncompressed size of the shared strings, which are kept in memory while the sheet is read. */
  sharedStringsBytes: 48 * 2 ** 20,
  /** XLSX: parts in the zip. */
  zipEntries: 10_000,
};
export type ImportLimits = typeof IMPORT_LIMITS;

export interface TableRow {
  /** The row number as the spreadsheet shows it (header = 1), or the feature number (1-based). */
  row: number;
  values: Record<string, string>;
  /** GeoJSON geometry when the source was GeoJSON. */
  geometry?: { type: string; coordinates: unknown };
}

/** What a message is, as a code and its parameters (see messages.ts). */
export interface Coded {
  code: MessageCode;
  params?: Params;
}

/**
 * A file that cannot be imported as it is: the user's to fix. 400, or 413 for a file over a limit. Its
 * `message` is English for the CLI; `messageIn(lang)` renders it for a page, and `problems` are the rows'.
 */
export class ImportError extends Error {
  readonly status: 400 | 413 = 400;
  readonly coded: Coded | null;
  constructor(
    message: string | Coded,
    readonly problems: Problem[] = [],
  ) {
    super(typeof message === 'string' ? message : render(message.code, message.params ?? {}, 'cli'));
    this.coded = typeof message === 'string' ? null : message;
  }

  /** The message in a language; one written in English only is prefixed in Chinese. */
  messageIn(lang: Lang): string {
    if (this.coded) return render(this.coded.code, this.coded.params ?? {}, lang);
    return lang === 'zh-CN' ? `无法导入：${this.message}` : this.message;
  }

  /** Each row with its errors, in English (the CLI prints one line per row). */
  get rows(): { row: number; message: string }[] {
    const byRow = new Map<number, { prefix: string; messages: string[] }>();
    for (const p of this.problems) {
      if (p.severity !== 'error') continue;
      const entry = byRow.get(p.row) ?? { prefix: featurePrefix(p.params, 'cli'), messages: [] };
      entry.messages.push(render(p.code, p.params, 'cli'));
      byRow.set(p.row, entry);
    }
    return [...byRow].map(([row, { prefix, messages }]) => ({ row, message: prefix + messages.join('; ') }));
  }
}

/** A file over one of the IMPORT_LIMITS (413). */
export class ImportLimitError extends ImportError {
  override readonly status = 413;
}

/** What the importer reads, for checking a CSV or XLSX header row. */
export interface ColumnSpec {
  /** The columns a file must have, each a list of accepted header names (Chinese first). */
  required: string[][];
  /** Every header name the importer reads: a first row with none of them is not a header row. */
  known: string[];
}

export interface ReadOptions {
  columns?: ColumnSpec;
  limits?: Partial<ImportLimits>;
}

const fmt = (x: number) => x.toLocaleString('en-US');

/**
 * Gives the event loop a turn when `everyMs` have passed since the last one: a request needing several turns
 * (a health check reading the database twice) waits about that long at each.
 */
export class Pacer {
  private last = performance.now();
  constructor(private readonly everyMs = 5) {}
  async tick(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await yieldToEventLoop();
    this.last = performance.now();
  }
}

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function formatOf(fileName: string, contentType?: string): TableFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv') || contentType?.startsWith('text/csv')) return 'csv';
  if (lower.endsWith('.xlsx') || contentType?.includes('spreadsheetml')) return 'xlsx';
  if (lower.endsWith('.geojson') || lower.endsWith('.json') || contentType?.includes('json')) return 'geojson';
  throw new ImportError({ code: 'file.type', params: { name: fileName } });
}

/** `1 and 3`, `1, 3 and 5` */
const listed = (items: unknown[]) =>
  items.length < 2 ? String(items[0]) : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** A column as messages name it: its Chinese and its English header, `经度 lon`. */
const columnName = (names: string[]) =>
  [names[0], names.find((h) => /^[a-z]/i.test(h) && h !== names[0])].filter(Boolean).join(' ');

/** Header and rows of a CSV or a sheet, checked against the limits as each row arrives. */
class RowCollector {
  private header: string[] | null = null;
  private headerRow = 1;
  readonly rows: TableRow[] = [];
  constructor(
    private readonly limits: ImportLimits,
    private readonly spec: ColumnSpec | undefined,
  ) {}

  /** `cells[k]` is column k + 1; `row` the spreadsheet's row number. */
  add(row: number, cells: readonly string[]) {
    // Empty rows count too: a million blank lines are refused as quickly as a million rows.
    if (row > this.limits.rows + (this.header ? this.headerRow : 1))
      throw new ImportLimitError({ code: 'limit.rows', params: { row: fmt(row), max: fmt(this.limits.rows) } });
    let last = cells.length;
    while (last > 0 && !cells[last - 1]?.trim()) last--;
    if (last === 0) return; // an empty row
    if (last > this.limits.columns)
      throw new ImportError({
        code: 'limit.columns',
        params: { row: fmt(row), count: last, max: this.limits.columns },
      });
    for (let k = 0; k < last; k++)
      if ((cells[k]?.length ?? 0) > this.limits.cellChars)
        throw new ImportError({
          code: 'limit.cell',
          params: {
            row: fmt(row),
            column: this.header?.[k] ? `"${this.header[k]}"` : k + 1,
            count: fmt(cells[k].length),
            max: fmt(this.limits.cellChars),
          },
        });
    if (!this.header) {
      this.header = cells.slice(0, last).map((h) => (h ?? '').trim());
      this.headerRow = row;
      this.checkHeader(row);
      return;
    }
    const values: Record<string, string> = {};
    this.header.forEach((h, k) => {
      if (h) values[h] = (cells[k] ?? '').trim();
    });
    this.rows.push({ row, values });
  }

  private checkHeader(row: number) {
    const header = this.header!;
    const columns = new Map<string, number[]>();
    header.forEach((h, k) => h && columns.set(h, [...(columns.get(h) ?? []), k + 1]));
    const twice = [...columns].filter(([, at]) => at.length > 1);
    if (twice.length)
      throw new ImportError({
        code: 'header.twice',
        params: {
          row,
          detailZh: twice.map(([h, at]) => `“${h}”（第 ${at.join('、')} 列）`).join('、'),
          detail: twice
            .map(
              ([h, at]) =>
                `the header "${h}" appears ${at.length === 2 ? 'twice' : `${at.length} times`} (columns ${listed(at)})`,
            )
            .join('; '),
        },
      });
    if (!this.spec) return;
    const expected = this.spec.required.map((names) => names[0]).join(',');
    if (!header.some((h) => this.spec!.known.includes(h))) {
      const shown = header
        .slice(0, 6)
        .map((h) => `"${h}"`)
        .join(', ');
      if (header.some((h) => /^[-+]?\d+(\.\d+)?$/.test(h)))
        throw new ImportError({
          code: 'header.looksLikeData',
          params: { row, shown: `${shown}${header.length > 6 ? ', …' : ''}`, expected },
        });
    }
    const missing = this.spec.required.filter((names) => !names.some((h) => columns.has(h)));
    if (missing.length)
      throw new ImportError({
        code: 'header.missing',
        params: {
          row,
          missing: missing.map((names) => names[0]).join('、'),
          missingEn: missing.map(columnName).join(', '),
          has: header.filter(Boolean).join(','),
          expected,
        },
      });
  }

  /** The rows, once the file is read: a file with no header row at all is refused here. */
  finish(): TableRow[] {
    if (!this.header) throw new ImportError({ code: 'file.empty' });
    return this.rows;
  }
}

/** How a file's text was encoded: UTF-8 (with or without BOM), else GB18030 (which includes GBK). */
export type TextEncoding = 'utf-8' | 'gb18030';

/**
 * A file that is valid UTF-8 is UTF-8 (a GBK file of Chinese text almost never is); anything else is read as
 * GB18030, a superset of GBK and GB2312, and refused if it is not that either.
 */
export const detectEncoding = (data: Buffer): TextEncoding => (isUtf8(data) ? 'utf-8' : 'gb18030');

async function readCsv(
  data: Buffer,
  encoding: TextEncoding,
  limits: ImportLimits,
  spec: ColumnSpec | undefined,
): Promise<TableRow[]> {
  const collector = new RowCollector(limits, spec);
  let row = 0;
  let failure: unknown = null;
  const parser = parse({
    relax_column_count: true,
    // In bytes, per field: a field past this (2,000 characters of 4 UTF-8 bytes) fails instead of growing.
    max_record_size: limits.cellChars * 4 + 16,
    on_record: (record: string[]) => {
      row++;
      try {
        collector.add(row, record);
      } catch (err) {
        failure = err;
        throw err; // stops the parser at this record
      }
      return null; // nothing is buffered on the stream's readable side
    },
  });
  parser.on('error', (err: Error & { code?: string }) => {
    failure ??=
      err.code === 'CSV_MAX_RECORD_SIZE'
        ? new ImportError({
            code: 'limit.cell',
            params: { row: fmt(row + 1), count: `> ${fmt(limits.cellChars)}`, max: fmt(limits.cellChars) },
          })
        : new ImportError({
            code: 'file.unreadable',
            params: { format: 'CSV', row: fmt(row + 1), detail: err.message },
          });
  });
  const finished = new Promise<void>((resolve) => parser.on('finish', resolve).on('error', () => resolve()));
  // Strict: bytes that are not of the encoding fail here instead of turning into replacement characters.
  const decoder = new TextDecoder(encoding, { fatal: true });
  const notUtf8 = () => new ImportError({ code: 'file.encoding' });
  let first = true;
  const pacer = new Pacer();
  // In 2 kB pieces: csv-parse builds an error object (some 15-25 µs) for each row of another width than the
  // first, even when told to let it pass, so a piece of 2,048 empty lines holds the event loop 30-50 ms.
  for (let i = 0; i < data.length && !failure; i += 1 << 11) {
    let text: string;
    try {
      text = decoder.decode(data.subarray(i, i + (1 << 11)), { stream: true });
    } catch {
      throw notUtf8();
    }
    // The UTF-8 decoder drops a BOM itself; a GB18030 one would keep the character.
    if (first && text) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    parser.write(text);
    await pacer.tick();
  }
  if (!failure) {
    try {
      parser.write(decoder.decode());
    } catch {
      throw notUtf8();
    }
    parser.end();
    await finished;
  } else parser.destroy();
  if (failure) throw failure;
  return collector.finish();
}

/** A cell's value as text: shared and rich text, formula results, hyperlinks and errors (#N/A) included. */
function cellText(v: ExcelJS.CellValue | { sharedString: number } | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  if (v instanceof Date) return v.toISOString();
  if ('richText' in v) return v.richText.map((t) => t.text ?? '').join('');
  if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
  if ('formula' in v || 'sharedFormula' in v) return '';
  if ('error' in v) return String(v.error);
  if ('text' in v) return cellText(v.text as ExcelJS.CellValue);
  return '';
}

/**
 * Fails exceljs's iterations when `source`, the stream it reads, fails: exceljs pipes the stream and does not
 * hear of its errors, and would wait for the rest of the file forever. Each step races a promise of its own
 * (one long-lived promise raced at every row would keep a reaction per row).
 */
function failingWith(source: NodeJS.EventEmitter) {
  let failure: unknown = null;
  const waiting = new Set<(err: unknown) => void>();
  source.once('error', (err) => {
    failure = err;
    for (const reject of waiting) reject(err);
  });
  return async function* until<T>(it: AsyncIterable<T>): AsyncGenerator<T> {
    const iterator = it[Symbol.asyncIterator]();
    for (;;) {
      if (failure) throw failure;
      let stop!: (err: unknown) => void;
      const stopped = new Promise<never>((_, reject) => (stop = reject));
      waiting.add(stop);
      try {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next.done) return;
        yield next.value;
      } finally {
        waiting.delete(stop);
      }
    }
  };
}

async function readXlsx(data: Buffer, limits: ImportLimits, spec: ColumnSpec | undefined): Promise<TableRow[]> {
  // Loaded on first use: exceljs costs a start 145 ms and 29 MB (measured), for a format few imports use.
  const [{ default: Excel }, { xlsxPartsStream }] = await Promise.all([import('exceljs'), import('./xlsx-parts.js')]);
  const source = xlsxPartsStream(data, limits);
  const until = failingWith(source);
  const collector = new RowCollector(limits, spec);
  const pacer = new Pacer();
  const reader = new Excel.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    // The stream holds the first sheet only.
    for await (const sheet of until(reader)) {
      for await (const row of until(sheet)) {
        const values = row.values as (ExcelJS.CellValue | undefined)[];
        const cells: string[] = [];
        for (let col = 1; col < values.length; col++) cells.push(cellText(values[col]));
        collector.add(row.number, cells);
        await pacer.tick();
      }
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError({
      code: 'file.unreadable',
      params: { format: 'XLSX', row: null, detail: (err as Error).message },
    });
  } finally {
    source.destroy();
  }
  return collector.finish();
}

const kindOf = (v: unknown) =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `${typeof v} ${String(JSON.stringify(v)).slice(0, 40)}`;

/** Whether `value` holds arrays nested more than `max` deep (walked with a stack of its own, not recursion). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!Array.isArray(v)) continue;
    if (depth > max) return true;
    for (const x of v) if (Array.isArray(x)) stack.push([x, depth + 1]);
  }
  return false;
}

async function readGeoJson(data: Buffer, encoding: TextEncoding, limits: ImportLimits): Promise<TableRow[]> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder(encoding, { fatal: true }).decode(data).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ImportError({
      code: 'file.unreadable',
      params: { format: 'GeoJSON', row: null, detail: (err as Error).message },
    });
  }
  const collection = json as { type?: unknown; features?: unknown } | null;
  if (
    !collection ||
    typeof collection !== 'object' ||
    collection.type !== 'FeatureCollection' ||
    !Array.isArray(collection.features)
  )
    throw new ImportError({ code: 'file.notCollection', params: { kind: kindOf(json) } });
  const features = collection.features as unknown[];
  if (features.length > limits.rows)
    throw new ImportLimitError({
      code: 'limit.features',
      params: { count: fmt(features.length), max: fmt(limits.rows) },
    });
  const rows: TableRow[] = [];
  const broken: Problem[] = [];
  const pacer = new Pacer();
  for (let i = 0; i < features.length; i++) {
    await pacer.tick();
    const f = features[i] as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
    const problems: string[] = [];
    if (!f || typeof f !== 'object' || Array.isArray(f) || f.type !== 'Feature') {
      broken.push({
        row: i + 1,
        field: null,
        code: 'feature.notFeature',
        params: { row: i + 1, kind: kindOf(f) },
        severity: 'error',
      });
      continue;
    }
    const props = f.properties ?? {};
    if (typeof props !== 'object' || Array.isArray(props))
      problems.push(`properties must be an object, not ${kindOf(props)}`);
    const values: Record<string, string> = {};
    const entries = typeof props === 'object' && !Array.isArray(props) ? Object.entries(props) : [];
    if (entries.length > limits.columns) problems.push(`${entries.length} properties; the limit is ${limits.columns}`);
    else
      for (const [k, v] of entries) {
        const parts = Array.isArray(v) ? v : [v];
        if (parts.some((p) => p !== null && typeof p === 'object')) {
          problems.push(`property "${k}" is ${kindOf(v)} with objects inside; expected text or a number`);
          continue;
        }
        values[k] = parts.map((p) => (p === null || p === undefined ? '' : String(p).trim())).join('、');
      }
    let geometry: TableRow['geometry'];
    const g = f.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
    if (g !== null && g !== undefined) {
      if (typeof g !== 'object' || Array.isArray(g) || typeof g.type !== 'string')
        problems.push(`geometry must be a GeoJSON geometry object or null, not ${kindOf(g)}`);
      else if (g.type === 'Point') {
        const c = g.coordinates;
        if (!Array.isArray(c) || c.length < 2 || !c.every((x) => typeof x === 'number' && Number.isFinite(x)))
          problems.push(`geometry.coordinates of a Point must be [lon, lat] numbers, not ${JSON.stringify(c)}`);
        else {
          values.lon ??= String(c[0]);
          values.lat ??= String(c[1]);
          geometry = { type: 'Point', coordinates: c };
        }
      } else if (nestedDeeperThan(g.coordinates, 4))
        // A MultiPolygon's positions are 4 arrays deep; deeper nesting is no geometry, and would take a
        // recursive reader (or a message quoting it) past the call stack.
        problems.push('geometry.coordinates are nested more than 4 arrays deep');
      else geometry = { type: g.type, coordinates: g.coordinates };
    }
    if (problems.length)
      broken.push({
        row: i + 1,
        field: null,
        code: 'feature.problem',
        params: { row: i + 1, name: null, detail: problems.join('; ') },
        severity: 'error',
      });
    else rows.push({ row: i + 1, values, geometry });
  }
  if (broken.length)
    throw new ImportError(
      { code: 'features.unreadable', params: { invalid: broken.length, total: features.length } },
      broken.slice(0, 200),
    );
  return rows;
}

/**
 * The rows of a file. CSV and XLSX need a header row: duplicate header names are refused, and with
 * `options.columns` so are missing required columns and a first row that is data rather than names.
 */
export async function readTable(data: Buffer, format: TableFormat, options: ReadOptions = {}): Promise<TableRow[]> {
  return (await readTableWithEncoding(data, format, options)).rows;
}

/** The same, with the text encoding the file was read in (an XLSX is always UTF-8 inside). */
export async function readTableWithEncoding(
  data: Buffer,
  format: TableFormat,
  options: ReadOptions = {},
): Promise<{ rows: TableRow[]; encoding: TextEncoding }> {
  const limits = { ...IMPORT_LIMITS, ...options.limits };
  if (data.length > limits.fileBytes)
    throw new ImportLimitError({
      code: 'limit.file',
      params: { mb: fmt(Math.ceil(data.length / 2 ** 20)), max: fmt(limits.fileBytes / 2 ** 20) },
    });
  if (format === 'xlsx') return { rows: await readXlsx(data, limits, options.columns), encoding: 'utf-8' };
  const encoding = detectEncoding(data);
  if (format === 'csv') return { rows: await readCsv(data, encoding, limits, options.columns), encoding };
  return { rows: await readGeoJson(data, encoding, limits), encoding };
}

/** The first non-empty value among the header names given (Chinese first, then English). */
export function pick(values: Record<string, string>, names: string[]): string {
  for (const n of names) if (values[n] !== undefined && values[n] !== '') return values[n];
  return '';
}

/** Converts a coordinate to WGS-84 with gcoord. */
export function toWgs84(lon: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'wgs84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as [
    number,
    number,
  ];
  return [x, y];
}

/** A coordinate of a row: the number, or what is wrong with it. */
export function parseCoordinate(raw: string, name: 'lon' | 'lat'): number | Coded {
  if (raw === '') return { code: 'value.missing', params: { field: name } };
  const v = Number(raw);
  const max = name === 'lon' ? 180 : 90;
  if (!Number.isFinite(v) || Math.abs(v) > max)
    return { code: 'coord.invalid', params: { field: name, value: raw, max } };
  return v;
}
