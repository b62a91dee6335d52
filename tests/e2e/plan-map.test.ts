/**
 * The planner's coverage map in Chromium: the legend lists exactly the layers drawn (and the what-if's
 * once a station is switched off), the level picker changes the stations counted as the API counts
 * them, uncovered villages open a popup on click, and their list is ranked by population as the API
 * ranks them. Screenshots at district zoom land in tests/e2e/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, loginCookie, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip, mapSettled } from '../support/browser.js';

declare const window: { __practiceMap?: any };
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();

/** Legend entries and the map layers they stand for (as the page should draw them). */
const LEGEND_LAYERS: Record<string, string[]> = {
  covered: ['coverage-covered'],
  gaps: ['coverage-gaps-fill'],
  choropleth: ['coverage-choropleth-frame'],
  uncovered: ['coverage-uncovered'],
  gained: ['whatif-gained-fill'],
  lost: ['whatif-lost-fill'],
  partition: ['coverage-partition'],
};

const DEFAULT_LEVELS = 'center,institute,station';
/** A busy two-core machine takes most of a minute for the first load of the page's map. */
const SLOW = { timeout: 300_000 };
const TEST_TIMEOUT = 600_000;

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const m = window.__practiceMap;
      return !!m && m.loaded() && m.isStyleLoaded() && !m.isMoving() && m.areTilesLoaded();
    },
    null,
    SLOW,
  );
  await mapSettled(page);
}

/** The legend keys whose layers are visible and have something to draw, read from the map itself. */
async function layersDrawn(page: Page): Promise<string[]> {
  return page.evaluate((groups) => {
    const map = window.__practiceMap!;
    return Object.entries(groups)
      .filter(([, ids]) =>
        ids.some((id) => {
          const layer = map.getLayer(id);
          if (!layer || map.getLayoutProperty(id, 'visibility') === 'none') return false;
          const data = map.getSource(layer.source).serialize().data;
          return typeof data === 'object' && data.features.length > 0;
        }),
      )
      .map(([key]) => key)
      .sort();
  }, LEGEND_LAYERS);
}

async function legendKeys(page: Page): Promise<string[]> {
  const keys = await page
    .getByTestId('plan-legend')
    .locator('[data-legend]')
    .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { legend: string } }).dataset.legend));
  return keys.filter((k) => k in LEGEND_LAYERS).sort();
}

describe.skipIf(!executablePath)('the planner map in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let cookie: string;
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp('sqlite');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    // Warm the coverage the page asks for first, so the first test does not wait for a cold start.
    const q = `minutes=15&mode=walk&levels=${DEFAULT_LEVELS}`;
    for (const url of [`/api/coverage?${q}`, `/api/coverage/gaps?${q}`, `/api/coverage/partition?${q}`])
      expect((await t.app.inject(url)).statusCode).toBe(200);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function plannerPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const res = await page.request.post(`${origin}/api/auth/login`, {
      data: { username: 'planner', password: t.accounts.planner.password },
    });
    expect(res.status()).toBe(200);
    await page.goto(`${origin}/plan`);
    await settled(page);
    await page.waitForFunction(
      () => window.__practiceMap!.getSource('coverage-uncovered').serialize().data.features.length > 0,
      null,
      SLOW,
    );
    await page.getByTestId('uncovered-list').locator('tbody tr').first().waitFor(SLOW);
    return page;
  }

  const gapsApi = async (levels: string) =>
    (await t.app.inject({ url: `/api/coverage/gaps?minutes=15&mode=walk&levels=${levels}` })).json();

  it(
    'the legend lists the layers drawn, and the what-if layers once there is a what-if',
    async () => {
      const page = await plannerPage();
      await page.waitForFunction(
        () => window.__practiceMap!.getSource('coverage-townships').serialize().data.features.length > 0,
        null,
        SLOW,
      );
      const drawn = await layersDrawn(page);
      expect(drawn).toEqual(['choropleth', 'covered', 'gaps', 'uncovered']);
      expect(await legendKeys(page)).toEqual(drawn);
      // Every coverage class has its range, in the page's language.
      const classes = await page.locator('[data-legend=choropleth] li').allTextContents();
      expect(classes.map((s) => s.trim())).toEqual(['低于 60%', '60% – 80%', '80% – 90%', '90% – 97%', '97% 及以上']);
      // Points are drawn but not counted by default, and the legend says so.
      expect(await page.locator('[data-legend=stations] [data-level=point]').textContent()).toContain('不计入');
      await page.screenshot({ path: path.join(SHOTS, 'plan-map-district.png') });

      await page.getByText('显示服务分区').click();
      await page.locator('[data-legend=partition]').waitFor();
      expect(await legendKeys(page)).toEqual(await layersDrawn(page));
      await page.getByText('显示服务分区').click();
      await page.locator('[data-legend=partition]').waitFor({ state: 'detached' });

      // Switch off the village station that covers the most people alone: its village turns uncovered
      // on the map as the what-if answer says, lost areas appear, and the legend follows.
      const stations = (await t.app.inject('/api/stations?level=station')).json().features;
      const station = stations.find((f: any) => f.properties.villageName?.endsWith('村'));
      const answer = (
        await t.app.inject({
          method: 'POST',
          url: '/api/coverage/scenario',
          headers: { cookie },
          payload: { minutes: 15, mode: 'walk', levels: DEFAULT_LEVELS, remove: [station.properties.id] },
        })
      ).json();
      expect(answer.lost.features.length).toBeGreaterThan(0);
      await page.evaluate((c) => window.__practiceMap!.jumpTo({ center: c, zoom: 13 }), station.geometry.coordinates);
      await settled(page);
      const box = (await page.getByTestId('map').boundingBox())!;
      const p = await page.evaluate((c) => window.__practiceMap!.project(c), station.geometry.coordinates);
      await page.mouse.click(box.x + p.x, box.y + p.y);
      await page.getByTestId('station-switch').click();
      await page.locator('[data-legend=lost]').waitFor(SLOW);
      await page.locator('[data-legend=switched-off]').waitFor();
      const expected = answer.uncovered.features.map((f: any) => f.properties.id).sort((a: number, b: number) => a - b);
      await page.waitForFunction(
        (n) => window.__practiceMap!.getSource('coverage-uncovered').serialize().data.features.length === n,
        expected.length,
        SLOW,
      );
      const shownIds = await page.evaluate(() =>
        window
          .__practiceMap!.getSource('coverage-uncovered')
          .serialize()
          .data.features.map((f: any) => f.properties.id)
          .sort((a: number, b: number) => a - b),
      );
      expect(shownIds).toEqual(expected);
      expect(await legendKeys(page)).toEqual(await layersDrawn(page));
      expect(await legendKeys(page)).toContain('lost');
      await page.evaluate(() => window.__practiceMap!.zoomTo(12.5, { duration: 0 }));
      await settled(page);
      await page.screenshot({ path: path.join(SHOTS, 'plan-map-whatif.png') });
      await page.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'the level picker changes the stations counted, as the API counts them',
    async () => {
      const page = await plannerPage();
      const count = async (levels: string) =>
        (await t.app.inject(`/api/coverage?minutes=15&mode=walk&levels=${levels}`)).json().totals.stations as number;
      const byDefault = await count(DEFAULT_LEVELS);
      const withPoints = await count(`${DEFAULT_LEVELS},point`);
      expect(withPoints).toBeGreaterThan(byDefault);
      const summary = page.getByTestId('level-summary');
      expect(await summary.textContent()).toContain(`计入 ${byDefault} 个站点`);
      expect(await summary.textContent()).toContain(`不含 ${withPoints - byDefault} 个实践点`);

      await page.getByTestId('level-picker').locator('input[data-level=point]').check();
      await page.waitForFunction(
        (n) =>
          (globalThis as any).document.querySelector('[data-testid=level-summary]')?.textContent ===
          `计入全部 ${n} 个站点`,
        withPoints,
        SLOW,
      );
      await page.waitForFunction(
        (n) => (globalThis as any).document.querySelector('[data-testid=plan-totals]')?.textContent.includes(String(n)),
        withPoints,
        SLOW,
      );
      // With points counted, the uncovered villages are those the API gives for all four levels.
      const api = await gapsApi(`${DEFAULT_LEVELS},point`);
      await page.waitForFunction(
        (n) => window.__practiceMap!.getSource('coverage-uncovered').serialize().data.features.length === n,
        api.uncovered.features.length,
        SLOW,
      );
      expect(await page.locator('[data-legend=stations] [data-level=point]').textContent()).not.toContain('不计入');
      // The last level cannot be unticked.
      for (const level of ['point', 'station', 'institute'])
        await page.getByTestId('level-picker').locator(`input[data-level=${level}]`).uncheck();
      expect(await page.getByTestId('level-picker').locator('input[data-level=center]').isDisabled()).toBe(true);
      await page.close();
    },
    TEST_TIMEOUT,
  );

  it(
    'uncovered villages: ranked by population as the API ranks them, with a popup on the map and from the list',
    async () => {
      const page = await plannerPage();
      const api = await gapsApi(DEFAULT_LEVELS);
      const features = api.uncovered.features as any[];
      expect(features.length).toBeGreaterThan(3);
      const summary = await page.getByTestId('uncovered-list').locator('p').first().textContent();
      const people = features.reduce((s, f) => s + f.properties.population, 0);
      expect(summary).toContain(`${features.length} 处，共 ${people.toLocaleString('en-US')} 人`);
      const rows = page.getByTestId('uncovered-list').locator('tbody tr');
      const shown = Math.min(10, features.length);
      expect(await rows.count()).toBe(shown);
      const ids = (await rows.evaluateAll((els) => els.map((e: any) => Number(e.dataset.id)))) as number[];
      const populations = (await rows.locator('[data-col=population]').allTextContents()).map((s) =>
        Number(s.replace(/,/g, '')),
      );
      const byId = new Map(features.map((f) => [f.properties.id, f.properties]));
      expect(populations).toEqual(features.slice(0, shown).map((f) => f.properties.population));
      ids.forEach((id, i) => expect(byId.get(id)?.population).toBe(populations[i]));

      // A click on the map's dot opens its popup.
      const top = features[0];
      await page.evaluate((c) => window.__practiceMap!.jumpTo({ center: c, zoom: 14 }), top.geometry.coordinates);
      await settled(page);
      const box = (await page.getByTestId('map').boundingBox())!;
      const p = await page.evaluate((c) => window.__practiceMap!.project(c), top.geometry.coordinates);
      await page.mouse.click(box.x + p.x, box.y + p.y);
      const popup = page.getByTestId('uncovered-popup');
      await popup.waitFor(SLOW);
      const text = (await popup.textContent())!;
      const townships = (await t.app.inject('/api/regions?level=township')).json().features as any[];
      const townshipName = townships.find((f) => f.properties.code === top.properties.region)?.properties.name;
      expect(townshipName).toBeTruthy();
      expect(text).toContain(top.properties.name);
      expect(text).toContain(`人口 ${top.properties.population.toLocaleString('en-US')} 人`);
      expect(text).toContain(townshipName);
      expect(text).toMatch(top.properties.unreachable ? /不可达/ : /分钟/);
      await page.screenshot({ path: path.join(SHOTS, 'plan-map-popup.png') });

      // A click on the list's third row flies there and opens that village's popup.
      await page.evaluate(() => window.__practiceMap!.jumpTo({ zoom: 10 }));
      await rows.nth(2).click();
      await page.waitForFunction(
        (name) =>
          (globalThis as any).document.querySelector('[data-testid=uncovered-popup]')?.textContent.includes(name),
        byId.get(ids[2])!.name,
        SLOW,
      );
      await page.close();
    },
    TEST_TIMEOUT,
  );
});
