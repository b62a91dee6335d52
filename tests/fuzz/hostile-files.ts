/**
 * Files for the importers (POST /api/import/stations|regions|population): plausible ones built from the
 * running data set, and hostile ones — truncated and bomb XLSX, CSVs with duplicate or missing headers,
 * BOMs, GBK bytes, formula and huge cells, GeoJSON with null features, bow-tie, far-away and
 * 10,000-vertex rings. Everything is built synchronously, so it can be a fast-check arbitrary.
 */
import fc from 'fast-check';
import { zip, type ZipEntry } from './zip.js';
import { HOSTILE_STRINGS, nestedJson } from './values.js';

export type ImportKind = 'stations' | 'regions' | 'population';

export interface UploadFile {
  /** What the file is, for reports: "xlsx-bomb 150 MB". */
  label: string;
  body: Buffer;
  contentType: string | null;
  query: Record<string, string>;
  /** Any importer should refuse it (a 2xx is noted in the report, though it is not a violation). */
  shouldReject?: boolean;
}

/** Files that no importer should take, whatever else it accepts. */
const SHOULD_REJECT =
  /^(csv-(duplicate|no-header|header-only|gbk|huge-cell|\d+-rows-last-bad|nul|binary|empty|blank|spaces|one-quote|proto|headers-hostile|unbalanced|semicolons|tabs|over)|xlsx-(truncated|lying|no-|csv-bytes|zip-of-junk)|geojson-(null|features|no-features|empty|single|bare|array|string|number|truncated|comments|feature-strings|geometry-collection|point-for-region|bow-tie|far-away|out-of-range|whole-world|ring-|hole-outside|coordinates-strings|coordinates-raw|deep|duplicate-codes|other-county|code-13|huge-name|5000-features))/;

function expectation(kind: ImportKind, f: UploadFile): UploadFile {
  const wrongFormat =
    kind === 'regions'
      ? !f.label.startsWith('geojson')
      : f.label.startsWith('geojson') && !f.label.startsWith('geojson-points');
  return { ...f, shouldReject: SHOULD_REJECT.test(f.label) || wrongFormat };
}

/** What plausible files are built from: a snapshot of the data set when the run starts. */
export interface FileWorld {
  stations: { name: string; level: string; township: string; village: string; lon: number; lat: number }[];
  townships: { code: string; name: string; geometry: unknown }[];
  bbox: [number, number, number, number];
  districtCode: string;
  /** XLSX files written by exceljs (a real spreadsheet program's output), to truncate and corrupt. */
  xlsxTemplates: Buffer[];
  /** Smaller bombs and bodies for the short run. */
  short: boolean;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const GEOJSON_TYPE = 'application/geo+json';

const LEVELS_ZH = ['中心', '实践所', '实践站', '实践点'];
const LEVELS_EN = ['center', 'institute', 'station', 'point'];
const SERVICES_ZH = [
  '理论宣讲',
  '文化文艺',
  '科普',
  '卫生健康',
  '法律',
  '体育健身',
  '助老助残',
  '关爱儿童',
  '环境卫生',
  '移风易俗',
];
/** Opening hours the importer reads (OSM syntax and the common Chinese forms); bad ones are hostile cells. */
const HOURS = [
  'Mo-Fr 08:30-17:30',
  '周一至周五 9:00-17:00',
  '每天 8:00-20:00',
  '全天',
  '',
  'Tu-Su 09:00-17:00; Mo off',
];
const STATION_HEADER_ZH = [
  '名称',
  '级别',
  '乡镇/街道',
  '村/社区',
  '经度',
  '纬度',
  '地址',
  '联系电话',
  '开放时间',
  '服务项目',
];
const STATION_HEADER_EN = [
  'name',
  'level',
  'township',
  'village',
  'lon',
  'lat',
  'address',
  'phone',
  'hours',
  'services',
];
const POPULATION_HEADER_ZH = ['名称', '经度', '纬度', '人口'];
const POPULATION_HEADER_EN = ['name', 'lon', 'lat', 'population'];

/** Hostile cell values beyond the generic strings: coordinates and counts as people mistype them. */
const HOSTILE_CELLS = [
  ...HOSTILE_STRINGS.filter((s) => s.length < 1000),
  '116,5',
  '116°30′15″',
  '１１６.５',
  '116.5.5',
  '.5',
  '5.',
  '36.1e1',
  '-0',
  '0',
  '1e400',
  'Infinity',
  '-1',
  '999999999999',
  'Mo-Su 25:00-26:00',
  '3.4028236e38',
  '=1+1',
  '=HYPERLINK("http://example.invalid","x")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A2)',
  '中心、实践所',
  '理论宣讲,,,',
  '未知服务',
];

// --- CSV ----------------------------------------------------------------------------------------

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
const csvText = (rows: string[][], eol = '\n') => rows.map((r) => r.map(csvCell).join(',')).join(eol) + eol;

let gbkTable: Map<string, number[]> | null = null;
/** GBK bytes for Chinese text (the encoding Excel on a Chinese Windows writes "CSV" in). */
export function toGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.from([a, b]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else bytes.push(...(gbkTable.get(ch) ?? [0x3f]));
  }
  return Buffer.from(bytes);
}

function stationRow(world: FileWorld, k: number, variant: number, english: boolean): string[] {
  const s = world.stations[k % world.stations.length];
  const level = english ? (LEVELS_EN[LEVELS_ZH.indexOf(s.level)] ?? s.level) : s.level;
  const name = variant % 3 === 0 ? s.name : `${s.name}${variant % 2 ? '分站' : '新点'}${k}`;
  return [
    name,
    level,
    s.township,
    s.village,
    String(s.lon + ((variant % 7) - 3) * 1e-5),
    String(s.lat + ((variant % 5) - 2) * 1e-5),
    `青川区${s.township}${k}号`,
    `1390000${String(k % 10000).padStart(4, '0')}`,
    HOURS[variant % HOURS.length],
    SERVICES_ZH.slice(variant % 5, (variant % 5) + 2).join('、'),
  ];
}

function populationRow(world: FileWorld, k: number, variant: number): string[] {
  const s = world.stations[k % world.stations.length];
  return [
    `${s.village || s.township}${k}组`,
    String(s.lon + ((variant % 11) - 5) * 1e-4),
    String(s.lat + ((variant % 13) - 6) * 1e-4),
    String(50 + ((variant * 37) % 3000)),
  ];
}

function tableRows(kind: ImportKind, world: FileWorld, count: number, seed: number, english = false): string[][] {
  const header =
    kind === 'population'
      ? english
        ? POPULATION_HEADER_EN
        : POPULATION_HEADER_ZH
      : english
        ? STATION_HEADER_EN
        : STATION_HEADER_ZH;
  const rows = [header];
  for (let i = 0; i < count; i++)
    rows.push(
      kind === 'population'
        ? populationRow(world, seed + i, seed * 7 + i)
        : stationRow(world, seed + i, seed + i, english),
    );
  return rows;
}

/**
 * Rows in a valid file: a station sheet updates what it names, but a population file replaces every
 * point, so it comes about as large as the demo's, and coverage keeps something to count.
 */
const validRows = (kind: ImportKind) =>
  kind === 'population' ? fc.integer({ min: 100, max: 300 }) : fc.integer({ min: 1, max: 20 });

const file = (
  label: string,
  body: Buffer | string,
  contentType: string | null,
  query: Record<string, string> = {},
) => ({
  label,
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  contentType,
  query,
});

function csvFiles(kind: ImportKind, world: FileWorld): fc.Arbitrary<UploadFile>[] {
  const table = kind === 'regions' ? 'stations' : kind;
  const seedArb = fc.nat({ max: 100_000 });
  const rows = (n: number, english = false) =>
    seedArb.map((s) => ({ s, rows: tableRows(table, world, n, s, english) }));
  const big = world.short ? 5_000 : 50_000;
  const hugeCell = world.short ? 100_000 : 1_000_000;
  return [
    fc
      .tuple(validRows(kind), fc.boolean(), seedArb)
      .map(([n, en, s]) => file(`csv-valid ${n} rows`, csvText(tableRows(table, world, n, s, en)), 'text/csv')),
    fc.tuple(rows(5), fc.nat(), fc.nat(), fc.constantFrom(...HOSTILE_CELLS)).map(([{ rows: r }, i, j, v]) => {
      const copy = r.map((x) => [...x]);
      copy[1 + (i % 5)][j % copy[0].length] = v;
      return file(`csv-hostile-cell ${JSON.stringify(v.slice(0, 30))}`, csvText(copy), 'text/csv');
    }),
    rows(3).map(({ rows: r }) =>
      file('csv-duplicate-headers', csvText([[...r[0], ...r[0]], ...r.slice(1).map((x) => [...x, ...x])]), 'text/csv'),
    ),
    rows(3).map(({ rows: r }) => file('csv-duplicate-name-column', csvText(r.map((x) => [x[0], ...x])), 'text/csv')),
    rows(4).map(({ rows: r }) => file('csv-no-header', csvText(r.slice(1)), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-header-only', csvText(r.slice(0, 1)), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-utf8-bom', '\ufeff' + csvText(r), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-double-bom', '\ufeff\ufeff' + csvText(r), 'text/csv')),
    rows(3).map(({ rows: r }) =>
      file(
        'csv-utf16le-bom',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csvText(r), 'utf16le')]),
        'text/csv',
      ),
    ),
    rows(3).map(({ rows: r }) => file('csv-gbk', toGbk(csvText(r, '\r\n')), 'text/csv')),
    rows(3).map(({ rows: r }) =>
      file(
        'csv-gbk-header-utf8-rows',
        Buffer.concat([toGbk(csvText([r[0]])), Buffer.from(csvText(r.slice(1)))]),
        'text/csv',
      ),
    ),
    fc
      .tuple(
        rows(4),
        fc.constantFrom(
          '=1+1',
          "=cmd|' /C calc'!A0",
          '+1+1',
          '-2+3',
          '@SUM(A1:A9)',
          '=HYPERLINK("http://example.invalid","点我")',
        ),
      )
      .map(([{ rows: r }, f]) =>
        file(
          `csv-formula ${f}`,
          csvText(r.map((x, i) => (i === 0 ? x : x.map((c, j) => (j === 0 || j === 2 ? f : c))))),
          'text/csv',
        ),
      ),
    rows(2).map(({ rows: r }) => {
      const copy = r.map((x) => [...x]);
      copy[1][0] = '文'.repeat(hugeCell);
      return file(`csv-huge-cell ${hugeCell} chars`, csvText(copy), 'text/csv');
    }),
    rows(2).map(({ rows: r }) => {
      const wide = Array.from({ length: 5000 }, (_, i) => `c${i}`);
      return file(
        'csv-5000-columns',
        csvText([[...r[0], ...wide], ...r.slice(1).map((x) => [...x, ...wide])]),
        'text/csv',
      );
    }),
    seedArb.map((s) => {
      const r = tableRows(table, world, big, s);
      r.push(r[1].map(() => 'bad'));
      return file(`csv-${big}-rows-last-bad`, csvText(r), 'text/csv');
    }),
    rows(3).map(({ rows: r }) =>
      file('csv-unbalanced-quote', csvText(r).replace(/\n([^\n]*)\n$/, '\n"$1\n'), 'text/csv'),
    ),
    rows(3).map(({ rows: r }) => file('csv-cr-only', csvText(r, '\r'), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-crlf', csvText(r, '\r\n'), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-nul-bytes', csvText(r).replace(/,/g, ',\u0000'), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-semicolons', r.map((x) => x.join(';')).join('\n'), 'text/csv')),
    rows(3).map(({ rows: r }) => file('csv-tabs', r.map((x) => x.join('\t')).join('\n'), 'text/csv')),
    ...[
      file('csv-empty', '', 'text/csv'),
      file('csv-blank-lines', '\n\n\r\n\n', 'text/csv'),
      file('csv-spaces', '   ,  ,  \n  ,  , \n', 'text/csv'),
      file('csv-one-quote', '"', 'text/csv'),
      file('csv-proto-header', '__proto__,constructor,prototype\n1,2,3\n', 'text/csv'),
      file(
        'csv-headers-hostile',
        `${HOSTILE_STRINGS.slice(0, 40).map(csvCell).join(',')}\n${'1,'.repeat(40)}\n`,
        'text/csv',
      ),
    ].map((f) => fc.constant(f)),
    fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((b) => file('csv-binary-garbage', Buffer.from(b), 'text/csv')),
    ...(world.short
      ? []
      : [
          fc.constant(
            file(
              'csv-over-body-limit 33 MB',
              cached('33 MB', () => Buffer.alloc(33 * 1024 * 1024, 0x61)),
              'text/csv',
            ),
          ),
        ]),
  ];
}

// --- XLSX ---------------------------------------------------------------------------------------

const xmlEscape = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
const colName = (i: number) => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

function sheetXml(rows: string[][], extra = ''): string {
  const body = rows
    .map(
      (r, i) =>
        `<row r="${i + 1}">${r
          .map((v, j) => `<c r="${colName(j)}${i + 1}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`)
          .join('')}</row>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}${extra}</sheetData></worksheet>`;
}

function xlsxParts(sheet: string | Buffer, options: { sheets?: boolean } = {}): ZipEntry[] {
  const sheets = options.sheets ?? true;
  return [
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ),
    },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets ? '<sheet name="Sheet1" sheetId="1" r:id="rId1"/>' : ''}</sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    },
    { name: 'xl/worksheets/sheet1.xml', data: typeof sheet === 'string' ? Buffer.from(sheet) : sheet },
  ];
}

/** Bombs take a second to deflate: built once per run. */
const bombs = new Map<string, Buffer>();
function cached(key: string, build: () => Buffer): Buffer {
  let b = bombs.get(key);
  if (!b) bombs.set(key, (b = build()));
  return b;
}

export const xlsxOf = (rows: string[][]) => zip(xlsxParts(sheetXml(rows)));

function xlsxFiles(kind: ImportKind, world: FileWorld): fc.Arbitrary<UploadFile>[] {
  const table = kind === 'regions' ? 'stations' : kind;
  const seedArb = fc.nat({ max: 100_000 });
  const rows = (n: number) => seedArb.map((s) => tableRows(table, world, n, s));
  const bombMb = world.short ? 20 : 150;
  const bombRows = world.short ? 20_000 : 200_000;
  const x = (label: string, body: Buffer) => file(label, body, XLSX_TYPE);
  const templates = world.xlsxTemplates;
  return [
    fc
      .tuple(validRows(kind), seedArb)
      .map(([n, s]) => x(`xlsx-valid ${n} rows`, xlsxOf(tableRows(table, world, n, s)))),
    ...(templates.length
      ? [
          fc.constantFrom(...templates.keys()).map((i) => x('xlsx-exceljs', templates[i])),
          fc
            .tuple(fc.constantFrom(...templates.keys()), fc.double({ min: 0, max: 1, noNaN: true }))
            .map(([i, f]) =>
              x(
                `xlsx-truncated at ${Math.round(f * 100)} %`,
                templates[i].subarray(0, Math.floor(templates[i].length * f)),
              ),
            ),
          fc
            .tuple(
              fc.constantFrom(...templates.keys()),
              fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 20 }),
            )
            .map(([i, flips]) => {
              const b = Buffer.from(templates[i]);
              for (const [at, v] of flips) b[at % b.length] = v;
              return x(`xlsx-bytes-flipped ${flips.length}`, b);
            }),
        ]
      : []),
    fc.tuple(rows(3), fc.double({ min: 0, max: 1, noNaN: true })).map(([r, f]) => {
      const b = xlsxOf(r);
      return x(`xlsx-truncated-handmade at ${Math.round(f * 100)} %`, b.subarray(0, Math.floor(b.length * f)));
    }),
    rows(2).map((r) =>
      x(
        `xlsx-bomb ${bombMb} MB of whitespace`,
        cached(`ws:${table}:${bombMb}`, () => {
          // Whitespace inside sheetData: deflates ~1000:1, inflates to bombMb.
          const pad = Buffer.alloc(bombMb * 1024 * 1024, 0x20);
          const xml = sheetXml(r);
          const at = xml.indexOf('</sheetData>');
          return zip(xlsxParts(Buffer.concat([Buffer.from(xml.slice(0, at)), pad, Buffer.from(xml.slice(at))])));
        }),
      ),
    ),
    rows(1).map((r) =>
      x(
        `xlsx-rows-bomb ${bombRows} rows`,
        cached(`rows:${table}:${bombRows}`, () => xlsxOf([r[0], ...Array.from({ length: bombRows }, () => r[1])])),
      ),
    ),
    rows(3).map((r) => {
      const parts = xlsxParts(sheetXml(r));
      parts[4] = { ...parts[4], declaredSize: 10, badCrc: true };
      return x('xlsx-lying-sizes-and-crc', zip(parts));
    }),
    rows(3).map((r) => x('xlsx-no-sheets', zip(xlsxParts(sheetXml(r), { sheets: false })))),
    rows(3).map((r) => x('xlsx-no-worksheet-part', zip(xlsxParts(sheetXml(r)).slice(0, 4)))),
    rows(2).map((r) => {
      const laughs =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
      const xml = sheetXml(r)
        .replace(/^<\?xml[^>]*\?>/, laughs)
        .replace('<t>', '<t>&lol6;&xxe;');
      return x('xlsx-entity-expansion', zip(xlsxParts(xml)));
    }),
    rows(2).map((r) => {
      const extra =
        '<row r="3"><c r="A3"><f>1/0</f><v>#DIV/0!</v></c><c r="B3" t="e"><v>#REF!</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="d"><v>2026-11-24T09:00:00Z</v></c><c r="E3"><f>HYPERLINK("http://example.invalid")</f></c><c r="F3" t="s"><v>99999</v></c><c r="G3"><v>1e400</v></c><c r="H3"><v>NaN</v></c></row>';
      return x('xlsx-formulas-errors-bad-shared-string', zip(xlsxParts(sheetXml(r, extra))));
    }),
    rows(2).map((r) => {
      const extra =
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row><row r="4294967296"><c r="A4294967296" t="inlineStr"><is><t>farther</t></is></c></row>';
      return x('xlsx-huge-row-indexes', zip(xlsxParts(sheetXml(r, extra))));
    }),
    rows(2).map((r) => x('xlsx-merged-and-unterminated', zip(xlsxParts(sheetXml(r).replace('</worksheet>', ''))))),
    rows(3).map((r) => x('xlsx-csv-bytes', Buffer.from(csvText(r)))),
    fc
      .array(fc.tuple(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 200 })), { minLength: 1, maxLength: 5 })
      .map((entries) =>
        x('xlsx-zip-of-junk', zip(entries.map(([n, d]) => ({ name: n || 'x', data: Buffer.from(d) })))),
      ),
  ];
}

// --- GeoJSON ------------------------------------------------------------------------------------

const collection = (features: unknown[]) => ({ type: 'FeatureCollection', features });
const polygonFeature = (name: string, code: string, rings: number[][][]) => ({
  type: 'Feature',
  properties: { name, code },
  geometry: { type: 'Polygon', coordinates: rings },
});

function square(cx: number, cy: number, r: number): number[][] {
  return [
    [cx - r, cy - r],
    [cx + r, cy - r],
    [cx + r, cy + r],
    [cx - r, cy + r],
    [cx - r, cy - r],
  ];
}

function circle(cx: number, cy: number, r: number, n: number): number[][] {
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push([cx + r * Math.cos(a), cy + r * Math.sin(a) * 0.8]);
  }
  ring.push(ring[0]);
  return ring;
}

function geojsonFiles(kind: ImportKind, world: FileWorld): fc.Arbitrary<UploadFile>[] {
  const g = (label: string, value: unknown, contentType: string | null = GEOJSON_TYPE) =>
    file(label, typeof value === 'string' ? value : JSON.stringify(value), contentType);
  const [w, s, e, n] = world.bbox;
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const townships = world.townships;
  const code = (k: number) => `${world.districtCode.slice(0, 6)}${String(100 + (k % 900)).padStart(3, '0')}000`;
  const t0 = townships[0];
  const valid = () =>
    collection(
      townships.map((t) => ({ type: 'Feature', properties: { name: t.name, code: t.code }, geometry: t.geometry })),
    );
  const points = (count: number, seed: number) =>
    collection(
      tableRows(kind === 'population' ? 'population' : 'stations', world, count, seed, true)
        .slice(1)
        .map((r) => {
          const header = kind === 'population' ? POPULATION_HEADER_EN : STATION_HEADER_EN;
          const props = Object.fromEntries(header.map((h, i) => [h, r[i]]));
          const lon = Number(props.lon);
          const lat = Number(props.lat);
          delete props.lon;
          delete props.lat;
          return { type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [lon, lat] } };
        }),
    );
  const vertices = world.short ? [10_000] : [10_000, 100_000];
  return [
    fc.constant(g('geojson-valid-townships (as stored)', valid())),
    fc
      .tuple(fc.integer({ min: 1, max: 10 }), fc.nat({ max: 100_000 }))
      .map(([c, sd]) => g(`geojson-points ${c}`, points(c, sd))),
    ...[
      g('geojson-null-features', { type: 'FeatureCollection', features: [null, null] }),
      g('geojson-features-null', { type: 'FeatureCollection', features: null }),
      g('geojson-features-object', { type: 'FeatureCollection', features: { 0: {} } }),
      g('geojson-no-features', { type: 'FeatureCollection' }),
      g('geojson-empty-features', { type: 'FeatureCollection', features: [] }),
      g('geojson-single-feature', {
        type: 'Feature',
        properties: { name: 'x', code: code(1) },
        geometry: { type: 'Polygon', coordinates: [square(cx, cy, 0.01)] },
      }),
      g('geojson-bare-geometry', { type: 'Polygon', coordinates: [square(cx, cy, 0.01)] }),
      g('geojson-null', 'null'),
      g('geojson-array', '[]'),
      g('geojson-string', '"FeatureCollection"'),
      g('geojson-number', '1e400'),
      g('geojson-truncated', JSON.stringify(valid()).slice(0, 200)),
      g('geojson-bom', '\ufeff' + JSON.stringify(valid())),
      g('geojson-comments', '// townships\n' + JSON.stringify(valid())),
      g(
        'geojson-null-geometry',
        collection([{ type: 'Feature', properties: { name: '空', code: code(2) }, geometry: null }]),
      ),
      g(
        'geojson-null-properties',
        collection([
          { type: 'Feature', properties: null, geometry: { type: 'Polygon', coordinates: [square(cx, cy, 0.01)] } },
        ]),
      ),
      g('geojson-feature-strings', collection(['Feature', 1, true, []])),
      g(
        'geojson-geometry-collection',
        collection([
          {
            type: 'Feature',
            properties: { name: '集合', code: code(3) },
            geometry: {
              type: 'GeometryCollection',
              geometries: [{ type: 'Polygon', coordinates: [square(cx, cy, 0.01)] }],
            },
          },
        ]),
      ),
      g(
        'geojson-point-for-region',
        collection([
          {
            type: 'Feature',
            properties: { name: '点', code: code(4) },
            geometry: { type: 'Point', coordinates: [cx, cy] },
          },
        ]),
      ),
      g(
        'geojson-bow-tie',
        collection([
          polygonFeature('蝴蝶镇', code(5), [
            [
              [cx - 0.05, cy - 0.05],
              [cx + 0.05, cy + 0.05],
              [cx + 0.05, cy - 0.05],
              [cx - 0.05, cy + 0.05],
              [cx - 0.05, cy - 0.05],
            ],
          ]),
        ]),
      ),
      g(
        'geojson-bow-tie-existing-code',
        collection([
          polygonFeature(t0?.name ?? '镇', t0?.code ?? code(6), [
            [
              [cx - 0.05, cy - 0.05],
              [cx + 0.05, cy + 0.05],
              [cx + 0.05, cy - 0.05],
              [cx - 0.05, cy + 0.05],
              [cx - 0.05, cy - 0.05],
            ],
          ]),
        ]),
      ),
      g(
        'geojson-far-away-pole',
        collection([
          polygonFeature('极地镇', code(7), [
            [
              [0, 89.9],
              [120, 89.9],
              [-120, 89.9],
              [0, 89.9],
            ],
          ]),
        ]),
      ),
      g(
        'geojson-far-away-antimeridian',
        collection([
          polygonFeature('日界镇', code(8), [
            [
              [179.9, 0],
              [-179.9, 0],
              [-179.9, 1],
              [179.9, 1],
              [179.9, 0],
            ],
          ]),
        ]),
      ),
      g('geojson-far-away-elsewhere', collection([polygonFeature('远方镇', code(9), [square(-70, -30, 0.05)])])),
      g(
        'geojson-out-of-range',
        collection([
          polygonFeature('越界镇', code(10), [
            [
              [500, 100],
              [600, 100],
              [600, 200],
              [500, 100],
            ],
          ]),
        ]),
      ),
      g(
        'geojson-whole-world',
        collection([
          polygonFeature('天下镇', code(11), [
            [
              [-180, -90],
              [180, -90],
              [180, 90],
              [-180, 90],
              [-180, -90],
            ],
          ]),
        ]),
      ),
      g(
        'geojson-ring-3-positions',
        collection([
          polygonFeature('三点镇', code(12), [
            [
              [cx, cy],
              [cx + 0.01, cy],
              [cx, cy],
            ],
          ]),
        ]),
      ),
      g('geojson-ring-unclosed', collection([polygonFeature('开口镇', code(13), [square(cx, cy, 0.01).slice(0, 4)])])),
      g(
        'geojson-ring-one-point',
        collection([
          polygonFeature('一点镇', code(14), [
            [
              [cx, cy],
              [cx, cy],
              [cx, cy],
              [cx, cy],
            ],
          ]),
        ]),
      ),
      g('geojson-empty-rings', collection([polygonFeature('空环镇', code(15), [])])),
      g('geojson-empty-ring', collection([polygonFeature('空环镇', code(15), [[]])])),
      g(
        'geojson-hole-outside',
        collection([polygonFeature('洞外镇', code(16), [square(cx, cy, 0.01), square(cx + 0.5, cy, 0.01)])]),
      ),
      g(
        'geojson-coordinates-strings',
        collection([polygonFeature('字符镇', code(17), [square(cx, cy, 0.01).map((p) => p.map(String)) as never])]),
      ),
      g(
        'geojson-coordinates-3d-and-extra',
        collection([polygonFeature('高程镇', code(18), [square(cx, cy, 0.01).map((p) => [...p, 100, 'x']) as never])]),
      ),
      g(
        'geojson-coordinates-raw-tokens',
        `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"怪数镇","code":"${code(19)}"},"geometry":{"type":"Polygon","coordinates":[[[1e400,${cy}],[-0,-0],[${cx},1e400],[-1e400,-1e400],[1e400,${cy}]]]}}]}`,
      ),
      g(
        'geojson-deep-coordinates',
        `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"深镇","code":"${code(20)}"},"geometry":{"type":"Polygon","coordinates":${nestedJson(5000, 'array')}}}]}`,
      ),
      g('geojson-deep-json', nestedJson(50_000, 'object')),
      g(
        'geojson-proto-properties',
        `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"__proto__":{"name":"x","code":"${code(21)}"},"constructor":{"prototype":{"polluted":1}}},"geometry":{"type":"Polygon","coordinates":[${JSON.stringify(square(cx, cy, 0.01))}]}}]}`,
      ),
      g(
        'geojson-duplicate-codes',
        collection([
          polygonFeature('甲镇', code(22), [square(cx, cy, 0.01)]),
          polygonFeature('乙镇', code(22), [square(cx + 0.03, cy, 0.01)]),
        ]),
      ),
      g(
        'geojson-other-county',
        collection([
          polygonFeature('外县镇', '110101001000', [square(cx, cy, 0.01)]),
          polygonFeature('本县镇', code(23), [square(cx + 0.03, cy, 0.01)]),
        ]),
      ),
      g(
        'geojson-code-as-number',
        collection([
          {
            ...polygonFeature('数码镇', '', [square(cx, cy, 0.01)]),
            properties: { name: '数码镇', code: Number(code(24)) },
          },
        ]),
      ),
      g('geojson-code-13-digits', collection([polygonFeature('长码镇', `${code(25)}0`, [square(cx, cy, 0.01)])])),
      g(
        'geojson-huge-name',
        collection([polygonFeature('镇'.repeat(world.short ? 100_000 : 1_000_000), code(26), [square(cx, cy, 0.01)])]),
      ),
      g('geojson-as-octet-stream', valid(), 'application/octet-stream'),
      g('geojson-no-content-type', valid(), null),
      g('geojson-as-csv', valid(), 'text/csv'),
    ].map((f) => fc.constant(f)),
    fc
      .constantFrom(...vertices)
      .map((v) =>
        g(`geojson-${v}-vertex-ring`, collection([polygonFeature(`圆${v}镇`, code(27), [circle(cx, cy, 0.05, v)])])),
      ),
    fc
      .constantFrom(...vertices)
      .map((v) =>
        g(
          `geojson-${v}-vertex-ring-existing-township`,
          collection([polygonFeature(t0?.name ?? '镇', t0?.code ?? code(28), [circle(cx, cy, 0.2, v)])]),
        ),
      ),
    fc.constant(
      g(
        'geojson-multipolygon-2000-parts',
        collection([
          {
            type: 'Feature',
            properties: { name: '群岛镇', code: code(29) },
            geometry: {
              type: 'MultiPolygon',
              coordinates: Array.from({ length: 2000 }, (_, i) => [
                square(w + (i % 50) * 0.005, s + Math.floor(i / 50) * 0.005, 0.001),
              ]),
            },
          },
        ]),
      ),
    ),
    fc.constant(
      g(
        'geojson-5000-features',
        collection(Array.from({ length: 5000 }, (_, i) => polygonFeature(`镇${i}`, code(i), [square(cx, cy, 0.001)]))),
      ),
    ),
  ];
}

/** Every kind of file, for one importer. */
export function uploadFiles(kind: ImportKind, world: FileWorld): fc.Arbitrary<UploadFile>[] {
  // Some files are large constants: built once per importer and run.
  let perKind = built.get(world);
  if (!perKind) built.set(world, (perKind = new Map()));
  let files = perKind.get(kind);
  if (!files)
    perKind.set(
      kind,
      (files = [...csvFiles(kind, world), ...xlsxFiles(kind, world), ...geojsonFiles(kind, world)].map((a) =>
        a.map((f) => expectation(kind, f)),
      )),
    );
  return files;
}
const built = new WeakMap<FileWorld, Map<ImportKind, fc.Arbitrary<UploadFile>[]>>();

/** The query and content type an upload goes with: right, wrong, missing. */
export function withDelivery(files: fc.Arbitrary<UploadFile>): fc.Arbitrary<UploadFile> {
  return fc
    .tuple(
      files,
      fc.constantFrom('keep', 'keep', 'keep', 'octet+format', 'octet+name', 'none', 'json', 'multipart', 'mismatch'),
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<string | null>(null, 'wgs84', 'gcj02', 'bd09') },
        fc.constantFrom('WGS84', 'epsg:4326', ''),
      ),
    )
    .map(([f, how, crs]) => {
      const format = f.label.startsWith('xlsx') ? 'xlsx' : f.label.startsWith('csv') ? 'csv' : 'geojson';
      const query: Record<string, string> = { ...f.query };
      if (crs !== null) query.crs = crs;
      let contentType = f.contentType;
      if (how === 'octet+format') {
        contentType = 'application/octet-stream';
        query.format = format;
      } else if (how === 'octet+name') {
        contentType = 'application/octet-stream';
        query.name = `文件.${format === 'geojson' ? 'geojson' : format}`;
      } else if (how === 'none') contentType = null;
      else if (how === 'json') contentType = 'application/json';
      else if (how === 'multipart') contentType = 'multipart/form-data; boundary=----x';
      else if (how === 'mismatch') contentType = format === 'csv' ? XLSX_TYPE : 'text/csv';
      // GeoJSON may come as application/json; nothing else may come without its own type.
      const refused =
        how === 'none' || how === 'multipart' || how === 'mismatch' || (how === 'json' && format !== 'geojson');
      return {
        ...f,
        label: how === 'keep' ? f.label : `${f.label} [${how}]`,
        contentType,
        query,
        shouldReject: f.shouldReject || refused,
      };
    });
}
