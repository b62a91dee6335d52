import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001_initial.js';
import * as m0002 from './migrations/0002_activity_events.js';
import * as m0003 from './migrations/0003_rate_limits.js';
import * as m0004 from './migrations/0004_scenarios_audit.js';

/** Migrations listed in name order; bundlers and tsx both see static imports. */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_activity_events': m0002,
  '0003_rate_limits': m0003,
  '0004_scenarios_audit': m0004,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
