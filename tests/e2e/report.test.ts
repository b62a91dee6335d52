/**
 * The planner's reports in Chromium: 导出图片 downloads a PNG of the map (2× exactly twice the 1× size,
 * the map not blank), and 导出报告 prints an A4 landscape report whose first page shows the map (rendered
 * from the PDF with pdftoppm and read pixel by pixel), followed by the township table, the uncovered
 * villages and what the 15-minute circle means, without the app's buttons.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip, isCI, mapSettled } from '../support/browser.js';

declare const window: { print: () => void; __printed?: number };
declare const document: { querySelector: (selector: string) => { textContent: string | null } | null };
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const poppler = hasTool('pdftoppm') && hasTool('pdftotext');
if (!poppler && isCI) throw new Error('CI: pdftoppm/pdftotext (poppler-utils) are missing');
if (!poppler) console.warn('[tests] SKIPPING the PDF checks: no pdftoppm/pdftotext (apt-get install poppler-utils)');

interface Png {
  width: number;
  height: number;
  channels: number;
  pixels: Buffer;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium and pdftoppm write). */
function decodePng(file: Buffer): Png {
  expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const data = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || data[12] !== 0)
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${data[12]}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** Distinct colours and the share of pixels that are not (near) white in a box given as fractions of the image. */
function inkIn(png: Png, box: { x0: number; y0: number; x1: number; y1: number }) {
  const colours = new Set<number>();
  let ink = 0;
  let total = 0;
  for (let y = Math.floor(png.height * box.y0); y < Math.floor(png.height * box.y1); y++)
    for (let x = Math.floor(png.width * box.x0); x < Math.floor(png.width * box.x1); x++) {
      const i = (y * png.width + x) * png.channels;
      const [r, g, b] = [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
      const alpha = png.channels === 4 ? png.pixels[i + 3] : 255;
      colours.add(((r << 16) | (g << 8) | b) * 256 + alpha);
      if (alpha > 0 && (r < 240 || g < 240 || b < 240)) ink++;
      total++;
    }
  return { colours: colours.size, ink: ink / total };
}

const squash = (s: string) => s.replace(/\s+/g, '');

describe.skipIf(!executablePath)('planner reports in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let page: Page;
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp('sqlite');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
    await page.goto(origin);
    await page.getByTestId('login-open').click();
    await page.getByLabel('用户名').fill('planner');
    await page.getByLabel('密码').fill(t.accounts.planner.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    await page.getByTestId('nav-plan').click();
    await page.getByTestId('township-table').waitFor({ timeout: 120_000 });
    await mapSettled(page);
    // The print dialog would wait for a person; count the calls instead.
    await page.evaluate(() => {
      window.__printed = 0;
      window.print = () => {
        window.__printed = (window.__printed ?? 0) + 1;
      };
    });
  }, 300_000);
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await t?.close();
  });

  async function download(testId: string) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const body = fs.readFileSync((await file.path())!);
    return { name: file.suggestedFilename(), body };
  }

  it('导出图片 downloads the map as a PNG, and the 2× one is twice its size', async () => {
    const map = (await page.getByTestId('map').boundingBox())!;
    const one = await download('report-export-png');
    const two = await download('report-export-png2x');
    fs.writeFileSync(path.join(SHOTS, 'report-map.png'), one.body);
    fs.writeFileSync(path.join(SHOTS, 'report-map@2x.png'), two.body);
    const today = new Date();
    const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(one.name).toMatch(new RegExp(`15分钟步行服务圈覆盖-${date}\\.png$`));
    expect(two.name).toMatch(new RegExp(`15分钟步行服务圈覆盖-${date}@2x\\.png$`));

    const a = decodePng(one.body);
    const b = decodePng(two.body);
    expect(a.width).toBe(Math.round(map.width));
    // The title bar and the footer around the map.
    expect(a.height).toBeGreaterThan(Math.round(map.height) + 40);
    expect([b.width, b.height]).toEqual([a.width * 2, a.height * 2]);
    // The map itself (the middle of the image) is drawn, not an empty WebGL read.
    for (const png of [a, b]) {
      const middle = inkIn(png, { x0: 0.3, y0: 0.3, x1: 0.7, y1: 0.7 });
      expect(middle.colours).toBeGreaterThan(100);
      expect(middle.ink).toBeGreaterThan(0.5);
    }
  }, 180_000);

  it.skipIf(!poppler)(
    '导出报告 prints an A4 landscape report whose first page shows the map',
    async () => {
      const coverage = (await t.app.inject('/api/coverage')).json();
      const worst = [...coverage.regions].sort(
        (x: any, y: any) => x.coveredPopulation / x.population - y.coveredPopulation / y.population,
      )[0];
      const printed = await page.evaluate(() => window.__printed ?? 0);
      await page.getByTestId('report-export-pdf').click();
      await page.waitForFunction((n) => window.__printed === n + 1, printed, { timeout: 60_000 });

      const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
      const pdfPath = path.join(SHOTS, 'report.pdf');
      fs.writeFileSync(pdfPath, pdf);
      const prefix = path.join(SHOTS, 'report-page');
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfPath, prefix]);
      const first = decodePng(fs.readFileSync(`${prefix}.png`));
      // A4 landscape at 60 dpi: 297 × 210 mm.
      expect(Math.abs(first.width - (297 / 25.4) * 60)).toBeLessThan(3);
      expect(Math.abs(first.height - (210 / 25.4) * 60)).toBeLessThan(3);
      const map = inkIn(first, { x0: 0.3, y0: 0.3, x1: 0.7, y1: 0.7 });
      expect(map.colours).toBeGreaterThan(50);
      expect(map.ink).toBeGreaterThan(0.5);

      const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
      const pages = text.split('\f').filter((p) => p.trim());
      expect(pages.length).toBeGreaterThan(1);
      const all = squash(text);
      // The township table, lowest coverage first, and every township in it.
      expect(all).toContain(squash(worst.name));
      for (const r of coverage.regions) expect(all).toContain(squash(r.name));
      const table = all.slice(all.indexOf('各乡镇（街道）覆盖情况'));
      expect(table.indexOf(squash(worst.name))).toBeLessThan(
        Math.min(...coverage.regions.filter((r: any) => r !== worst).map((r: any) => table.indexOf(squash(r.name)))),
      );
      // What the circle means, in plain Chinese.
      expect(all).toContain('沿实际道路网络步行15分钟所能到达的范围');
      expect(all).toContain('离道路超过500米的人口点无法按路网计算');
      // The page's own buttons and sidebar are not printed.
      expect(all).not.toContain('推荐新站址');
      expect(all).not.toContain('导出报告');
    },
    180_000,
  );

  it.skipIf(!poppler)(
    'with a what-if, the report lists its changes and the change per township',
    async () => {
      // Switch off a village station in the what-if (nothing is saved).
      const station = (await t.app.inject('/api/stations?level=station'))
        .json()
        .features.find((f: any) => f.properties.villageName?.endsWith('村'));
      await page.evaluate(
        (c) => (globalThis as any).__practiceMap.jumpTo({ center: c, zoom: 13 }),
        station.geometry.coordinates,
      );
      await mapSettled(page);
      const box = (await page.getByTestId('map').boundingBox())!;
      const p = await page.evaluate((c) => (globalThis as any).__practiceMap.project(c), station.geometry.coordinates);
      await page.mouse.click(box.x + p.x, box.y + p.y);
      await page.getByTestId('station-switch').click();
      const body = {
        minutes: 15,
        mode: 'walk',
        levels: 'center,institute,station',
        remove: [station.id],
        add: [],
        move: [],
      };
      const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
      const whatIf = (
        await t.app.inject({ method: 'POST', url: '/api/coverage/scenario', headers: { cookie }, payload: body })
      ).json();
      const pct = `${((whatIf.totals.coveredPopulation / whatIf.totals.population) * 100).toFixed(1)}%`;
      await page.waitForFunction(
        (expected) => document.querySelector('[data-testid=population-coverage]')?.textContent === expected,
        pct,
        { timeout: 90_000 },
      );
      await mapSettled(page);
      await page.screenshot({ path: path.join(SHOTS, 'report-what-if-page.png') });
      const printed = await page.evaluate(() => window.__printed ?? 0);
      await page.getByTestId('report-export-pdf').click();
      await page.waitForFunction((n) => window.__printed === n + 1, printed, { timeout: 60_000 });
      const pdfPath = path.join(SHOTS, 'report-what-if.pdf');
      fs.writeFileSync(pdfPath, await page.pdf({ format: 'A4', landscape: true, printBackground: true }));
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfPath, `${pdfPath}-page`]);
      const all = squash(execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }));
      const changes = all.slice(all.indexOf('方案调整内容'));
      expect(changes).toContain(`停用站点${squash(station.properties.name)}`);
      expect(all).toContain('方案增减（人）');
      const lost = whatIf.delta.coveredPopulation;
      expect(lost).toBeLessThan(0);
      expect(all).toContain(`覆盖人口−${Math.abs(lost).toLocaleString('zh-CN')}`);
      expect(all).toContain(`${whatIf.totals.coveredPopulation.toLocaleString('zh-CN')}人在服务圈内（${pct}）`);
    },
    240_000,
  );
});
