/**
 * Coverage exports are safe to open in a spreadsheet: a township named like a formula leaves the CSV
 * with a leading apostrophe (OWASP's CSV injection advice), so Excel and LibreOffice show it as text
 * instead of evaluating it, while numbers, negative ones included, stay numbers. In the XLSX every
 * name is a typed string cell, never a formula.
 */
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageTableCsv } from '../../server/src/network/coverage-export.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

const FORMULAS = ['=HYPERLINK("http://x","y")', '+1', '@SUM(A1)', '-2+3', '\t=1+1', '\r=2+2'];

/** The CSV's rows after the BOM, as a spreadsheet would split them. */
const table = (csv: string): string[][] => parse(csv.replace(/^\uFEFF/, ''));

describe.each(testDialects)('coverage export with formula-like township names on %s', (dialect) => {
  let t: TestApp;
  let renamed: { code: string; name: string }[];
  let cookie: string;
  const download = (url: string) => t.app.inject({ url, headers: { cookie } });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
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
    const res = await download('/api/coverage/export?format=csv');
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
    // The codes are a quoted text column.
    for (const r of renamed) expect(res.body).toContain(`,"${r.code}",`);
  });

  it('writes the same names to the XLSX as typed strings, which no spreadsheet evaluates', async () => {
    const res = await download('/api/coverage/export?format=xlsx');
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

/** The parts of a zip, inflated, read from its central directory (enough for an XLSX). */
function unzip(buf: Buffer): Map<string, string> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = new Map<string, string>();
  for (let k = 0; k < count; k++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out.set(name, (method === 8 ? zlib.inflateRawSync(data) : data).toString());
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

/** The cells of a sheet's XML by reference (A1, B2, …): their type attribute, style index and raw value. */
function cellsOf(xml: string): Map<string, { t: string | null; s: string | null; v: string }> {
  const cells = new Map<string, { t: string | null; s: string | null; v: string }>();
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/g)) {
    const attr = (name: string) => m[2].match(new RegExp(`\\b${name}="([^"]*)"`))?.[1] ?? null;
    const v = m[3]?.match(/<v>(.*?)<\/v>/)?.[1] ?? m[3]?.match(/<t[^>]*>(.*?)<\/t>/)?.[1] ?? '';
    cells.set(m[1], { t: attr('t'), s: attr('s'), v });
  }
  return cells;
}

describe.each(testDialects)('coverage downloads keep codes as text on %s', (dialect) => {
  let t: TestApp;
  let cookie: string;
  let gaps: any;
  const download = (url: string) => t.app.inject({ url, headers: { cookie } });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    gaps = (await t.app.inject('/api/coverage/gaps')).json();
  });
  afterAll(async () => t?.close());

  it('writes the codes of both sheets as text cells formatted as text, and the uncovered villages ranked', async () => {
    const res = await download('/api/coverage/export?format=xlsx');
    expect(res.statusCode).toBe(200);
    const parts = unzip(res.rawPayload);
    const workbook = parts.get('xl/workbook.xml')!;
    const names = [...workbook.matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['15分钟步行服务圈', '未覆盖村庄']);
    const shared = [...(parts.get('xl/sharedStrings.xml') ?? '').matchAll(/<si>(?:<t[^>]*>(.*?)<\/t>|.*?)<\/si>/g)].map(
      (m) => m[1] ?? '',
    );
    const styles = parts.get('xl/styles.xml')!;
    const cellXfs = [...styles.slice(styles.indexOf('<cellXfs')).matchAll(/<xf [^>]*numFmtId="(\d+)"/g)].map(
      (m) => m[1],
    );
    const textOf = (c: { t: string | null; v: string }) => (c.t === 's' ? shared[Number(c.v)] : c.v);
    const townships = await t.database.db
      .selectFrom('regions')
      .select(['code', 'name'])
      .where('level', '=', 'township')
      .execute();
    const villages = await t.database.db.selectFrom('population_points').select(['id', 'region_code']).execute();
    const villageCode = new Map(villages.map((v) => [v.id, v.region_code]));

    const sheets = [1, 2].map((k) => cellsOf(parts.get(`xl/worksheets/sheet${k}.xml`)!));
    // Sheet 1: column B holds the township codes, each a shared string (t="s") in a text-formatted ('@', 49) cell.
    const codes1 = [...sheets[0]].filter(([ref]) => /^B\d+$/.test(ref) && ref !== 'B1');
    expect(codes1.length).toBe(townships.length + 1);
    for (const [ref, cell] of codes1) {
      expect(cell.t, ref).toBe('s');
      expect(cellXfs[Number(cell.s)], ref).toBe('49');
    }
    expect(
      codes1
        .slice(0, -1)
        .map(([, c]) => textOf(c))
        .sort(),
    ).toEqual(townships.map((x) => x.code).sort());
    // Sheet 2: the uncovered villages, most people first, their village codes in column D as text.
    expect(['A1', 'B1', 'C1', 'D1', 'E1', 'F1'].map((r) => textOf(sheets[1].get(r)!))).toEqual([
      '村庄/社区',
      '类型',
      '乡镇/街道',
      '统计代码',
      '人口',
      '到最近站点(分钟)',
    ]);
    const list = gaps.uncovered.features.map((f: any) => f.properties);
    expect(list.length).toBeGreaterThan(0);
    const rowCount = [...sheets[1].keys()].filter((r) => r.startsWith('A')).length - 1;
    expect(rowCount).toBe(list.length);
    let previous = Infinity;
    list.forEach((_: unknown, k: number) => {
      const row = k + 2;
      const code = sheets[1].get(`D${row}`)!;
      expect(code.t).toBe('s');
      expect(cellXfs[Number(code.s)]).toBe('49');
      const name = textOf(sheets[1].get(`A${row}`)!);
      const people = Number(sheets[1].get(`E${row}`)!.v);
      expect(sheets[1].get(`E${row}`)!.t).toBeNull();
      expect(people).toBeLessThanOrEqual(previous);
      previous = people;
      // The same place as in the public list (same people, same name), with its own village code.
      const same = list.filter((p: any) => p.name === name && p.population === people);
      expect(same.length, name).toBeGreaterThan(0);
      expect(same.map((p: any) => villageCode.get(p.id))).toContain(textOf(code));
      expect(textOf(code)).toMatch(/^\d{12}$/);
      const minutes = sheets[1].get(`F${row}`)!;
      if (same[0].unreachable) expect(textOf(minutes)).toBe('不可达');
      else if (minutes.t === null) expect(Number(minutes.v)).toBeGreaterThan(15);
      else expect(textOf(minutes)).toBe('超过60分钟');
    });
    // And exceljs reads them back as strings equal to the codes.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    book.getWorksheet('未覆盖村庄')!.eachRow((row, n) => {
      if (n === 1) return;
      expect(row.getCell(4).type).toBe(ExcelJS.ValueType.String);
      expect(row.getCell(4).value).toMatch(/^\d{12}$/);
    });
  });

  it('writes the CSVs header first, with a BOM, no comment line and the codes quoted', async () => {
    for (const url of ['/api/coverage/export?format=csv', '/api/coverage/uncovered.csv']) {
      const res = await download(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="(coverage|uncovered)-15min\.csv"/);
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const [first] = res.body.replace(/^\uFEFF/, '').split('\r\n');
      expect(first).not.toMatch(/^#/);
      expect(first).toContain('统计代码');
      // Every 12-digit code is quoted: never a bare number a spreadsheet would round.
      expect(res.body).not.toMatch(/(^|,)\d{12}(,|\r\n)/m);
      expect(res.body).not.toContain('="');
      expect(res.body).toMatch(/,"\d{12}",/);
    }
    const rows = table((await download('/api/coverage/uncovered.csv')).body);
    expect(rows[0]).toEqual(['村庄/社区', '类型', '乡镇/街道', '统计代码', '人口', '到最近站点(分钟)']);
    const list = gaps.uncovered.features.map((f: any) => f.properties);
    expect(rows.length - 1).toBe(list.length);
    expect(rows.slice(1).map((r) => Number(r[4]))).toEqual(list.map((p: any) => p.population));
    expect(rows.slice(1).every((r) => ['村', '社区'].includes(r[1]))).toBe(true);
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
