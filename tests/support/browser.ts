/**
 * Finds Chromium for browser tests: CHROME_PATH or the usual install paths. Outside CI a missing
 * browser skips the browser tests and says so; in CI it is a failure.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export const isCI = process.env.CI === 'true' || process.env.CI === '1';

export function findChromium(): string | null {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The browser to use, or null (with a visible notice) when tests must skip. */
export function chromiumOrSkip(): string | null {
  const path = findChromium();
  if (!path) {
    if (isCI) throw new Error('CI: no Chromium found (install Debian chromium or set CHROME_PATH)');
    console.warn('[tests] SKIPPING browser tests: no Chromium found (set CHROME_PATH or apt-get install chromium)');
  }
  return path;
}

/** Waits until the page's map (window.__practiceMap) has loaded, stopped moving and drawn its tiles. */
export async function mapSettled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const m = (globalThis as { __practiceMap?: any }).__practiceMap;
      return !!m && m.loaded() && m.isStyleLoaded() && !m.isMoving() && m.areTilesLoaded();
    },
    null,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(400);
}
