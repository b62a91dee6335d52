/**
 * A planner's scenario (方案) in Chromium, end to end: switch a station off and add a suggested site with the
 * fields a station needs, save, leave and come back (and reload) to the same pins, see what changes, compare
 * with a second scenario, and adopt. The public station list must not change before adoption, and must change
 * by exactly the scenario's changes when it is adopted. An anonymous visitor sees coverage and a login hint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { CHROMIUM_ARGS, chromiumOrSkip, mapSettled } from '../support/browser.js';

declare const window: { __practiceMap?: any; print: () => void; __printed?: number };
declare const document: {
  querySelector: (selector: string) => { textContent: string | null } | null;
  querySelectorAll: (selector: string) => { length: number };
};
const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, 'screenshots');
const executablePath = chromiumOrSkip();

interface PublicStation {
  id: number;
  properties: { id: number; name: string; level: string; villageName?: string | null };
  geometry: { coordinates: [number, number] };
}

/** Every live station as the public sees it: id, name and place, in id order. */
async function publicStations(t: TestApp): Promise<string[]> {
  const res = await t.app.inject('/api/stations');
  expect(res.statusCode).toBe(200);
  return (res.json().features as PublicStation[])
    .map((f) => `${f.properties.id}|${f.properties.name}|${f.geometry.coordinates.map((c) => c.toFixed(6)).join(',')}`)
    .sort();
}

/** Every row of the stations table, all columns, for "nothing touched it". */
async function stationsTable(t: TestApp): Promise<string> {
  const rows = await t.database.db.selectFrom('stations').selectAll().orderBy('id').execute();
  return JSON.stringify(rows);
}

async function whatIfSettled(page: Page) {
  await page.waitForFunction(
    () => {
      const text = document.querySelector('[data-testid=scenario-delta]')?.textContent ?? '';
      return /人/.test(text) && !/计算中/.test(text);
    },
    null,
    { timeout: 30_000 },
  );
}

async function clickStation(page: Page, at: [number, number]) {
  await page.evaluate((c) => window.__practiceMap!.jumpTo({ center: c, zoom: 14 }), at);
  await mapSettled(page);
  const box = (await page.getByTestId('map').boundingBox())!;
  const p = await page.evaluate((c) => window.__practiceMap!.project(c), at);
  await page.mouse.click(box.x + p.x, box.y + p.y);
  await page.getByTestId('plan-selected-station').waitFor();
}

/** Distinct colours and non-white share of a binary PPM (what pdftoppm writes by default). */
function ppmStats(file: string) {
  const buf = fs.readFileSync(file);
  const header = buf.subarray(0, 40).toString('latin1').split(/\s+/);
  expect(header[0]).toBe('P6');
  const [w, h] = [Number(header[1]), Number(header[2])];
  let offset = 0;
  for (let fields = 0; fields < 4; offset++) if (/\s/.test(String.fromCharCode(buf[offset]))) fields++;
  const colours = new Set<number>();
  let nonWhite = 0;
  // The middle of page 1, where the map image is.
  let pixels = 0;
  for (let y = Math.floor(h * 0.3); y < Math.floor(h * 0.7); y++)
    for (let x = Math.floor(w * 0.3); x < Math.floor(w * 0.7); x++) {
      pixels++;
      const i = offset + (y * w + x) * 3;
      const [r, g, b] = [buf[i], buf[i + 1], buf[i + 2]];
      colours.add((r << 16) | (g << 8) | b);
      if (r < 245 || g < 245 || b < 245) nonWhite++;
    }
  return { colours: colours.size, ink: nonWhite / pixels };
}

describe.skipIf(!executablePath)('scenarios in the planner view (Chromium)', () => {
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

  it('an anonymous visitor sees coverage, and a login hint instead of the what-if', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${origin}/plan`);
    await mapSettled(page);
    await page.getByTestId('population-coverage').waitFor();
    expect(await page.getByTestId('scenario-login').textContent()).toContain('登录规划人员账号后可用');
    expect(await page.getByTestId('suggest-login').textContent()).toContain('登录规划人员账号后可用');
    expect(await page.getByTestId('scenario-save').count()).toBe(0);
    expect(await page.getByTestId('scenario-list').count()).toBe(0);
    await page.close();
  }, 180_000);

  it('a planner builds, saves, reopens, compares and adopts a scenario; the public sees it only then', async () => {
    const stations = (await t.app.inject('/api/stations?level=station')).json().features as PublicStation[];
    const villageStations = stations.filter((f) => f.properties.villageName?.endsWith('村'));
    const off = villageStations[0];
    const off2 = villageStations[villageStations.length - 1];
    expect(off.properties.id).not.toBe(off2.properties.id);
    const publicBefore = await publicStations(t);
    const tableBefore = await stationsTable(t);

    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.goto(origin);
    await page.getByTestId('login-open').click();
    await page.getByLabel('用户名').fill('planner');
    await page.getByLabel('密码').fill(t.accounts.planner.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
    await page.getByTestId('nav-plan').click();
    await mapSettled(page);
    expect(await page.getByTestId('scenario-state').textContent()).toContain('新方案');

    // 1. Switch a village station off: it stays on the map, crossed out.
    await clickStation(page, off.geometry.coordinates);
    expect(await page.getByTestId('plan-selected-station').textContent()).toContain(off.properties.name);
    await page.getByTestId('station-switch').click();
    await whatIfSettled(page);
    expect(await page.locator('.off-pin').count()).toBe(1);
    expect(await page.getByTestId('scenario-changes').textContent()).toContain(off.properties.name);

    // 2. Add the first suggested site, and give it what a station needs.
    await page.getByTestId('suggest').click();
    await page.getByTestId('suggestions').waitFor({ timeout: 60_000 });
    await page.getByTestId('suggestion-add').first().click();
    await whatIfSettled(page);
    expect(await page.locator('.new-pin').count()).toBe(1);
    const site = page.getByTestId('site-0');
    expect(await site.getByTestId('site-missing').textContent()).toMatch(/服务项目.*开放时间/);
    await site.getByTestId('site-name').fill('张庄新时代文明实践站');
    await site.getByTestId('site-name').press('Tab');
    const township = await site.getByTestId('site-township').inputValue();
    expect(township).toMatch(/^\d{12}$/); // the township the suggested point lies in
    await site.getByTestId('site-services').getByLabel('理论宣讲').check();
    await site.getByTestId('site-services').getByLabel('卫生健康').check();
    await site.getByTestId('site-hours').fill('周一至周五 9:00-17:00');
    await site.getByTestId('site-hours').press('Tab');
    await site.getByTestId('site-hours-convert').click();
    expect(await site.getByTestId('site-hours').inputValue()).toBe('Mo-Fr 09:00-17:00');
    expect(await site.getByTestId('site-missing').count()).toBe(0);

    // 3. Save it under a name: the URL names it, and no station changed.
    await page.getByTestId('scenario-name').fill('张庄补点方案');
    await page.getByTestId('scenario-save').click();
    await page.waitForURL(/[?&]scenario=\d+/);
    const id = Number(new URL(page.url()).searchParams.get('scenario'));
    expect(await page.getByTestId('scenario-state').textContent()).toContain('已保存');
    expect(await publicStations(t)).toEqual(publicBefore);
    expect(await stationsTable(t)).toBe(tableBefore);
    const planner = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const saved = (await t.app.inject({ url: `/api/scenarios/${id}`, headers: { cookie: planner } })).json();
    expect(saved.remove).toEqual([off.properties.id]);
    expect(saved.add).toHaveLength(1);
    expect(saved.add[0]).toMatchObject({
      name: '张庄新时代文明实践站',
      level: 'station',
      regionCode: township,
      services: ['theory', 'health'],
      hours: 'Mo-Fr 09:00-17:00',
    });

    // 4. The what-if on the map and in the list: the changed villages are the server's.
    const answer = (
      await t.app.inject({
        url: `/api/scenarios/${id}/coverage?minutes=15&mode=walk&levels=center,institute,station`,
        headers: { cookie: planner },
      })
    ).json();
    expect(answer.villages.length).toBeGreaterThan(0);
    await page.getByTestId('village-changes').waitFor();
    expect(await page.getByTestId('village-change').count()).toBe(answer.villages.length);
    const firstVillage = await page.getByTestId('village-change').first().textContent();
    expect(firstVillage).toContain(answer.villages[0].name);
    expect(firstVillage).toContain(answer.villages[0].after === 'covered' ? '新覆盖' : '失去覆盖');
    await page.evaluate(() => window.__practiceMap!.jumpTo({ zoom: 11.5 }));
    await page.evaluate((c) => window.__practiceMap!.jumpTo({ center: c }), off.geometry.coordinates);
    await mapSettled(page);
    await page.screenshot({ path: path.join(SHOTS, 'scenario-built.png') });

    // 5. Away and back, then a reload: the same pins, the same switched-off station.
    await page.getByRole('link', { name: '地图', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByTestId('nav-plan').click();
    await page.waitForURL(new RegExp(`[?&]scenario=${id}\\b`));
    await mapSettled(page);
    await whatIfSettled(page);
    expect(await page.locator('.new-pin').count()).toBe(1);
    expect(await page.locator('.off-pin').count()).toBe(1);
    expect(await page.getByTestId('scenario-name').inputValue()).toBe('张庄补点方案');
    await page.reload();
    await mapSettled(page);
    await whatIfSettled(page);
    expect(await page.locator('.new-pin').count()).toBe(1);
    expect(await page.locator('.off-pin').count()).toBe(1);
    expect(await page.getByTestId('scenario-state').textContent()).toContain('已保存');
    expect(await page.getByTestId('village-change').count()).toBe(answer.villages.length);
    await page.screenshot({ path: path.join(SHOTS, 'scenario-reloaded.png') });

    // 6. A second scenario: another station off and a site placed by hand, left incomplete.
    await page.getByTestId('scenario-new').click();
    await page.waitForURL((u) => !u.searchParams.has('scenario'));
    expect(await page.locator('.new-pin').count()).toBe(0);
    expect(await page.locator('.off-pin').count()).toBe(0);
    await clickStation(page, off2.geometry.coordinates);
    await page.getByTestId('station-switch').click();
    await whatIfSettled(page);
    await page.getByTestId('place-site').click();
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await page.locator('.new-pin').waitFor();
    await whatIfSettled(page);
    await page.getByTestId('scenario-name').fill('对照方案');
    await page.getByTestId('scenario-save').click();
    await page.waitForURL((u) => Number(u.searchParams.get('scenario')) > id);
    const id2 = Number(new URL(page.url()).searchParams.get('scenario'));

    // Its adoption is refused in the page: the dialog names the missing fields and the button says why.
    await page.getByTestId('scenario-adopt').click();
    await page.getByTestId('adopt-changes').waitFor();
    expect(await page.getByTestId('adopt-missing').first().textContent()).toMatch(/服务项目/);
    expect(await page.getByTestId('adopt-confirm').isDisabled()).toBe(true);
    expect(await page.getByTestId('adopt-confirm').textContent()).toContain('信息不完整');
    await page.screenshot({ path: path.join(SHOTS, 'scenario-adopt-refused.png') });
    await page.getByRole('button', { name: '取消', exact: true }).click();

    // 7. Compare the two side by side: the figures are each scenario's own coverage.
    await page.getByTestId('scenario-compare-open').click();
    await page.getByTestId('compare-a').selectOption(String(id));
    await page.getByTestId('compare-b').selectOption(String(id2));
    const q = 'minutes=15&mode=walk&levels=center,institute,station&gaps=false';
    const [ca, cb] = await Promise.all(
      [id, id2].map(async (x) =>
        (await t.app.inject({ url: `/api/scenarios/${x}/coverage?${q}`, headers: { cookie: planner } })).json(),
      ),
    );
    const totalRow = page.getByTestId('compare-total');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=compare-total]')?.textContent?.includes(n) ?? false,
      cb.totals.coveredPopulation.toLocaleString('zh-CN'),
      { timeout: 30_000 },
    );
    const totalText = (await totalRow.textContent())!;
    expect(totalText).toContain(ca.totals.coveredPopulation.toLocaleString('zh-CN'));
    const diff = cb.totals.coveredPopulation - ca.totals.coveredPopulation;
    expect(totalText).toContain(`${diff > 0 ? '+' : ''}${diff.toLocaleString('zh-CN')}`);
    const changedRow = ca.regions.find(
      (r: { code: string; coveredPopulation: number }) =>
        cb.regions.find((s: { code: string }) => s.code === r.code).coveredPopulation !== r.coveredPopulation,
    );
    expect(changedRow).toBeTruthy();
    const rowText = (await page
      .locator(`[data-testid=compare-table] tr[data-code="${changedRow.code}"]`)
      .textContent())!;
    expect(rowText).toContain(changedRow.name);
    expect(rowText).toContain(changedRow.coveredPopulation.toLocaleString('zh-CN'));
    await page.screenshot({ path: path.join(SHOTS, 'scenario-compare.png') });
    await page.getByRole('button', { name: '关闭', exact: true }).click();

    // 8. Back to the first scenario from the list.
    await page.getByTestId(`scenario-item-${id}`).getByTestId('scenario-open').click();
    await page.waitForURL(new RegExp(`[?&]scenario=${id}\\b`));
    await whatIfSettled(page);
    expect(await page.getByTestId('scenario-name').inputValue()).toBe('张庄补点方案');
    expect(await page.locator('.off-pin').count()).toBe(1);

    // The report of this scenario (导出报告) at district zoom: page 1 of the PDF shows a map, not a blank, and
    // the changes are listed.
    const bbox = (await t.app.inject('/api/config')).json().district.bbox;
    await page.evaluate((b) => window.__practiceMap!.fitBounds(b, { padding: 20, duration: 0 }), bbox);
    await mapSettled(page);
    await page.evaluate(() => {
      window.__printed = 0;
      // The print dialog would wait for a person; count the calls instead.
      window.print = () => {
        window.__printed = (window.__printed ?? 0) + 1;
      };
    });
    await page.getByTestId('report-export-pdf').click();
    await page.waitForFunction(() => window.__printed === 1, null, { timeout: 60_000 });
    const pdf = path.join(SHOTS, 'scenario-report.pdf');
    await page.pdf({ path: pdf, format: 'A4', landscape: true, printBackground: true });
    const prefix = path.join(SHOTS, 'scenario-report-page1');
    execFileSync('pdftoppm', ['-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, prefix]);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, prefix]);
    const stats = ppmStats(`${prefix}.ppm`);
    fs.rmSync(`${prefix}.ppm`);
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.ink).toBeGreaterThan(0.5);
    const reportText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(reportText).toContain('张庄补点方案');
    expect(reportText).toContain(off.properties.name);

    // Nothing published so far.
    expect(await publicStations(t)).toEqual(publicBefore);
    expect(await stationsTable(t)).toBe(tableBefore);

    // 9. Adopt: the dialog lists every change; confirming changes the public list by exactly those.
    await page.getByTestId('scenario-adopt').click();
    await page.getByTestId('adopt-changes').waitFor();
    const items = page.getByTestId('adopt-changes').locator('li');
    expect(await items.count()).toBe(2);
    const listed = (await page.getByTestId('adopt-changes').textContent())!;
    expect(listed).toContain('新建');
    expect(listed).toContain('张庄新时代文明实践站');
    expect(listed).toContain('关闭');
    expect(listed).toContain(off.properties.name);
    expect(await page.getByTestId('adopt-confirm').isDisabled()).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'scenario-adopt.png') });
    expect(await publicStations(t)).toEqual(publicBefore);
    await page.getByTestId('adopt-confirm').click();
    await page.getByTestId('adopt-result').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('adopt-result').textContent()).toMatch(/新建 1 个站点.*关闭 1 个/);
    await page.getByTestId('adopt-close').click();
    expect(await page.getByTestId('scenario-state').textContent()).toContain('已采纳');
    // Adopted, the scenario is the saved state: no what-if is drawn or computed any more, and nothing fails.
    await page.waitForTimeout(1500);
    expect(await page.getByTestId('scenario-delta').count()).toBe(0);
    expect(await page.locator('.new-pin').count()).toBe(0);
    expect(await page.locator('.off-pin').count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('scenario-changes').textContent()).toContain(`${off.properties.name}（已关闭）`);

    const after = (await t.app.inject('/api/stations')).json().features as PublicStation[];
    const afterKeys = await publicStations(t);
    const gone = publicBefore.filter((k) => !afterKeys.includes(k));
    const added = afterKeys.filter((k) => !publicBefore.includes(k));
    expect(gone).toEqual([publicBefore.find((k) => k.startsWith(`${off.properties.id}|`))]);
    expect(added).toHaveLength(1);
    const created = after.find((f) => added[0].startsWith(`${f.properties.id}|`))!;
    expect(created.properties.name).toBe('张庄新时代文明实践站');
    expect(created.geometry.coordinates[0]).toBeCloseTo(saved.add[0].lon, 6);
    expect(created.geometry.coordinates[1]).toBeCloseTo(saved.add[0].lat, 6);
    // The second scenario is still only a scenario.
    expect(afterKeys.some((k) => k.startsWith(`${off2.properties.id}|`))).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'scenario-adopted.png') });
    expect(dialogs.filter((m) => /未保存/.test(m))).toEqual([]);
    await page.close();
  }, 900_000);
});
