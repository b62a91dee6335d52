/**
 * Real OpenStreetMap extracts live in ../shared/geodata beside the project. Tests that need them run
 * whenever the folder exists and say plainly when they skip; in CI (where it always exists) a
 * missing folder is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCI } from './browser.js';

export const GEODATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/geodata');

export function geodataOrSkip(what: string): boolean {
  if (fs.existsSync(GEODATA)) return true;
  if (isCI) throw new Error(`CI: ${GEODATA} is missing; ${what} needs the real OSM extracts`);
  console.warn(`[tests] SKIPPING ${what}: ${GEODATA} not found`);
  return false;
}
