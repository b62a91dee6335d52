/**
 * Coverage exports are safe to open in a spreadsheet: a township named like a formula leaves the CSV
 * with a leading apostrophe (OWASP's CSV injection advice), so Excel and LibreOffice show it as text
 * instead of evaluating it, while numbers, negative ones included, stay numbers. In the XLSX every
 * name is a typed string cell, never a formula.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageTableCsv } from '../../server/src/network/coverage-export.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1', '@SUM(A1)', '-2+3', '\t=1+1', '\r=2+2'];

/** The CSV's rows after the BOM and the title line, as a spreadsheet would split them. */
const table = (csv: string): string[][] => parse(csv.replace(/^\uFEFF/, '').replace(/^#[^\r\n]*\r\n/, ''));

describe.each(testDialects)('coverage export with formula-like township names on %s', (dialect) => {
  let t: TestApp;
  let renamed: { code: string; name: string }[];

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const townships = await t.database.db
      .selectFrom('regions')
      .select('code')
      .where('level', '=', 'township')
      .orderBy('code')
      .execute();
    renamed = FORMULAS.map((name, k) => ({ code: townships[k].code, name }));
    for (const r of renamed)
      await t.database.db.updateTable('regions').set({ name: r.name }).where('code', '=', r.code).execute();
  });
  afterAll(async () => t?.close());

  it('prefixes CSV cells that start with = + - @ tab or CR with an apostrophe, and nothing else', async () => {
    const res = await t.app.inject('/api/coverage/export?format=csv');
    expect(res.statusCode).toBe(200);
    const rows = table(res.body);
    expect(rows[0][0]).toBe('乡镇/街道');
    for (const r of renamed) {
      const row = rows.find((cells) => cells[1] === r.code)!;
      expect(row, r.code).toBeTruthy();
      expect(row[0]).toBe(`'${r.name}`);
      // The numbers beside it are plain numbers.
      for (const cell of row.slice(2)) expect(cell).toMatch(/^\d+(\.\d+)?$/);
    }
    const other = rows.find((cells) => cells[0] && !renamed.some((r) => r.code === cells[1]) && cells[0] !== '合计');
    expect(other![0]).not.toMatch(/^'/);
    // The raw text: the formula is quoted whole, its quotes doubled, its apostrophe inside the quotes.
    expect(res.body).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(res.body).toMatch(/\r\n合计,,\d+,\d+,/);
  });

  it('writes the same names to the XLSX as typed strings, which no spreadsheet evaluates', async () => {
    const res = await t.app.inject('/api/coverage/export?format=xlsx');
    expect(res.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    for (const r of renamed) {
      let found = false;
      sheet.eachRow((row) => {
        if (row.getCell(2).value !== r.code) return;
        found = true;
        const cell = row.getCell(1);
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.formula).toBeUndefined();
        // XML reads a bare carriage return back as a line feed; the text is otherwise as stored.
        expect(cell.value).toBe(r.name.replace(/\r/g, '\n'));
        expect(row.getCell(3).type).toBe(ExcelJS.ValueType.Number);
      });
      expect(found, r.code).toBe(true);
    }
  });
});

describe('coverage CSV cells', () => {
  it('leaves numbers as numbers, negative ones too, and prefixes only text', () => {
    const line = { population: -5, coveredPopulation: -2, areaM2: 0, coveredAreaM2: 0, stations: 1 };
    const csv = coverageTableCsv({
      minutes: 15,
      mode: 'walk',
      regions: [{ ...line, name: '-2+3', code: '-1' }],
      totals: line,
    } as unknown as Parameters<typeof coverageTableCsv>[0]);
    const rows = table(csv);
    expect(rows[1]).toEqual(["'-2+3", "'-1", '-5', '-2', '0', '0', '0', '0', '1']);
    expect(rows[2]).toEqual(['合计', '', '-5', '-2', '0', '0', '0', '0', '1']);
  });
});
