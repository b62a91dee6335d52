/** Puts the demo district into a database and data folder, with one account per role. */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { writeDemoDataset } from '../db/dataset.js';
import { saveNetwork } from '../network/store.js';
import { createUser } from '../auth/users.js';
import { generateDemo, type DemoDataset } from './generate.js';

export interface DemoAccount {
  username: string;
  role: string;
  password: string;
  stationId: number | null;
}

export const DEMO_ACCOUNTS_FILE = 'demo-accounts.txt';

export async function installDemo(
  db: Kysely<Database>,
  dataDir: string,
  options: { seed?: number; now?: number } = {},
): Promise<{ dataset: DemoDataset; accounts: DemoAccount[]; accountsFile: string }> {
  const dataset = generateDemo(options);
  const { stationIds } = await writeDemoDataset(db, dataset);
  saveNetwork(dataDir, dataset.osm, `demo district, seed ${dataset.seed}`);
  const organizerStation = stationIds[dataset.stations.findIndex((s) => s.level === 'station')];
  const accounts: DemoAccount[] = [];
  for (const [username, role, stationId] of [
    ['admin', 'admin', null],
    ['planner', 'planner', null],
    ['organizer', 'organizer', organizerStation],
  ] as const) {
    const user = await createUser(db, { username, role, stationId });
    accounts.push({ username, role, password: user.password, stationId });
  }
  const accountsFile = path.join(dataDir, DEMO_ACCOUNTS_FILE);
  const text = [
    '# Practice Map demo accounts (演示账号). Generated passwords; keep this file private.',
    ...accounts.map((a) => `${a.role}\t${a.username}\t${a.password}${a.stationId ? `\tstation ${a.stationId}` : ''}`),
    '',
  ].join('\n');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(accountsFile, text, { mode: 0o600 });
  fs.chmodSync(accountsFile, 0o600);
  return { dataset, accounts, accountsFile };
}
