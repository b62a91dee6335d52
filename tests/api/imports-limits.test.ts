/**
 * Imports refuse what they cannot take, early and without side effects: files past the row limit,
 * zip bombs, duplicate, missing or absent header rows, and garbage in place of GeoJSON. Each answer
 * names the limit or the feature, row and field; nothing is written; nothing answers 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';
import { part, sheetXml, whitespaceSheet, xlsx } from '../support/zip.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.each(testDialects)('import limits on %s', (dialect) => {
  let t: TestApp;
  let planner: string;
  let township: string;
  let anchor: [number, number];
  beforeAll(async () => {
    // Many uploads in a minute: the per-user import rate limit is not what is tested here.
    t = await startTestApp(dialect, { config: { rateLimits: { import: 0 } } as never });
    planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const inst = (await t.app.inject('/api/stations?level=institute'))
      .json()
      .features.find((f: { properties: { regionName: string } }) => f.properties.regionName.endsWith('镇'));
    township = inst.properties.regionName;
    anchor = inst.geometry.coordinates;
  });
  afterAll(async () => t?.close());

  const upload = (kind: string, body: string | Buffer, type: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/import/${kind}`,
      payload: body,
      headers: { 'content-type': type, cookie: planner, 'accept-language': 'en' },
    });
  /** Each row's messages joined, in row order (an answer lists each problem of a row apart). */
  const perRow = (details: { row: number; message: string }[]) => {
    const rows = new Map<number, string[]>();
    for (const d of details) rows.set(d.row, [...(rows.get(d.row) ?? []), d.message]);
    return [...rows.values()].map((m) => m.join('; '));
  };
  const counts = async () => {
    const n = async (table: 'stations' | 'population_points') =>
      Number(
        (
          await t.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { stations: await n('stations'), population: await n('population_points') };
  };
  /** Expects `res` to refuse the file with `status`, its message matching `message`, and nothing written. */
  async function refused(res: { statusCode: number; body: string }, status: number, message: RegExp | string) {
    expect(res.statusCode, res.body).toBe(status);
    const { error } = JSON.parse(res.body);
    expect(error.code).toBe(status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_FILE');
    if (typeof message === 'string') expect(error.message).toContain(message);
    else expect(error.message).toMatch(message);
    return error;
  }

  describe('bombs', () => {
    it('a CSV of 2,000,000 tiny rows is refused at the 100,000-row limit, nothing written', async () => {
      const before = await counts();
      const csv = `名称,级别,乡镇/街道,经度,纬度\n${'x,y,z,1,2\n'.repeat(2_000_000)}`;
      const started = performance.now();
      const res = await upload('stations', csv, 'text/csv');
      await refused(res, 413, 'row 100,002: more than 100,000 rows below the header; the limit is 100,000');
      console.log(
        `[imports-limits] 2M-row CSV (${csv.length} bytes) refused in ${Math.round(performance.now() - started)} ms`,
      );
      expect(await counts()).toEqual(before);
    });

    it('five million empty lines count as rows too', async () => {
      const res = await upload('population', `名称,经度,纬度,人口\n${'\n'.repeat(5_000_000)}`, 'text/csv');
      await refused(res, 413, 'the limit is 100,000 rows');
    });

    it('an XLSX past the row limit is refused while its sheet is read', async () => {
      const before = await counts();
      const rows = [['名称', '级别', '乡镇/街道', '经度', '纬度']];
      for (let i = 0; i < 150_000; i++) rows.push([`站${i}`, '实践站', township, '1', '2']);
      const res = await upload('stations', xlsx(part('s', sheetXml(rows))), XLSX);
      await refused(res, 413, 'row 100,002: more than 100,000 rows');
      expect(await counts()).toEqual(before);
    });

    it('an XLSX whose sheet is 300 MB of whitespace (300 kB zipped) is refused by its declared size', async () => {
      const before = await counts();
      const bomb = xlsx(whitespaceSheet(300));
      expect(bomb.length).toBeLessThan(400_000);
      const rss = process.memoryUsage().rss;
      const res = await upload('stations', bomb, XLSX);
      await refused(res, 413, /300 MB uncompressed; the limit is 100 MB/);
      console.log(
        `[imports-limits] declared bomb: RSS grew ${Math.round((process.memoryUsage().rss - rss) / 2 ** 20)} MB`,
      );
      expect(await counts()).toEqual(before);
    });

    it('a zip whose sheet declares 10 kB and inflates to 1 GB is refused while it inflates', async () => {
      const before = await counts();
      const rss = process.memoryUsage().rss;
      const res = await upload('stations', xlsx(whitespaceSheet(1024, 10_000)), XLSX);
      await refused(res, 413, 'inflates to more than the 10,000 bytes its zip entry declares');
      console.log(
        `[imports-limits] lying bomb: RSS grew ${Math.round((process.memoryUsage().rss - rss) / 2 ** 20)} MB`,
      );
      expect(await counts()).toEqual(before);
    });

    it('a sheet declared at 4 GB is refused before anything is inflated', async () => {
      const tiny = part('s', sheetXml([['名称'], ['甲']]));
      const res = await upload('population', xlsx({ ...tiny, size: 0xfffffffe }), XLSX);
      await refused(res, 413, /4096 MB uncompressed; the limit is 100 MB/);
    });

    it('a sheet holding 90 MB of whitespace within its limit is refused at the first long run', async () => {
      const res = await upload('stations', xlsx(whitespaceSheet(90)), XLSX);
      await refused(res, 413, 'holds a text or tag of more than 256 kB');
    });

    it('refuses 51 columns and a cell of 2,001 characters, naming row and column', async () => {
      const wide = [Array.from({ length: 51 }, (_, k) => `c${k}`).join(','), '1'].join('\n');
      await refused(await upload('stations', wide, 'text/csv'), 400, 'row 1 has 51 columns; the limit is 50');
      const long = `名称,级别,乡镇/街道,经度,纬度,地址\n站,实践站,${township},1,2,${'长'.repeat(2001)}\n`;
      await refused(
        await upload('stations', long, 'text/csv'),
        400,
        'row 2, column "地址": a cell of 2,001 characters',
      );
      const sheet = xlsx(
        part(
          's',
          sheetXml([
            ['名称', '级别', '乡镇/街道', '经度', '纬度', '地址'],
            ['站', '站', '镇', '1', '2', 'x'.repeat(2001)],
          ]),
        ),
      );
      await refused(await upload('stations', sheet, XLSX), 400, 'row 2, column "地址": a cell of 2,001 characters');
    });
  });

  describe('headers', () => {
    it('refuses a header named twice, naming it and its columns', async () => {
      const before = await counts();
      const csv = `名称,级别,名称,乡镇/街道,经度,纬度\n甲站,实践站,乙站,${township},${anchor[0]},${anchor[1]}\n`;
      await refused(
        await upload('stations', csv, 'text/csv'),
        400,
        'row 1: the header "名称" appears twice (columns 1 and 3)',
      );
      const sheet = xlsx(
        part(
          's',
          sheetXml([
            ['名称', '经度', '纬度', '人口', '经度'],
            ['村', '1', '2', '3', '4'],
          ]),
        ),
      );
      await refused(await upload('population', sheet, XLSX), 400, 'the header "经度" appears twice (columns 2 and 5)');
      expect(await counts()).toEqual(before);
    });

    it('refuses a header row without the required columns, naming them', async () => {
      const csv = `名称,级别,乡镇/街道,经度\n甲站,实践站,${township},${anchor[0]}\n`;
      const error = await refused(await upload('stations', csv, 'text/csv'), 400, 'row 1: no column 纬度 lat');
      expect(error.message).toContain('needs 名称,级别,乡镇/街道,经度,纬度');
      await refused(await upload('population', 'name,lon,lat\n村,1,2\n', 'text/csv'), 400, 'no column 人口 population');
    });

    it('refuses a file whose first row is data, saying a header row is needed', async () => {
      const before = await counts();
      const csv = `甲站,实践站,${township},${anchor[0]},${anchor[1]}\n乙站,实践站,${township},${anchor[0]},${anchor[1]}\n`;
      const error = await refused(
        await upload('stations', csv, 'text/csv'),
        400,
        'row 1 looks like data, not a header row',
      );
      expect(error.message).toContain('e.g. 名称,级别,乡镇/街道,经度,纬度');
      const sheet = xlsx(part('s', sheetXml([['东村', '116.1', '36.2', '800']])));
      await refused(await upload('population', sheet, XLSX), 400, 'looks like data');
      expect(await counts()).toEqual(before);
    });
  });

  describe('garbage', () => {
    const gj = 'application/geo+json';
    const point = (properties: unknown, coordinates: unknown = anchor) => ({
      type: 'Feature',
      properties,
      geometry: { type: 'Point', coordinates },
    });

    it('answers 400, never 500, for bodies that are not a FeatureCollection', async () => {
      const before = await counts();
      for (const body of ['null', '[]', '{}', '"x"', '1', 'true', '{"type":"FeatureCollection"}', '{"features":[]}'])
        for (const type of [gj, 'application/json'])
          for (const kind of ['stations', 'population', 'regions'])
            await refused(await upload(kind, body, type), 400, 'GeoJSON: expected a FeatureCollection');
      expect(await counts()).toEqual(before);
    });

    it('names each broken feature and its field', async () => {
      const before = await counts();
      const body = JSON.stringify({
        type: 'FeatureCollection',
        features: [
          null,
          7,
          { type: 'Feature' },
          { type: 'Feature', properties: 'abc', geometry: null },
          point({ name: { zh: '甲' } }),
          point({ name: '乙' }, ['116.3', '36.1']),
          { type: 'Feature', properties: {}, geometry: 'Point' },
        ],
      });
      for (const kind of ['stations', 'population', 'regions']) {
        const error = await refused(await upload(kind, body, gj), 400, '6 of 7 features are unreadable');
        expect(error.details.map((d: { row: number }) => d.row)).toEqual([1, 2, 4, 5, 6, 7]);
        expect(error.details[0].message).toBe('feature 1 is not a GeoJSON Feature (it is null)');
        expect(error.details[1].message).toBe('feature 2 is not a GeoJSON Feature (it is number 7)');
        expect(error.details[2].message).toContain('feature 4: properties must be an object, not string "abc"');
        expect(error.details[3].message).toContain('feature 5: property "name" is an object');
        expect(error.details[4].message).toContain(
          'feature 6: geometry.coordinates of a Point must be [lon, lat] numbers',
        );
        expect(error.details[5].message).toContain('feature 7: geometry must be a GeoJSON geometry object');
      }
      expect(await counts()).toEqual(before);
    });

    it('a feature without properties or with a polygon is a row error naming the field', async () => {
      const before = await counts();
      const square = [
        [
          [anchor[0], anchor[1]],
          [anchor[0] + 0.001, anchor[1]],
          [anchor[0] + 0.001, anchor[1] + 0.001],
          [anchor[0], anchor[1]],
        ],
      ];
      const body = JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: null, geometry: null },
          {
            type: 'Feature',
            properties: { name: '面站', level: '实践站', township },
            geometry: { type: 'Polygon', coordinates: square },
          },
        ],
      });
      const stations = await refused(await upload('stations', body, gj), 400, '2 of 2 rows are invalid');
      expect(perRow(stations.details)[0]).toContain('名称 name is missing');
      expect(perRow(stations.details)[0]).toContain('经度 lon is missing');
      expect(perRow(stations.details)[1]).toContain(
        'geometry: a Polygon, where a Point (or lon and lat properties) is expected',
      );
      const population = await refused(await upload('population', body, gj), 400, '2 of 2 rows are invalid');
      expect(perRow(population.details)[1]).toContain('geometry: a Polygon');
      expect(await counts()).toEqual(before);
    });

    it('strings where numbers belong, names of Object.prototype and overlong fields are row errors', async () => {
      const before = await counts();
      const [lon, lat] = anchor;
      const csv = [
        '名称,级别,乡镇/街道,经度,纬度,服务项目,联系人',
        `甲站,constructor,${township},${lon},${lat},,`,
        `乙站,实践站,${township},${lon},${lat},toString,`,
        `丙站,实践站,${township},东经116度,${lat},,`,
        `丁站,实践站,${township},${lon},${lat},,${'李'.repeat(101)}`,
      ].join('\n');
      const error = await refused(await upload('stations', csv, 'text/csv'), 400, '4 of 4 rows are invalid');
      expect(perRow(error.details)).toEqual([
        expect.stringContaining('级别 level "constructor" is not one of'),
        expect.stringContaining('服务项目 services: "toString" is not a known category'),
        expect.stringContaining('经度 lon "东经116度" is not a number'),
        expect.stringContaining('联系人 contact is longer than 100 characters'),
      ]);
      const population = `名称,经度,纬度,人口\n${'村'.repeat(201)},${lon},${lat},12\n东村,${lon},${lat},许多\n`;
      const pop = await refused(await upload('population', population, 'text/csv'), 400, '2 of 2 rows are invalid');
      expect(perRow(pop.details)[0]).toContain('名称 name is longer than 200 characters');
      expect(perRow(pop.details)[1]).toContain('人口 population "许多" is not a whole number');
      expect(await counts()).toEqual(before);
    });

    it('coordinates nested 5,000 arrays deep are refused, not a stack overflow', async () => {
      const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
      const body = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"深镇","code":"379901999000"},"geometry":{"type":"Polygon","coordinates":${deep}}}]}`;
      for (const kind of ['regions', 'stations']) {
        const error = await refused(await upload(kind, body, gj), 400, '1 of 1 features are unreadable');
        expect(error.details[0].message).toBe('feature 1: geometry.coordinates are nested more than 4 arrays deep');
      }
    });

    it('still takes GeoJSON sent as application/json', async () => {
      const body = JSON.stringify({
        type: 'FeatureCollection',
        features: [point({ name: 'JSON站', level: 'station', township }, [anchor[0] + 0.0003, anchor[1]])],
      });
      const res = await upload('stations', body, 'application/json');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ created: 1 });
    });
  });
});
