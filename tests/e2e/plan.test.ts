/**
 * The planner's view in Chromium: coverage figures and the ranked table render; a planner drags a
 * station, sees the what-if numbers change without anything saved, then saves the move as a scenario —
 * which must not move the station (only adopting a scenario does; tests/e2e/scenarios.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip, mapSettled } from '../support/browser.js';

declare const window: { __practiceMap?: any };
declare const document: { querySelector: (selector: string) => { textContent: string | null } | null };
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();

describe.skipIf(!executablePath)('planner view in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp('sqlite');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a planner drags a station, sees coverage change, and saves it as a scenario, not as a station', async () => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(origin);
    await page.getByTestId('login-open').click();
    await page.getByLabel('用户名').fill('planner');
    await page.getByLabel('密码').fill(t.accounts.planner.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    await page.getByTestId('nav-plan').click();
    await mapSettled(page);
    const base = (await t.app.inject('/api/coverage')).json();
    const shown = await page.getByTestId('population-coverage').textContent();
    expect(shown).toBe(`${((base.totals.coveredPopulation / base.totals.population) * 100).toFixed(1)}%`);
    expect(await page.getByTestId('township-table').locator('tbody tr').count()).toBe(base.regions.length);
    await page.waitForFunction(() => window.__practiceMap!.querySourceFeatures('coverage-gaps').length > 0, null, {
      timeout: 30_000,
    });
    await page.screenshot({ path: path.join(SHOTS, 'plan-overview.png') });

    // A village station: moving it 3 km away leaves its village uncovered.
    const station = (await t.app.inject('/api/stations?level=station'))
      .json()
      .features.find((f: any) => f.properties.villageName?.endsWith('村'));
    await page.evaluate((c) => window.__practiceMap!.jumpTo({ center: c, zoom: 13 }), station.geometry.coordinates);
    await mapSettled(page);
    const box = (await page.getByTestId('map').boundingBox())!;
    const p = await page.evaluate((c) => window.__practiceMap!.project(c), station.geometry.coordinates);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.getByTestId('plan-selected-station').waitFor();
    expect(await page.getByTestId('plan-selected-station').textContent()).toContain(station.properties.name);
    const pin = (await page.locator('.drag-pin').boundingBox())!;
    await page.mouse.move(pin.x + pin.width / 2, pin.y + pin.height - 3);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++)
      await page.mouse.move(pin.x + pin.width / 2 + 20 * k, pin.y + pin.height - 3 - 10 * k, { steps: 2 });
    await page.mouse.up();
    await page.waitForFunction(
      () =>
        /人/.test(document.querySelector('[data-testid=scenario-delta]')?.textContent ?? '') &&
        !/计算中/.test(document.querySelector('[data-testid=scenario-delta]')?.textContent ?? ''),
      null,
      { timeout: 20_000 },
    );
    const delta = await page.getByTestId('scenario-delta').textContent();
    expect(delta).toMatch(/较现状 [+-]?[\d,]+ 人/);
    const shownAfter = await page.getByTestId('population-coverage').textContent();
    expect(shownAfter).not.toBe(shown);
    // Nothing is saved yet.
    const before = await t.database.db
      .selectFrom('stations')
      .select(['lon', 'lat'])
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    expect([before.lon, before.lat]).toEqual(station.geometry.coordinates);
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'plan-what-if.png') });

    await page.getByTestId('scenario-name').fill('东移方案');
    await page.getByTestId('scenario-save').click();
    await page.waitForURL(/[?&]scenario=\d+/, { timeout: 20_000 });
    const id = Number(new URL(page.url()).searchParams.get('scenario'));
    // Saved as a scenario holding the move; the station itself has not moved, and the public coverage is as before.
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const saved = (await t.app.inject({ url: `/api/scenarios/${id}`, headers: { cookie } })).json();
    expect(saved.name).toBe('东移方案');
    expect(saved.move).toHaveLength(1);
    expect(saved.move[0].id).toBe(station.id);
    expect(saved.move[0].lon).toBeGreaterThan(station.geometry.coordinates[0] + 0.01);
    const after = await t.database.db
      .selectFrom('stations')
      .select(['lon', 'lat'])
      .where('id', '=', station.id)
      .executeTakeFirstOrThrow();
    expect([after.lon, after.lat]).toEqual(station.geometry.coordinates);
    expect((await t.app.inject('/api/coverage')).json().totals.coveredPopulation).toBe(base.totals.coveredPopulation);
    await page.close();
  }, 300_000);
});
