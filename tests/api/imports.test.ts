/** Importing the planners' own data: CRS conversion, all-or-nothing validation, formats and roles. */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceM } from '../../server/src/geo/ellipsoid.js';
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

describe.each(testDialects)('imports on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let township: { code: string; name: string };
  let anchor: [number, number];
  beforeAll(async () => {
    t = await startTestApp(dialect);
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const inst = (await t.app.inject('/api/stations?level=institute'))
      .json()
      .features.find((f: { properties: { regionName: string } }) => f.properties.regionName.endsWith('镇'));
    township = { code: inst.properties.regionCode, name: inst.properties.regionName };
    anchor = inst.geometry.coordinates;
  });
  afterAll(async () => t?.close());

  const count = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('stations')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** An upload from an English page (the messages checked here are the English ones, unless `lang` says). */
  const upload = (kind: string, body: string | Buffer, type: string, query = '', cookie = planner, lang = 'en') =>
    t.app.inject({
      method: 'POST',
      url: `/api/import/${kind}${query}`,
      payload: body,
      headers: { 'content-type': type, 'accept-language': lang, ...(cookie ? { cookie } : {}) },
    });
  const rowsOf = (details: { row: number }[]) => [...new Set(details.map((d) => d.row))];
  const messagesOf = (details: { row: number; message: string }[], row: number) =>
    details
      .filter((d) => d.row === row)
      .map((d) => d.message)
      .join('; ');

  it('a GCJ-02 file (as AMap gives it) lands within 1 m of the WGS-84 truth', async () => {
    const truth: [number, number] = [anchor[0] + 0.0021, anchor[1] - 0.0013];
    const [glon, glat] = wgsToGcj(...truth);
    expect(distanceM(glon, glat, ...truth)).toBeGreaterThan(100); // the offset is real
    const csv = `名称,级别,乡镇/街道,村/社区,经度,纬度,地址,联系电话,开放时间,服务项目\n高德坐标测试点,实践点,${township.name},,${glon},${glat},测试地址,13900001111,周一至周五,理论宣讲、卫生健康\n`;
    const res = await upload('stations', csv, 'text/csv', '?crs=gcj02');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'stations', created: 1, updated: 0 });
    const row = await t.database.db
      .selectFrom('stations')
      .selectAll()
      .where('name', '=', '高德坐标测试点')
      .executeTakeFirstOrThrow();
    expect(distanceM(row.lon, row.lat, ...truth)).toBeLessThan(1);
    expect(row.level).toBe('point');
    expect(JSON.parse(row.services)).toEqual(['theory', 'health']);
    // The same file again matches the station instead of adding a second one: unchanged, nothing written;
    // with another address it is updated.
    const again = await upload('stations', csv, 'text/csv', '?crs=gcj02');
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const moved = await upload('stations', csv.replace('测试地址', '新地址'), 'text/csv', '?crs=gcj02');
    expect(moved.json()).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
  });

  it('a file with one bad row writes nothing and names the row and the reason', async () => {
    const before = await count();
    const [lon, lat] = anchor;
    const csv = [
      '名称,级别,乡镇/街道,经度,纬度,服务项目',
      `好站一,实践站,${township.name},${lon + 0.001},${lat},理论宣讲`,
      `坏站二,村站,${township.name},${lon + 0.002},${lat},理论宣讲`,
      `好站三,实践站,${township.name},${lon + 0.003},${lat},科普`,
      `坏站四,实践站,不存在镇,${lon},abc,跳舞`,
    ].join('\n');
    const res = await upload('stations', csv, 'text/csv');
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain('2 of 4 rows');
    expect(rowsOf(error.details)).toEqual([3, 5]);
    expect(messagesOf(error.details, 3)).toContain('级别');
    expect(messagesOf(error.details, 5)).toContain('不存在镇');
    expect(messagesOf(error.details, 5)).toContain('纬度');
    expect(messagesOf(error.details, 5)).toContain('跳舞');
    expect(await count()).toBe(before);
    expect(
      await t.database.db.selectFrom('stations').select('id').where('name', '=', '好站一').executeTakeFirst(),
    ).toBeUndefined();
  });

  it('refuses unreadable opening hours with the row number, and stores Chinese hours in OSM syntax', async () => {
    const before = await count();
    const [lon, lat] = anchor;
    const rows = [
      '名称,级别,乡镇/街道,经度,纬度,开放时间',
      `时间站一,实践站,${township.name},${lon + 0.001},${lat},Mo-Fr 09:00-17:00; PH off`,
      `时间站二,实践站,${township.name},${lon + 0.002},${lat},周一至周五 9点以后`,
      `时间站三,实践站,${township.name},${lon + 0.003},${lat},"周一至周五 8:30-11:30，14:00-17:30；节假日休息"`,
      `时间站四,实践站,${township.name},${lon + 0.004},${lat},Mo-Fr 25:00-26:00`,
    ];
    const res = await upload('stations', rows.join('\n'), 'text/csv', '', planner, 'zh-CN');
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.message).toBe('4 行中有 2 行有误，未导入任何数据');
    expect(rowsOf(error.details)).toEqual([3, 5]);
    expect(error.details[0]).toMatchObject({ field: 'hours', code: 'hours.unreadable', severity: 'error' });
    expect(error.details[0].message).toContain('开放时间“周一至周五 9点以后”无法识别');
    expect(error.details[0].message).toContain('周一至周五 9:00-17:00');
    expect(error.details[1].message).toContain('无法识别（在“Mo-Fr 25:00”处）');
    expect(await count()).toBe(before);
    // Without the bad rows the file goes in, the Chinese hours converted.
    const good = await upload('stations', [rows[0], rows[1], rows[3]].join('\n'), 'text/csv');
    expect(good.statusCode, good.body).toBe(200);
    const stored = await t.database.db
      .selectFrom('stations')
      .select(['name', 'hours'])
      .where('name', 'in', ['时间站一', '时间站三'])
      .orderBy('name')
      .execute();
    expect(stored).toEqual([
      { name: '时间站一', hours: 'Mo-Fr 09:00-17:00; PH off' },
      { name: '时间站三', hours: 'Mo-Fr 08:30-11:30,14:00-17:30; PH off' },
    ]);
  });

  it('reads XLSX with Chinese headers and GeoJSON with English properties', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('站点');
    sheet.addRow(['名称', '级别', '乡镇/街道', '经度', '纬度', '服务项目']);
    sheet.addRow(['表格导入站', '实践站', township.name, anchor[0] + 0.0005, anchor[1] + 0.0005, '文化文艺,体育健身']);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    const res = await upload('stations', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created).toBe(1);
    const geojson = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'GeoJSON Station', level: 'institute', township: township.code, services: ['law'] },
          geometry: { type: 'Point', coordinates: [anchor[0] - 0.0005, anchor[1]] },
        },
      ],
    });
    const gj = await upload('stations', geojson, 'application/geo+json');
    expect(gj.statusCode, gj.body).toBe(200);
    const row = await t.database.db
      .selectFrom('stations')
      .selectAll()
      .where('name', '=', 'GeoJSON Station')
      .executeTakeFirstOrThrow();
    expect(row.region_code).toBe(township.code);
  });

  it('rejects a station placed in another township than the one named, and coordinates in the wrong system', async () => {
    const other = (await t.app.inject('/api/regions?level=township'))
      .json()
      .features.find((f: { properties: { code: string } }) => f.properties.code !== township.code).properties.name;
    const res = await upload(
      'stations',
      `名称,级别,乡镇/街道,经度,纬度\n错镇站,实践站,${other},${anchor[0]},${anchor[1]}\n`,
      'text/csv',
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].message).toContain(`not in ${other}`);
  });

  it('requires a planner: 401 anonymous, 403 organizer, and nothing changes', async () => {
    const before = await count();
    const csv = `名称,级别,乡镇/街道,经度,纬度\n越权站,实践站,${township.name},${anchor[0]},${anchor[1]}\n`;
    expect((await upload('stations', csv, 'text/csv', '', '')).statusCode).toBe(401);
    const organizer = await loginCookie(t.app, 'organizer', t.accounts.organizer.password);
    expect((await upload('stations', csv, 'text/csv', '', organizer)).statusCode).toBe(403);
    expect(await count()).toBe(before);
  });

  it('replaces population points from CSV, each placed in its township', async () => {
    const csv = `名称,经度,纬度,人口\n测试村,${anchor[0] + 0.001},${anchor[1]},800\n测试社区,${anchor[0] - 0.001},${anchor[1]},5000\n`;
    const res = await upload('population', csv, 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 2 });
    const points = await t.database.db.selectFrom('population_points').selectAll().execute();
    expect(points).toHaveLength(2);
    expect(points.every((p) => p.township_code === township.code)).toBe(true);
    const bad = await upload(
      'population',
      `名称,经度,纬度,人口\n远村,100,30,10\n负村,${anchor[0]},${anchor[1]},-5\n`,
      'text/csv',
    );
    expect(bad.statusCode).toBe(400);
    expect(rowsOf(bad.json().error.details)).toEqual([2, 3]);
    expect(await t.database.db.selectFrom('population_points').selectAll().execute()).toHaveLength(2);
  });
});

describe('importing boundaries into an empty database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { demo: false });
    await t.database.db
      .insertInto('users')
      .values({
        username: 'p',
        password_hash: await import('../../server/src/auth/password.js').then((m) => m.hashPassword('planner-pass')),
        role: 'planner',
        station_id: null,
        created_at: new Date().toISOString(),
      })
      .execute();
  });
  afterAll(async () => t?.close());

  it('imports townships from GeoJSON and rejects a file with a broken polygon as a whole', async () => {
    const cookie = await loginCookie(t.app, 'p', 'planner-pass');
    const square = (x: number, y: number) => [
      [
        [x, y],
        [x + 0.05, y],
        [x + 0.05, y + 0.05],
        [x, y + 0.05],
        [x, y],
      ],
    ];
    const ok = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: '甲街道', code: '110108001000' },
          geometry: { type: 'Polygon', coordinates: square(116.3, 39.9) },
        },
        {
          type: 'Feature',
          properties: { name: '乙镇', code: '110108101000' },
          geometry: { type: 'Polygon', coordinates: square(116.35, 39.9) },
        },
      ],
    });
    const bad = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: '丙镇', code: '110108102000' },
          geometry: { type: 'Polygon', coordinates: square(116.4, 39.9) },
        },
        {
          type: 'Feature',
          properties: { name: '丁镇', code: '1101' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
              ],
            ],
          },
        },
      ],
    });
    const rejected = await t.app.inject({
      method: 'POST',
      url: '/api/import/regions',
      payload: bad,
      headers: { 'content-type': 'application/geo+json', cookie },
    });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().error.details[0]).toMatchObject({ row: 2 });
    expect((await t.app.inject('/api/regions?level=township')).json().features).toHaveLength(0);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/import/regions',
      payload: ok,
      headers: { 'content-type': 'application/geo+json', cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    const townships = (await t.app.inject('/api/regions?level=township')).json().features;
    expect(
      townships.map((f: { properties: { name: string; kind: string } }) => [f.properties.name, f.properties.kind]),
    ).toEqual([
      ['甲街道', 'subdistrict'],
      ['乙镇', 'town'],
    ]);
  });
});
