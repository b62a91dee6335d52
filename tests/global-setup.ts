/**
 * Checks the test environment once: in CI a PostgreSQL that cannot be reached is a failure, not a
 * skip. Each test file then makes its own database (tests/support/databases.ts) and drops it.
 */
import pg from 'pg';

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (!url) {
    if (ci) throw new Error('CI: TEST_DATABASE_URL is not set; the API suite must run on PostgreSQL too');
    console.warn('[tests] TEST_DATABASE_URL not set: API tests run on SQLite only (PostgreSQL runs skipped)');
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`TEST_DATABASE_URL=${url} is not reachable: ${(err as Error).message}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
