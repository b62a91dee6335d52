/**
 * Imports as real offices send them (issue 12): GBK CSVs from Excel, messages in the page's language with
 * the obvious fix suggested (and applied when asked), Chinese opening hours, a preview that writes nothing,
 * the history of who imported what, and templates the importer reads back.
 */
import { execFileSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointInArea, type AreaGeometry } from '../../server/src/geo/polygon.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

/** WGS-84 -> GCJ-02 by the published formula (independent of the library the importer uses). */
function wgsToGcj(lon: number, lat: number): [number, number] {
  const a = 6378245.0;
  const ee = 0.006693421622965943;
  const x = lon - 105.0;
  const y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLon += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLon += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** The bytes Excel on Chinese Windows writes: GBK, by the system's iconv. */
const gbk = (text: string) => execFileSync('iconv', ['-f', 'utf-8', '-t', 'gbk'], { input: Buffer.from(text) });

type Detail = {
  row: number;
  field: string | null;
  code: string;
  message: string;
  severity: string;
  suggestion?: { fix: string; value: string };
};
type Township = { code: string; name: string; geometry: AreaGeometry };

describe.each(testDialects)('imports for real offices on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let townships: Township[];
  let home: Township;
  let anchor: [number, number];
  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    townships = (await t.app.inject('/api/regions?level=township'))
      .json()
      .features.map((f: { properties: { code: string; name: string }; geometry: AreaGeometry }) => ({
        code: f.properties.code,
        name: f.properties.name,
        geometry: f.geometry,
      }));
    const inst = (await t.app.inject('/api/stations?level=institute'))
      .json()
      .features.find((f: { properties: { regionName: string } }) => f.properties.regionName.endsWith('镇'));
    home = townships.find((x) => x.code === inst.properties.regionCode)!;
    anchor = inst.geometry.coordinates;
  });
  afterAll(async () => t?.close());

  const upload = (
    kind: string,
    body: string | Buffer,
    query = '',
    { lang, cookie = planner, type = 'text/csv' }: { lang?: string; cookie?: string; type?: string } = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/api/import/${kind}${query}`,
      payload: body,
      headers: {
        'content-type': type,
        ...(lang ? { 'accept-language': lang } : {}),
        ...(cookie ? { cookie } : {}),
      },
    });

  /** Every row of the tables an import may touch, in a fixed order: equal before and after means nothing was written. */
  const fingerprint = async () => {
    const db = t.database.db;
    return JSON.stringify([
      await db.selectFrom('stations').selectAll().orderBy('id').execute(),
      await db.selectFrom('population_points').selectAll().orderBy('id').execute(),
      await db.selectFrom('regions').selectAll().orderBy('code').execute(),
      await db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
    ]);
  };
  /** The stations named, as stored, without the fields a second write necessarily changes. */
  const stored = async (names: string[]) =>
    (await t.database.db.selectFrom('stations').selectAll().where('name', 'in', names).orderBy('name').execute()).map(
      ({ id: _id, created_at: _c, updated_at: _u, ...rest }) => rest,
    );
  const removeStations = (names: string[]) => t.database.db.deleteFrom('stations').where('name', 'in', names).execute();

  it('reads a GBK CSV from Excel exactly as the same rows in UTF-8, and says which encoding it read', async () => {
    const [lon, lat] = anchor;
    const names = ['编码测试站甲', '编码测试站乙'];
    const text = [
      '名称,级别,乡镇/街道,经度,纬度,地址,开放时间,服务项目,联系人',
      `${names[0]},实践站,${home.name},${lon + 0.001},${lat},幸福路 8 号,周一至周五 9:00-17:00，节假日休息,理论宣讲、卫生健康,张老师`,
      `${names[1]},实践点,${home.name},${lon - 0.001},${lat},"东街（农贸市场旁）",每天 8:30-17:30,文化文艺,李主任`,
    ].join('\r\n');
    const gbkBytes = gbk(text);
    expect(isUtf8(gbkBytes)).toBe(false); // a real GBK file, not UTF-8 under another name
    const results = [];
    for (const [body, encoding] of [
      [Buffer.from(text), 'utf-8'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
      [gbkBytes, 'gb18030'],
    ] as const) {
      const preview = await upload('stations', body, '?dryRun=true');
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({ dryRun: true, encoding, counts: { new: 2, invalid: 0 } });
      const res = await upload('stations', body);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ encoding, created: 2 });
      results.push(await stored(names));
      await removeStations(names);
    }
    expect(results[0]).toHaveLength(2);
    expect(results[0].find((s) => s.name === names[0])).toMatchObject({
      address: '幸福路 8 号',
      contact_name: '张老师',
      hours: 'Mo-Fr 09:00-17:00; PH off',
      services: '["theory","health"]',
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('says what is wrong in Chinese by default and in English when asked, never naming a CLI flag', async () => {
    // A point of this township whose GCJ-02 reading, taken for WGS-84, lies in another: what AMap's picker gives.
    let truth: [number, number] | null = null;
    const inside = (x: Township, p: [number, number]) => pointInArea(p[0], p[1], x.geometry);
    for (let i = 0; i < 4000 && !truth; i++) {
      const p: [number, number] = [anchor[0] + ((i % 80) - 40) * 0.002, anchor[1] + (Math.floor(i / 80) - 25) * 0.002];
      const g = wgsToGcj(...p);
      if (inside(home, p) && !inside(home, g) && townships.some((x) => inside(x, g))) truth = p;
    }
    expect(truth, 'a point near the township border').not.toBeNull();
    const [glon, glat] = wgsToGcj(...truth!);
    const csv = `名称,级别,乡镇/街道,经度,纬度\n高德取点站,实践站,${home.name},${glon},${glat}\n`;
    const zh = await upload('stations', csv);
    expect(zh.statusCode).toBe(400);
    const [problem] = zh.json().error.details as Detail[];
    expect(zh.json().error.message).toBe('1 行中有 1 行有误，未导入任何数据');
    expect(problem).toMatchObject({ row: 2, code: 'coord.crs', suggestion: { fix: 'crs', value: 'gcj02' } });
    expect(problem.message).toContain('坐标看起来是 GCJ-02（高德/腾讯）坐标');
    expect(problem.message).toContain('请在上方选择坐标系');
    expect(zh.body).not.toContain('--crs');
    const en = await upload('stations', csv, '', { lang: 'en-US,en;q=0.9' });
    expect(en.json().error.message).toBe('1 of 1 rows are invalid; nothing was imported');
    expect(en.json().error.details[0].message).toContain('look like GCJ-02 (AMap/Tencent)');
    expect(en.body).not.toContain('--crs');
    // The fix as suggested: the same file, read as GCJ-02.
    const fixed = await upload('stations', csv, '?crs=gcj02');
    expect(fixed.statusCode, fixed.body).toBe(200);
    await removeStations(['高德取点站']);
  });

  it('suggests swapping longitude and latitude, and swaps them when asked', async () => {
    const [lon, lat] = anchor;
    const csv = `名称,级别,乡镇/街道,经度,纬度\n颠倒站,实践站,${home.name},${lat},${lon}\n`;
    const before = await fingerprint();
    const refused = await upload('stations', csv);
    expect(refused.statusCode).toBe(400);
    const details = refused.json().error.details as Detail[];
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({
      code: 'coord.swapped',
      field: 'lon',
      suggestion: { fix: 'swap', value: `${lon},${lat}` },
    });
    expect(details[0].message).toContain('经度和纬度填反了');
    expect(details[0].message).toContain(home.name);
    const preview = await upload('stations', csv, '?dryRun=true&fix=swap');
    expect(preview.json()).toMatchObject({ counts: { new: 1, invalid: 0 } });
    expect(preview.json().rows[0].problems[0]).toMatchObject({ code: 'coord.swappedFixed', severity: 'info' });
    expect(await fingerprint()).toBe(before);
    const res = await upload('stations', csv, '?fix=swap');
    expect(res.statusCode, res.body).toBe(200);
    const [row] = await stored(['颠倒站']);
    expect([row.lon, row.lat]).toEqual([lon, lat]);
    expect(row.region_code).toBe(home.code);
    await removeStations(['颠倒站']);
  });

  it('asks "did you mean" for a township name an ending or a character off, and flags a village that matches nothing', async () => {
    const [lon, lat] = anchor;
    const short = home.name.replace(/镇$/, '');
    const typo = `${[...home.name][0]}错${home.name.slice(2)}`;
    const csv = [
      '名称,级别,乡镇/街道,村/社区,经度,纬度',
      `简称站,实践站,${short},,${lon + 0.001},${lat}`,
      `错字站,实践站,${typo},,${lon + 0.002},${lat}`,
      `无村站,实践站,${home.name},不存在村,${lon + 0.003},${lat}`,
    ].join('\n');
    const preview = await upload('stations', csv, '?dryRun=true');
    expect(preview.statusCode, preview.body).toBe(200);
    const rows = preview.json().rows as { row: number; status: string; problems: Detail[] }[];
    expect(rows.map((r) => r.status)).toEqual(['invalid', 'invalid', 'new']);
    for (const [r, value] of [
      [rows[0], short],
      [rows[1], typo],
    ] as const) {
      expect(r.problems[0]).toMatchObject({
        code: 'township.close',
        suggestion: { fix: 'township', value: home.name },
      });
      expect(r.problems[0].message).toBe(`乡镇/街道“${value}”不在已导入的乡镇中，您是否指“${home.name}”？`);
    }
    expect(rows[2].problems).toEqual([
      expect.objectContaining({ field: 'village', code: 'village.unknown', severity: 'warning' }),
    ]);
    expect(rows[2].problems[0].message).toContain('不存在村');
    const res = await upload('stations', csv, '?fix=township');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3 });
    const written = await stored(['简称站', '错字站', '无村站']);
    expect(written.map((s) => [s.region_code, s.village_code])).toEqual([
      [home.code, null],
      [home.code, null],
      [home.code, null],
    ]);
    await removeStations(['简称站', '错字站', '无村站']);
  });

  it('converts Chinese opening hours and shows it in the preview, or refuses the row', async () => {
    const [lon, lat] = anchor;
    const csv = [
      '名称,级别,乡镇/街道,经度,纬度,开放时间',
      `时间甲站,实践站,${home.name},${lon + 0.001},${lat},周一至周六 上午9:00-12:00 下午14:00-17:30`,
      `时间乙站,实践站,${home.name},${lon + 0.002},${lat},早八晚五`,
    ].join('\n');
    const preview = (await upload('stations', csv, '?dryRun=true')).json();
    expect(preview.rows[0].problems[0]).toMatchObject({
      code: 'hours.converted',
      severity: 'info',
      params: { hours: 'Mo-Sa 09:00-12:00,14:00-17:30' },
    });
    expect(preview.rows[0].problems[0].message).toContain('将存为 Mo-Sa 09:00-12:00,14:00-17:30');
    expect(preview.rows[1]).toMatchObject({
      status: 'invalid',
      problems: [{ code: 'hours.unreadable', field: 'hours' }],
    });
    expect(preview.rows[1].problems[0].message).toContain('开放时间“早八晚五”无法识别');
  });

  it('previews new, updated, unchanged and invalid rows without writing, then writes exactly that and records it', async () => {
    const [lon, lat] = anchor;
    const head = '名称,级别,乡镇/街道,经度,纬度,地址';
    const first = [
      head,
      `预览甲站,实践站,${home.name},${lon + 0.001},${lat},一号`,
      `预览乙站,实践站,${home.name},${lon + 0.002},${lat},二号`,
    ];
    expect((await upload('stations', first.join('\n'))).statusCode).toBe(200);
    const csv = [
      head,
      `预览甲站,实践站,${home.name},${lon + 0.001},${lat},一号`, // unchanged
      `预览乙站,实践站,${home.name},${lon + 0.002},${lat},新二号`, // updated
      `预览丙站,实践站,${home.name},${lon + 0.003},${lat},三号`, // new
      `预览丁站,实践所,没有这个镇,${lon},${lat},四号`, // invalid
    ].join('\n');
    const before = await fingerprint();
    const preview = await upload('stations', csv, '?dryRun=true&name=预览.csv');
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      dryRun: true,
      created: 0,
      updated: 0,
      counts: { new: 1, updated: 1, unchanged: 1, invalid: 1 },
    });
    expect(preview.json().rows.map((r: { status: string }) => r.status)).toEqual([
      'unchanged',
      'updated',
      'new',
      'invalid',
    ]);
    expect(await fingerprint()).toBe(before);
    // The file with an invalid row is refused as a whole; without it, it writes what the preview said.
    expect((await upload('stations', csv)).statusCode).toBe(400);
    expect(await fingerprint()).toBe(before);
    const good = csv.split('\n').slice(0, 4).join('\n');
    const res = await upload('stations', good, '?name=预览.csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: false, created: 1, updated: 1, unchanged: 1 });
    expect((await stored(['预览乙站']))[0].address).toBe('新二号');
    const history = await t.app.inject({ url: '/api/imports/history', headers: { cookie: planner } });
    expect(history.statusCode).toBe(200);
    const [latest] = history.json().entries;
    expect(latest).toMatchObject({
      username: t.accounts.planner.username,
      kind: 'stations',
      subject: '预览.csv',
      detail: {
        encoding: 'utf-8',
        format: 'csv',
        created: 1,
        updated: 1,
        counts: { new: 1, updated: 1, unchanged: 1 },
      },
    });
    expect(Date.now() - Date.parse(latest.at)).toBeLessThan(60_000);
    expect((await t.app.inject('/api/imports/history')).statusCode).toBe(401);
    await removeStations(['预览甲站', '预览乙站', '预览丙站']);
  });

  it('serves templates whose headers the importer reads back', async () => {
    expect((await t.app.inject('/api/imports/template?kind=stations')).statusCode).toBe(401);
    for (const kind of ['stations', 'population']) {
      const csv = await t.app.inject({
        url: `/api/imports/template?kind=${kind}&format=csv`,
        headers: { cookie: planner },
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-disposition']).toContain(`${kind}-template.csv`);
      expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(csv.body).toContain('名称');
      const xlsx = await t.app.inject({
        url: `/api/imports/template?kind=${kind}&format=xlsx`,
        headers: { cookie: planner },
      });
      expect(xlsx.statusCode).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(book.worksheets[0].getRow(1).getCell(1).value).toBe('名称');
      for (const [body, type] of [
        [csv.rawPayload, 'text/csv'],
        [xlsx.rawPayload, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      ] as const) {
        // The header is read (a missing or unknown one would be a 400); the example row is a row like any other.
        const preview = await upload(kind, body, '?dryRun=true', { type });
        expect(preview.statusCode, preview.body).toBe(200);
        expect(preview.json().counts.new + preview.json().counts.invalid).toBe(1);
      }
    }
    const regions = await t.app.inject({ url: '/api/imports/template?kind=regions', headers: { cookie: planner } });
    expect(regions.statusCode).toBe(200);
    expect(regions.json().features[0].properties).toMatchObject({
      name: expect.any(String),
      code: expect.stringMatching(/^\d{12}$/),
    });
    expect(
      (await t.app.inject({ url: '/api/imports/template?kind=regions&format=csv', headers: { cookie: planner } }))
        .statusCode,
    ).toBe(400);
  });
});
