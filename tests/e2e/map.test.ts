/**
 * The public map in a real browser (Debian's Chromium through playwright-core): it renders the demo
 * district's stations from the offline base, opens a station, switches language, logs a planner in,
 * and fetches nothing from outside. Screenshots land in tests/e2e/screenshots/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip } from '../support/browser.js';

// page.evaluate bodies run in the browser; this file is compiled without the DOM library.
declare const window: { __practiceMap?: any };
declare const document: { querySelector: (selector: string) => { textContent: string | null } | null };

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();

async function mapSettled(page: Page) {
  await page.waitForFunction(
    () => {
      const m = window.__practiceMap;
      return !!m && m.loaded() && m.isStyleLoaded() && !m.isMoving() && m.areTilesLoaded();
    },
    null,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(400);
}

describe.skipIf(!executablePath)('public map in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  const outside: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(here, '../../dist/client/index.html')))
      throw new Error('dist/client is missing: run `npm run build` first (npm test does)');
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp('sqlite');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(url: string, viewport = { width: 1400, height: 900 }) {
    const page = await browser.newPage({ viewport, locale: 'zh-CN' });
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
    });
    await page.goto(`${origin}${url}`);
    await mapSettled(page);
    return page;
  }

  it('draws the stations of the demo district on the offline map, with a legend and the demo badge', async () => {
    const page = await open('/');
    const stations = (await t.app.inject('/api/stations')).json();
    const rendered = await page.evaluate(() => {
      const m = window.__practiceMap!;
      const features = m.queryRenderedFeatures({ layers: ['stations-major', 'stations-minor', 'stations-cluster'] });
      return {
        levels: features.map((f: any) => f.properties.level ?? 'cluster'),
        streets: m.queryRenderedFeatures({ layers: ['street-secondary', 'street-primary'] }).length,
      };
    });
    expect(rendered.levels).toContain('center');
    expect(rendered.levels.filter((l: string) => l === 'institute').length).toBe(
      stations.features.filter((f: { properties: { level: string } }) => f.properties.level === 'institute').length,
    );
    expect(rendered.levels).toContain('cluster');
    expect(rendered.streets).toBeGreaterThan(0);
    expect(await page.getByTestId('demo-badge').textContent()).toBe('演示数据');
    const legend = await page.getByTestId('legend').textContent();
    expect(legend).toContain('实践站');
    expect(legend).toContain(
      `${stations.features.filter((f: { properties: { level: string } }) => f.properties.level === 'station').length} 个`,
    );
    await page.screenshot({ path: path.join(SHOTS, 'map-overview.png') });
    await page.close();
  });

  it('opens a station from the map and shows its details, without contacts for the public', async () => {
    const page = await open('/');
    const center = (await t.app.inject('/api/stations?level=center')).json().features[0];
    const point = await page.evaluate(
      (c) => window.__practiceMap!.project(c as [number, number]),
      center.geometry.coordinates,
    );
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + point.x, box.y + point.y);
    await page.getByTestId('station-name').waitFor();
    expect(await page.getByTestId('station-name').textContent()).toBe(center.properties.name);
    expect(page.url()).toBe(`${origin}/stations/${center.id}`);
    const panel = await page.getByTestId('station-panel').textContent();
    expect(panel).toContain('联系方式仅对工作人员可见');
    expect(panel).toContain('理论宣讲');
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'station-panel.png') });
    await page.close();
  });

  it('switches to English and back', async () => {
    const page = await open('/');
    await page.getByRole('button', { name: '切换语言' }).click();
    expect(await page.locator('h1').textContent()).toBe('Civilization Practice Service Map');
    expect(await page.getByTestId('legend').textContent()).toContain('Institute');
    await page.getByRole('button', { name: 'Switch language' }).click();
    expect(await page.locator('h1').textContent()).toBe('文明实践服务地图');
    await page.close();
  });

  it('logs a planner in through the dialog; staff then see the contact', async () => {
    const station = (await t.app.inject('/api/stations?level=station')).json().features[0];
    const page = await open(`/stations/${station.id}`);
    await page.getByTestId('login-open').click();
    await page.getByLabel('用户名').fill('planner');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('用户名或密码错误');
    await page.getByLabel('密码').fill(t.accounts.planner.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain('规划人员');
    await page.reload();
    await mapSettled(page);
    await page.getByTestId('station-name').waitFor();
    const contact = await t.database.db
      .selectFrom('stations')
      .select('contact_phone')
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    expect(await page.getByTestId('station-panel').textContent()).toContain(contact.contact_phone);
    await page.close();
  });

  it('works on a phone: the station opens as a bottom sheet', async () => {
    const station = (await t.app.inject('/api/stations?level=station')).json().features[3];
    const page = await open(`/stations/${station.id}`, { width: 375, height: 667 });
    await page.getByTestId('station-name').waitFor();
    const sheet = (await page.getByTestId('station-panel').boundingBox())!;
    expect(sheet.width).toBe(375);
    expect(sheet.y + sheet.height).toBeCloseTo(667, 0);
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'phone-station.png') });
    await page.close();
  });

  it('fetched nothing from outside the app', () => {
    expect(outside).toEqual([]);
  });
});

describe.skipIf(!executablePath)('service areas in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows every station's area, and measures from a dropped and dragged pin with a slider and modes", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(origin);
    await mapSettled(page);
    await page.getByTestId('station-areas-toggle').check();
    await page.waitForFunction(() => window.__practiceMap!.querySourceFeatures('station-areas').length > 50, null, {
      timeout: 30_000,
    });
    await mapSettled(page);
    expect(
      await page.evaluate(() => window.__practiceMap!.queryRenderedFeatures({ layers: ['station-areas-fill'] }).length),
    ).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(SHOTS, 'station-areas.png') });
    await page.getByTestId('station-areas-toggle').uncheck();

    const center = (await t.app.inject('/api/stations?level=center')).json().features[0];
    await page.evaluate((c) => window.__practiceMap!.jumpTo({ center: c, zoom: 14 }), center.geometry.coordinates);
    await mapSettled(page);
    await page.getByTestId('probe-toggle').click();
    const box = (await page.getByTestId('map').boundingBox())!;
    // Click a little east of the centre, away from the station symbols.
    const start = await page.evaluate(
      (c) => window.__practiceMap!.project([c[0] + 0.004, c[1] + 0.002]),
      center.geometry.coordinates,
    );
    await page.mouse.click(box.x + start.x, box.y + start.y);
    const bands = page.getByTestId('probe-bands');
    await bands.waitFor();
    const first = await bands.textContent();
    expect(first).toContain('15 分钟');
    expect(first).toContain('10 分钟');
    expect(first).toContain('5 分钟');
    await mapSettled(page);
    expect(
      await page.evaluate(() => window.__practiceMap!.queryRenderedFeatures({ layers: ['probe-areas-fill'] }).length),
    ).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'probe-walk.png') });

    // Drag the pin 600 px west: the bands follow.
    const pin = page.locator('.probe-pin');
    const pinBox = (await pin.boundingBox())!;
    await page.mouse.move(pinBox.x + pinBox.width / 2, pinBox.y + pinBox.height - 4);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++)
      await page.mouse.move(pinBox.x + pinBox.width / 2 - 60 * k, pinBox.y + pinBox.height - 4, { steps: 2 });
    await page.mouse.up();
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid=probe-bands]')?.textContent !== before,
      first,
      { timeout: 15_000 },
    );

    // Longer budget and a faster mode: a bigger area.
    const area15 = Number(
      (await bands.locator('tr').first().locator('td').first().textContent())!.replace(/[^0-9.]/g, ''),
    );
    // Wait for the answer to the last change itself: a 30-minute ride goes to a worker thread and can arrive
    // after the 30-minute walk that the slider asked for first.
    const ride = page.waitForResponse(
      (r) => r.url().includes('/api/isochrone') && /mode=bike/.test(r.url()) && /minutes=30\b/.test(r.url()),
      { timeout: 15_000 },
    );
    await page.getByTestId('minutes-slider').fill('30');
    await page.getByRole('radio', { name: '骑行' }).click();
    await ride;
    await page.waitForFunction(
      () => document.querySelector('[data-testid=probe-bands]')?.textContent?.includes('30 分钟'),
      null,
      { timeout: 15_000 },
    );
    await page.waitForTimeout(500);
    const area30 = Number(
      (await bands.locator('tr').first().locator('td').first().textContent())!.replace(/[^0-9.]/g, ''),
    );
    expect(area30).toBeGreaterThan(area15 * 4);
    await page.close();
  });
});
