/**
 * The public view on a phone (375×667) in Chromium, with geolocation mocked: the nearest stations by
 * walking time as a list that agrees with the API, a station page with its service area and route,
 * filters, a refused location, and an axe-core accessibility check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startTestApp, TEST_NOW, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip, mapSettled } from '../support/browser.js';

declare const window: { __practiceMap?: any };
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();
const PHONE = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};

describe.skipIf(!executablePath)('public nearby view on a phone', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let here: { longitude: number; latitude: number };
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp('sqlite', { now: () => TEST_NOW });
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    // Stand a little off the county centre, in the town.
    const centre = (await t.app.inject('/api/stations?level=center')).json().features[0].geometry.coordinates;
    here = { longitude: centre[0] + 0.004, latitude: centre[1] - 0.003 };
    context = await browser.newContext({ ...PHONE, geolocation: here, permissions: ['geolocation'] });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the nearest stations by walking time, in the order the API gives, and draws the route', async () => {
    await page.goto(origin);
    await mapSettled(page);
    await page.getByTestId('locate').click();
    const items = page.getByTestId('nearby-list').locator('li');
    await items.first().waitFor();
    const api = (await t.app.inject(`/api/nearby?lon=${here.longitude}&lat=${here.latitude}&limit=5`)).json();
    const names = await items.locator('.name').allTextContents();
    expect(names).toEqual(api.results.map((r: any) => r.station.properties.name));
    const route = await page.evaluate(() => window.__practiceMap.getSource('route').serialize().data);
    expect(route.features[0].geometry.coordinates.length).toBeGreaterThan(2);
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'phone-nearby.png') });
  });

  it('passes an axe-core check with no serious or critical violations', async () => {
    const result = await new AxeBuilder({ page }).include('#app').analyze();
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('filters by service and by "open now"', async () => {
    await page.getByTestId('service-filter').selectOption('health');
    await page.waitForFunction(
      () => !(globalThis as any).document.querySelector('[data-testid=nearby-panel]')?.textContent.includes('查询中'),
    );
    await page.waitForTimeout(300);
    const names = await page.getByTestId('nearby-list').locator('.name').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    const all = (await t.app.inject('/api/stations')).json().features;
    for (const name of names)
      expect(all.find((f: any) => f.properties.name === name).properties.services).toContain('health');
    await page.getByTestId('open-now').check();
    await page.waitForTimeout(600);
    const open = await page.getByTestId('nearby-list').locator('li').count();
    const closedBadges = await page.getByTestId('nearby-list').getByText('未开放').count();
    expect(open).toBeGreaterThan(0);
    expect(closedBadges).toBe(0);
    await page.getByTestId('open-now').uncheck();
    await page.getByTestId('service-filter').selectOption('');
    await page.waitForTimeout(600);
  });

  it('opens a station page with its 15-minute area, walking route and activities', async () => {
    const first = page.getByTestId('nearby-list').locator('a').first();
    const name = await first.locator('.name').textContent();
    await first.click();
    await page.waitForURL(/\/stations\/\d+$/);
    await page.getByTestId('station-name').waitFor();
    expect(await page.getByTestId('station-name').textContent()).toBe(name);
    // Its own 15-minute area is drawn as soon as the page opens.
    await page.waitForFunction(
      () => (window.__practiceMap.getSource('probe-areas')?.serialize().data.features?.length ?? 0) > 0,
      null,
      { timeout: 10_000 },
    );
    expect(await page.getByTestId('directions').textContent()).toMatch(/步行约 \d+ 分钟/);
    await page.getByTestId('station-activities').waitFor();
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'phone-station.png') });
  });

  it('is usable before the map arrives: the list works while maplibre is still loading', async () => {
    const slow = await browser.newContext({ ...PHONE, geolocation: here, permissions: ['geolocation'] });
    const p = await slow.newPage();
    // Hold back the map's chunk (maplibre), as a slow connection would.
    await p.route(/createMap-[^/]*\.js$/, () => undefined);
    await p.goto(origin);
    await p.getByTestId('locate').click();
    await p.getByTestId('nearby-list').locator('li').first().waitFor({ timeout: 10_000 });
    expect(await p.evaluate(() => window.__practiceMap === undefined)).toBe(true);
    await slow.close();
  });

  it('says so plainly when location is refused', async () => {
    const refused = await browser.newContext({ ...PHONE });
    const p = await refused.newPage();
    await p.goto(origin);
    await p.getByTestId('locate').click();
    await expect
      .poll(async () => p.getByTestId('nearby-problem').textContent(), { timeout: 15_000 })
      .toContain('定位权限被拒绝');
    await refused.close();
  });
});
