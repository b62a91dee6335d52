/**
 * Reading the files planners keep: CSV (UTF-8, with or without BOM; GB18030 is refused with a hint),
 * XLSX (first sheet) and GeoJSON, into rows of trimmed strings keyed by header, each with the row
 * number a spreadsheet shows.
 */
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import gcoord from 'gcoord';

export type TableFormat = 'csv' | 'xlsx' | 'geojson';
export type Crs = 'wgs84' | 'gcj02' | 'bd09';
export const CRS_VALUES: readonly Crs[] = ['wgs84', 'gcj02', 'bd09'];

export interface TableRow {
  /** The row number as the spreadsheet shows it (header = 1), or the feature number (1-based). */
  row: number;
  values: Record<string, string>;
  /** GeoJSON geometry when the source was GeoJSON. */
  geometry?: { type: string; coordinates: unknown };
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly rows: { row: number; message: string }[] = [],
  ) {
    super(message);
  }
}

export function formatOf(fileName: string, contentType?: string): TableFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv') || contentType?.startsWith('text/csv')) return 'csv';
  if (lower.endsWith('.xlsx') || contentType?.includes('spreadsheetml')) return 'xlsx';
  if (lower.endsWith('.geojson') || lower.endsWith('.json') || contentType?.includes('json')) return 'geojson';
  throw new ImportError(`${fileName}: unknown file type; expected .csv, .xlsx or .geojson`);
}

export async function readTable(data: Buffer, format: TableFormat): Promise<TableRow[]> {
  if (format === 'csv') {
    const text = data.toString('utf8');
    if (text.includes('\uFFFD'))
      throw new ImportError(
        'The CSV is not UTF-8 (perhaps GBK/GB18030 from Excel): save it as "CSV UTF-8" and try again',
      );
    let records: string[][];
    try {
      records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
    } catch (err) {
      throw new ImportError(`Unreadable CSV: ${(err as Error).message}`);
    }
    if (records.length === 0) throw new ImportError('The file is empty');
    const header = records[0].map((h) => h.trim());
    return records
      .slice(1)
      .map((r, i) => ({ row: i + 2, values: Object.fromEntries(header.map((h, k) => [h, (r[k] ?? '').trim()])) }));
  }
  if (format === 'xlsx') {
    // Loaded on first use: exceljs costs a start 145 ms and 29 MB (measured), for a format few imports use.
    const { default: Excel } = await import('exceljs');
    const book = new Excel.Workbook();
    try {
      await book.xlsx.load(data as unknown as ArrayBuffer);
    } catch (err) {
      throw new ImportError(`Unreadable XLSX: ${(err as Error).message}`);
    }
    const sheet = book.worksheets[0];
    if (!sheet) throw new ImportError('The workbook has no sheets');
    const text = (v: ExcelJS.CellValue): string => {
      if (v === null || v === undefined) return '';
      if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
      if (typeof v === 'object' && 'result' in v) return String(v.result ?? '');
      if (typeof v === 'object' && 'text' in v) return String(v.text);
      return String(v);
    };
    const header: string[] = [];
    sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (header[col] = text(cell.value).trim()));
    const rows: TableRow[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const values: Record<string, string> = {};
      header.forEach((h, col) => h && (values[h] = text(row.getCell(col).value).trim()));
      if (Object.values(values).some((v) => v !== '')) rows.push({ row: n, values });
    });
    return rows;
  }
  let json: {
    type?: string;
    features?: { properties?: Record<string, unknown>; geometry?: { type: string; coordinates: unknown } }[];
  };
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new ImportError(`Unreadable GeoJSON: ${(err as Error).message}`);
  }
  if (json.type !== 'FeatureCollection' || !Array.isArray(json.features))
    throw new ImportError('GeoJSON: expected a FeatureCollection');
  return json.features.map((f, i) => {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.properties ?? {}))
      values[k] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join('、') : String(v).trim();
    if (f.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates)) {
      const [lon, lat] = f.geometry.coordinates as number[];
      values.lon ??= String(lon);
      values.lat ??= String(lat);
    }
    return { row: i + 1, values, geometry: f.geometry };
  });
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

export function parseCoordinate(raw: string, name: 'lon' | 'lat'): number | string {
  if (raw === '') return `${name === 'lon' ? '经度 lon' : '纬度 lat'} is missing`;
  const v = Number(raw);
  const max = name === 'lon' ? 180 : 90;
  if (!Number.isFinite(v) || Math.abs(v) > max)
    return `${name === 'lon' ? '经度 lon' : '纬度 lat'} "${raw}" is not a number within ±${max}`;
  return v;
}
