/** The command line, run as a user would run it, on a temporary data folder. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEODATA, geodataOrSkip } from '../support/geodata.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const haveGeodata = geodataOrSkip('CLI import tests');

async function cli(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cli', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-map-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds a planner with a generated password, and refuses bad input with a one-line error', async () => {
    const ok = await cli(dataDir, 'user', 'add', 'li.planner', '--role', 'planner');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Password \(shown once\): \S{16}/);
    const bad = await cli(dataDir, 'user', 'add', 'x', '--role', 'king');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('Invalid');
  });

  it.skipIf(!haveGeodata)(
    'imports a PBF, reports its size, and a broken file leaves that network in place',
    async () => {
      const ok = await cli(dataDir, 'import-osm', path.join(GEODATA, 'monaco.osm.pbf'));
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/walking network \d+ nodes, \d+ edges, \d+ components/);
      const report = fs.readFileSync(path.join(dataDir, 'network/report.json'), 'utf8');
      const truncated = path.join(dataDir, 'truncated.osm.pbf');
      fs.writeFileSync(truncated, fs.readFileSync(path.join(GEODATA, 'monaco.osm.pbf')).subarray(0, 200_000));
      const notOsm = path.join(dataDir, 'notes.osm');
      fs.writeFileSync(notOsm, 'name,lon,lat\n');
      const cutXml = path.join(dataDir, 'cut.osm');
      fs.writeFileSync(cutXml, fs.readFileSync(path.join(GEODATA, 'beijing_cau_east.osm'), 'utf8').slice(0, 50_000));
      for (const file of [truncated, notOsm, cutXml, path.join(dataDir, 'missing.osm')]) {
        const res = await cli(dataDir, 'import-osm', file);
        expect(res.code, file).toBe(1);
        expect(res.stderr.trim().split('\n'), file).toHaveLength(1);
        expect(res.stderr).toContain('previous network is unchanged');
      }
      expect(fs.readFileSync(path.join(dataDir, 'network/report.json'), 'utf8')).toBe(report);
      const iso = await cli(dataDir, 'isochrone', '--lon', '7.4246', '--lat', '43.7384', '--minutes', '10,5');
      expect(iso.code).toBe(0);
      const fc = JSON.parse(iso.stdout);
      expect(
        fc.features.map((f: { properties: { minutes: number; method: string } }) => [
          f.properties.minutes,
          f.properties.method,
        ]),
      ).toEqual([
        [10, 'network'],
        [5, 'network'],
      ]);
    },
  );

  it.skipIf(!haveGeodata)('imports OSM XML too', async () => {
    const res = await cli(dataDir, 'import-osm', path.join(GEODATA, 'beijing_cau_east.osm'));
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('beijing_cau_east.osm');
  });
});
