/**
 * Real databases for tests: a fresh SQLite file in a temp folder, and (when TEST_DATABASE_URL is set)
 * a fresh PostgreSQL database created for the test file and dropped after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type OpenDatabase } from '../../server/src/db/dialect.js';
import { migrateToLatest } from '../../server/src/db/migrate.js';

export interface TestDatabase extends OpenDatabase {
  dataDir: string;
  databaseUrl: string | null;
  drop: () => Promise<void>;
}

export type DialectCase = 'sqlite' | 'postgres';

/** The dialects this run tests: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const testDialects: DialectCase[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export async function createTestDatabase(dialect: DialectCase): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-map-test-'));
  let databaseUrl: string | null = null;
  let dbName = '';
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (dialect === 'postgres') {
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    dbName = `pm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const opened = openDatabase({ databaseUrl, dataDir });
  await migrateToLatest(opened.db);
  return {
    ...opened,
    dataDir,
    databaseUrl,
    drop: async () => {
      await opened.db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (dialect === 'postgres' && adminUrl) {
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}
