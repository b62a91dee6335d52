/**
 * The production start: `npm start` builds only what is stale and then serves from one plain `node`
 * process running the compiled server (no tsx, no child process).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { ensureBuilt } from '../../scripts/build.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-start-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('does not rebuild an unchanged tree', async () => {
    await ensureBuilt(undefined, { log: () => undefined });
    const lines: string[] = [];
    const built = await ensureBuilt(undefined, { log: (l: string) => lines.push(l) });
    expect(built).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('answers /api/health from one node process running dist/server', async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: '18321', HOST: '127.0.0.1', DEMO: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    try {
      let health: Response | null = null;
      for (let i = 0; i < 300 && !health; i++) {
        health = await fetch('http://127.0.0.1:18321/api/health').catch(() => null);
        if (!health) await new Promise((r) => setTimeout(r, 100));
        if (child.exitCode !== null) throw new Error(`start exited: ${output}`);
      }
      expect(health?.status, output).toBe(200);
      const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      expect(children).toBe('');
      const cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toMatch(/tsx/);
      // Nothing was built: the tree was unchanged since the build.
      expect(output).not.toMatch(/build:/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
