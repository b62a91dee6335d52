/**
 * The command line with files it cannot take: one line `Error: …` and no stack trace, exit 1 for a
 * file that cannot be imported and 2 for a wrong command or setting; the stack only with
 * LOG_LEVEL=debug. And what a killed `import-osm` left in the data folder is cleared by the next one.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEFTOVER_AGE_MS, loadNetwork } from '../../server/src/network/store.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

async function cli(dataDir: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** One line, `Error: …`, with no stack frame in it. */
function oneLine(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('cli errors', () => {
  let dir: string;
  const file = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-map-cli-errors-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a GeoJSON null or a null feature: one line, exit 1', async () => {
    const nul = await cli(dir, ['import-stations', file('null.geojson', 'null')]);
    expect(nul.code).toBe(1);
    expect(oneLine(nul.stderr)).toBe('Error: GeoJSON: expected a FeatureCollection with a features array, not null');
    const features = await cli(dir, [
      'import-population',
      file('features.geojson', '{"type":"FeatureCollection","features":[null]}'),
    ]);
    expect(features.code).toBe(1);
    expect(features.stderr.trim().split('\n')).toEqual([
      'Error: GeoJSON: 1 of 1 features are unreadable; nothing was imported',
      '  row 1: feature 1 is not a GeoJSON Feature (it is null)',
    ]);
  });

  it('a headerless CSV, duplicate headers and an oversized file: one line each', async () => {
    const headerless = await cli(dir, ['import-population', file('villages.csv', '东村,116.1,36.2,800\n')]);
    expect(headerless.code).toBe(1);
    expect(oneLine(headerless.stderr)).toContain('row 1 looks like data, not a header row');
    const twice = await cli(dir, ['import-population', file('twice.csv', '名称,经度,纬度,人口,人口\n东村,1,2,3,4\n')]);
    expect(oneLine(twice.stderr)).toContain('the header "人口" appears twice (columns 4 and 5)');
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, '名称,经度,纬度,人口\n');
    fs.truncateSync(big, 33 * 2 ** 20); // sparse: 33 MB on paper, nothing on disk
    const res = await cli(dir, ['import-population', big]);
    expect(res.code).toBe(1);
    expect(oneLine(res.stderr)).toBe('Error: The file is 33 MB; the limit is 32 MB (split it)');
  });

  it('a folder, a missing file and a wrong setting: one line, exit 2', async () => {
    fs.mkdirSync(path.join(dir, 'folder.csv'), { recursive: true });
    const folder = await cli(dir, ['import-stations', path.join(dir, 'folder.csv')]);
    expect(folder.code).toBe(2);
    expect(oneLine(folder.stderr)).toContain('folder.csv: not a file');
    const missing = await cli(dir, ['import-stations', path.join(dir, 'missing.csv')]);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toContain('missing.csv: no such file');
    const setting = await cli(dir, ['import-stations', 'x.csv'], { DATABASE_URL: 'mysql://db/x' });
    expect(setting.code).toBe(2);
    expect(oneLine(setting.stderr)).toContain('Invalid DATABASE_URL');
  });

  it('an unreachable database: one line, and the stack with LOG_LEVEL=debug', async () => {
    const csv = file('s.csv', '名称,级别,乡镇/街道,经度,纬度\n');
    const down = { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' };
    const res = await cli(dir, ['import-stations', csv], down);
    expect(res.code).toBe(1);
    expect(oneLine(res.stderr)).toContain('ECONNREFUSED');
    const debug = await cli(dir, ['import-stations', csv], { ...down, LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('leftovers of a killed import-osm', () => {
  let dataDir: string;
  let alive: ReturnType<typeof spawn>;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-map-leftovers-'));
    alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  });
  afterAll(() => {
    alive.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A folder as saveNetwork names them, with a file in it, last changed `ageMs` ago. */
  function leftover(kind: 'tmp' | 'old', pid: number, ageMs: number) {
    const when = Date.now() - ageMs;
    const folder = path.join(dataDir, `network.${kind}-${pid}-${when}`);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, kind === 'old' ? 'report.json' : 'walk.graph'), '{}');
    fs.utimesSync(folder, when / 1000, when / 1000);
    return path.basename(folder);
  }
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

  it('the next import removes folders of dead writers and stale ones, and keeps a live writer’s', async () => {
    const dead = leftover('tmp', deadPid(), 1000);
    const stale = leftover('tmp', alive.pid!, LEFTOVER_AGE_MS + 60_000);
    const running = leftover('tmp', alive.pid!, 1000);
    const osm = path.join(dataDir, 'town.osm');
    fs.writeFileSync(
      osm,
      `<?xml version="1.0"?><osm version="0.6">` +
        `<node id="1" lat="36.2000" lon="116.6000"/><node id="2" lat="36.2000" lon="116.6100"/>` +
        `<node id="3" lat="36.2100" lon="116.6100"/>` +
        `<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way></osm>`,
    );
    const res = await cli(dataDir, ['import-osm', osm]);
    expect(res.code, res.stderr).toBe(0);
    const left = fs.readdirSync(dataDir).filter((n) => n.startsWith('network.'));
    expect(left).toEqual([running]);
    expect(left).not.toContain(dead);
    expect(left).not.toContain(stale);
    expect(fs.existsSync(path.join(dataDir, 'network/report.json'))).toBe(true);
  });

  it('a start puts back the network a writer killed between its two renames had moved aside', () => {
    const report = fs.readFileSync(path.join(dataDir, 'network/report.json'), 'utf8');
    const pid = deadPid();
    const moved = path.join(dataDir, `network.old-${pid}-${Date.now()}`);
    fs.renameSync(path.join(dataDir, 'network'), moved);
    const half = leftover('tmp', pid, 1000);
    expect(loadNetwork(dataDir)).not.toBeNull();
    expect(fs.readFileSync(path.join(dataDir, 'network/report.json'), 'utf8')).toBe(report);
    expect(fs.existsSync(path.join(dataDir, half))).toBe(false);
    expect(fs.existsSync(moved)).toBe(false);
  });
});
