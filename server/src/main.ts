/** config -> database -> network -> listen. */
import { loadConfig } from './config.js';
import { openDatabase } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import { isDatabaseEmpty } from './db/dataset.js';
import { installDemo } from './demo/install.js';
import { loadNetwork } from './network/store.js';
import { prepareNetwork } from './network/state.js';
import { buildApp } from './app.js';
import { createLogger, errorContext } from './log.js';

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const { db, dialect } = openDatabase(config);
  await migrateToLatest(db);
  if (config.demo && (await isDatabaseEmpty(db))) {
    const started = Date.now();
    const { accounts, accountsFile } = await installDemo(db, config.dataDir);
    log.info({ ms: Date.now() - started }, 'Empty database: generated the demo district (演示数据)');
    // Shown once, for whoever started the server; the same accounts are in the file (mode 600).
    for (const a of accounts)
      log.warn({ role: a.role, username: a.username, password: a.password, accountsFile }, 'demo account');
  }
  const stored = loadNetwork(config.dataDir);
  const network = stored ? prepareNetwork(stored) : null;
  if (!network) log.warn({}, 'No street network in the data folder: service areas fall back to plain circles');
  const app = await buildApp({ config, db, dialect, network, logger: log });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  await app.listen({ port: config.port, host: config.host });
  log.info(
    { url: `http://${config.host}:${config.port}`, database: dialect, network: network?.source ?? null },
    'Practice Map (文明实践服务地图) is serving',
  );
}

main().catch((err) => {
  // Before the logger exists (a bad setting) this is the only way to say why the server did not start.
  createLogger('error').fatal(errorContext(err), err instanceof Error ? err.message : String(err));
  process.exit(1);
});
