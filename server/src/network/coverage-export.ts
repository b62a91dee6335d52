/**
 * The coverage table and the uncovered villages as the spreadsheets planners keep: CSV (UTF-8 with a
 * BOM so Excel reads the Chinese, the header row first, no comment line) and XLSX (a sheet per table).
 * The 12-digit statistics codes are text everywhere: a quoted column in the CSV and text cells
 * (shared strings, number format '@') in the XLSX, never numbers, which Excel would show as 3.79901E+11
 * and round, and never `="…"` formulas.
 */
import { stringify } from 'csv-stringify/sync';
import { COVERED, UNREACHABLE } from '../geo/coverage.js';
import type { coverageSummary, CoverageRun } from './coverage-service.js';

type Summary = ReturnType<typeof coverageSummary>;

const HEADERS = [
  '乡镇/街道',
  '统计代码',
  '常住人口',
  '覆盖人口',
  '人口覆盖率(%)',
  '面积(平方公里)',
  '覆盖面积(平方公里)',
  '面积覆盖率(%)',
  '站点数',
];
/** The columns of HEADERS that hold codes. */
const TABLE_CODES = [1];

export const UNCOVERED_HEADERS = ['村庄/社区', '类型', '乡镇/街道', '统计代码', '人口', '到最近站点(分钟)'];
const UNCOVERED_CODES = [3];

/** Said in the minutes column of a place farther than the snap limit from every street. */
export const UNREACHABLE_TEXT = '不可达';
const KIND: Record<string, string> = { village: '村', community: '社区' };

function rows(summary: Summary): (string | number)[][] {
  const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 10 : 0);
  const km2 = (m2: number) => Math.round(m2 / 1e4) / 100;
  const line = (
    name: string,
    code: string,
    r: { population: number; coveredPopulation: number; areaM2: number; coveredAreaM2: number; stations: number },
  ) => [
    name,
    code,
    r.population,
    r.coveredPopulation,
    pct(r.coveredPopulation, r.population),
    km2(r.areaM2),
    km2(r.coveredAreaM2),
    pct(r.coveredAreaM2, r.areaM2),
    r.stations,
  ];
  return [...summary.regions.map((r) => line(r.name, r.code, r)), line('合计', '', summary.totals)];
}

export interface UncoveredRow {
  name: string;
  kind: string;
  township: string;
  code: string;
  population: number;
  /** Minutes to the nearest counted station, or a text saying why there are none. */
  minutes: number | string;
}

/**
 * The uncovered places of `run`, most people first (then by name): their minutes to the nearest
 * counted station come from `far`, a run of the same stations with a longer budget (the mode's
 * maximum), since the run itself searches only within its own budget; beyond that it says so, and a
 * place farther than 500 m from every street is 不可达. `codes` maps a population point's id to its
 * village code.
 */
export function uncoveredRows(run: CoverageRun, far: CoverageRun, codes: Map<number, string>): UncoveredRow[] {
  const { data, result } = run;
  return data.population
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => result.pointStatus[i] !== COVERED)
    .sort((a, b) => b.p.population - a.p.population || a.p.name.localeCompare(b.p.name, 'zh-CN'))
    .map(({ p, i }) => {
      const seconds = far.result.pointTime[i];
      return {
        name: p.name,
        kind: KIND[p.kind] ?? p.kind,
        township: data.townships[p.region]?.name ?? '',
        code: codes.get(p.id) ?? '',
        population: p.population,
        minutes:
          result.pointStatus[i] === UNREACHABLE
            ? UNREACHABLE_TEXT
            : Number.isFinite(seconds)
              ? Math.round((seconds / 60) * 10) / 10
              : `超过${far.params.minutes}分钟`,
      };
    });
}

const uncoveredCells = (list: UncoveredRow[]) =>
  list.map((r) => [r.name, r.kind, r.township, r.code, r.population, r.minutes]);

/**
 * csv-stringify quotes and escapes each cell, and with `escape_formulas` puts an apostrophe before
 * text starting with = + - @ tab or CR (and their full-width forms), so a township named
 * `=HYPERLINK(…)` opens in Excel or LibreOffice as text, not as a formula (OWASP, CSV injection).
 * Numbers are never prefixed: a negative count stays a number. The code columns are always quoted.
 */
function csv(headers: string[], body: (string | number)[][], codeColumns: number[]): string {
  const table = stringify([headers, ...body], {
    record_delimiter: 'windows',
    escape_formulas: true,
    cast: {
      string: (value, context) =>
        context.records > 0 && codeColumns.includes(context.index) ? { value, quoted: true } : value,
    },
  });
  return `\uFEFF${table}`;
}

export function coverageTableCsv(summary: Summary): string {
  return csv(HEADERS, rows(summary), TABLE_CODES);
}

export function uncoveredCsv(list: UncoveredRow[]): string {
  return csv(UNCOVERED_HEADERS, uncoveredCells(list), UNCOVERED_CODES);
}

/** The first sheet's name: the budget and mode. */
export function tableSheetName(summary: Pick<Summary, 'minutes' | 'mode'>): string {
  const by: Record<string, string> = { walk: '步行', bike: '骑行', ebike: '电动车', drive: '驾车' };
  return `${summary.minutes}分钟${by[summary.mode] ?? summary.mode}服务圈`;
}
export const UNCOVERED_SHEET = '未覆盖村庄';

/**
 * Cells are typed (text as shared strings, numbers as numbers) and none is a formula, so nothing in
 * them is evaluated; the code columns are formatted as text ('@') too, so a code typed over stays text.
 */
export async function coverageTableXlsx(summary: Summary, uncovered: UncoveredRow[]): Promise<Buffer> {
  // Loaded on first use, not at the server's start (see importers/tables.ts).
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  const sheet = (name: string, headers: string[], body: (string | number)[][], codeColumns: number[]) => {
    const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(headers).font = { bold: true };
    for (const r of body) ws.addRow(r);
    ws.columns.forEach((c, i) => {
      c.width = i === 0 ? 16 : 14;
      if (codeColumns.includes(i)) {
        c.numFmt = '@';
        c.width = 16;
      }
    });
  };
  sheet(tableSheetName(summary), HEADERS, rows(summary), TABLE_CODES);
  sheet(UNCOVERED_SHEET, UNCOVERED_HEADERS, uncoveredCells(uncovered), UNCOVERED_CODES);
  return Buffer.from(await book.xlsx.writeBuffer());
}
