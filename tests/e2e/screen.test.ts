/**
 * The leaders' big screen in Chromium at 1920×1080: map with heat and live markers, figures and
 * charts render; an activity posted through the API appears in the ticker within 2 s; the week
 * slider filters the heat; the tour pauses when someone touches the map.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loginCookie, startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip, mapSettled } from '../support/browser.js';

declare const window: { __practiceMap?: any };
declare const document: { querySelectorAll: (selector: string) => ArrayLike<{ width: number; height: number }> };
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();

describe.skipIf(!executablePath)('big screen in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let page: Page;
  const external: string[] = [];
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    // Time runs on from the demo's reference moment, so its live activities are live.
    const offset = Date.now() - TEST_NOW;
    t = await startTestApp('sqlite', { now: () => Date.now() - offset, live: { heartbeatMs: 2000, tickMs: 500 } });
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
        external.push(r.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders the map with heat and live markers, the figures and both charts, from our own origin only', async () => {
    await page.goto(`${origin}/screen`);
    await mapSettled(page);
    await page.getByTestId('month-activities').waitFor();
    await page.waitForSelector('.live-marker');
    await page.waitForTimeout(1200);
    const overview = (await t.app.inject('/api/stats/overview')).json();
    expect((await page.getByTestId('month-activities').textContent())!.replace(/,/g, '')).toBe(
      String(overview.thisMonth.activities),
    );
    expect(await page.locator('.live-marker').count()).toBe(overview.live);
    expect(await page.getByTestId('ranking').locator('li').count()).toBe(overview.townships.length);
    // Two echarts canvases with a real size.
    const canvases = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.screen-chart canvas')).map((c) => [c.width, c.height]),
    );
    expect(canvases.length).toBe(2);
    for (const [w, h] of canvases) expect(w * h).toBeGreaterThan(100 * 100);
    const heatRendered = await page.evaluate(
      () => window.__practiceMap.getSource('heat').serialize().data.features.length,
    );
    expect(heatRendered).toBeGreaterThan(0);
    expect(await page.getByTestId('screen-coverage').textContent()).toContain('%');
    await page.screenshot({ path: path.join(SHOTS, 'screen-1920.png') });
    expect(external).toEqual([]);
  });

  it('shows a posted activity in the ticker within 2 s, as a live marker when it is on now', async () => {
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const station = (await t.app.inject('/api/stations?level=institute')).json().features[0];
    const serverNow = Date.parse((await t.app.inject('/api/stats/overview')).json().now);
    const markersBefore = await page.locator('.live-marker').count();
    const posted = Date.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/activities',
      headers: { cookie },
      payload: {
        title: '大屏联调：理论微宣讲',
        category: 'theory',
        stationId: station.id,
        startsAt: new Date(serverNow - 60_000).toISOString(),
        endsAt: new Date(serverNow + 3_600_000).toISOString(),
      },
    });
    expect(res.statusCode).toBe(201);
    await page.getByTestId('ticker').getByText('大屏联调：理论微宣讲').waitFor({ timeout: 2000 });
    expect(Date.now() - posted).toBeLessThan(2000);
    await page.waitForFunction(
      (n) => (globalThis as any).document.querySelectorAll('.live-marker').length === n + 1,
      markersBefore,
      { timeout: 2000 },
    );
    await page.waitForTimeout(700);
    await page.screenshot({
      path: path.join(SHOTS, 'screen-ticker.png'),
      clip: { x: 1420, y: 500, width: 500, height: 580 },
    });
  });

  it('plays the weeks: the slider filters the heat to one week and names it', async () => {
    await page.getByTestId('week-slider').fill('3');
    const filter = await page.evaluate(() => window.__practiceMap.getFilter('heat'));
    expect(filter).toEqual(['==', ['get', 'b'], 3]);
    expect(await page.getByTestId('week-label').textContent()).toMatch(/\d+\/\d+ – \d+\/\d+/);
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'screen-week.png') });
  });

  it('pauses the tour when the map is touched', async () => {
    await page.getByTestId('screen-map').click({ position: { x: 400, y: 300 } });
    await page.getByText('自动巡览已暂停').waitFor({ timeout: 2000 });
  });
});
