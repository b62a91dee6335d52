/** config -> database -> network -> listen. */
import { loadConfig } from './config.js';
import { openDatabase } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import { isDatabaseEmpty } from './db/dataset.js';
import { installDemo } from './demo/install.js';
import { loadNetwork } from './network/store.js';
import { prepareNetwork } from './network/state.js';
import { buildApp } from './app.js';

async function main() {
  const config = loadConfig();
  const { db, dialect } = openDatabase(config);
  await migrateToLatest(db);
  if (config.demo && (await isDatabaseEmpty(db))) {
    const started = Date.now();
    const { accounts, accountsFile } = await installDemo(db, config.dataDir);
    console.log(`Empty database: generated the demo district (演示数据) in ${Date.now() - started} ms.`);
    console.log('Demo accounts (shown once; also in ' + accountsFile + ', mode 600):');
    for (const a of accounts) console.log(`  ${a.role.padEnd(10)} ${a.username.padEnd(10)} ${a.password}`);
  }
  const stored = loadNetwork(config.dataDir);
  const network = stored ? prepareNetwork(stored) : null;
  if (!network) console.log('No street network in the data folder: service areas fall back to plain circles.');
  const app = await buildApp({ config, db, dialect, network, logger: true });
  const shutdown = async () => {
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  await app.listen({ port: config.port, host: config.host });
  console.log(`Practice Map (文明实践服务地图) on http://${config.host}:${config.port} — database: ${dialect}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
