/** The coverage table as the spreadsheets planners keep: CSV (UTF-8 with BOM, for Excel) and XLSX. */
import { stringify } from 'csv-stringify/sync';
import type { coverageSummary } from './coverage-service.js';

type Summary = ReturnType<typeof coverageSummary>;

const HEADERS = [
  '乡镇/街道',
  '统计代码',
  '常住人口',
  '覆盖人口',
  '人口覆盖率',
  '面积(平方公里)',
  '覆盖面积(平方公里)',
  '面积覆盖率',
  '站点数',
];

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

/**
 * csv-stringify quotes and escapes each cell, and with `escape_formulas` puts an apostrophe before
 * text starting with = + - @ tab or CR (and their full-width forms), so a township named
 * `=HYPERLINK(…)` opens in Excel or LibreOffice as text, not as a formula (OWASP, CSV injection).
 * Numbers are never prefixed: a negative count stays a number.
 */
export function coverageTableCsv(summary: Summary): string {
  const title = `# ${summary.minutes}分钟${summary.mode === 'walk' ? '步行' : summary.mode}服务圈覆盖情况（覆盖率单位：%）`;
  const table = stringify([HEADERS, ...rows(summary)], { record_delimiter: 'windows', escape_formulas: true });
  return `\uFEFF${title}\r\n${table}`;
}

/** Cells are typed (text as shared strings, numbers as numbers) and none is a formula, so nothing in them is evaluated. */
export async function coverageTableXlsx(summary: Summary): Promise<Buffer> {
  // Loaded on first use, not at the server's start (see importers/tables.ts).
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  const sheet = book.addWorksheet(`${summary.minutes}分钟服务圈`);
  sheet.addRow(HEADERS).font = { bold: true };
  for (const r of rows(summary)) sheet.addRow(r);
  sheet.columns.forEach((c, i) => (c.width = i === 0 ? 14 : 16));
  return Buffer.from(await book.xlsx.writeBuffer());
}
