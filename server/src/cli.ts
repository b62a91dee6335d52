/**
 * Command line: `npm run cli -- <command>`. Settings come from the same environment as the server.
 * USAGE below lists the commands.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { openDatabase } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import { installDemo } from './demo/install.js';
import { createUser, UserInputError } from './auth/users.js';
import path from 'node:path';
import fs from 'node:fs';
import { importPopulation, importRegions, importStations } from './importers/planner-data.js';
import { CRS_VALUES, IMPORT_LIMITS, ImportError, ImportLimitError, formatOf, type Crs } from './importers/tables.js';
import { readOsmFile, OsmFormatError } from './importers/osm.js';
import { loadNetwork, saveNetwork, storedModeFor } from './network/store.js';
import { extentOfPoints } from './geo/extent.js';
import { prepareNetwork } from './network/state.js';
import { computeServiceArea, parseServiceAreaRequest } from './network/service-areas.js';

const USAGE = `Usage: npm run cli -- <command>
  demo [--seed N]                                          generate the demo district (replaces all data)
  user add <username> --role organizer|planner|admin [--station ID] [--password P]
  import-osm <file.osm.pbf | file.osm>                     build the street network from an OSM extract
  import-stations|import-regions|import-population <file.csv|.xlsx|.geojson> [--crs wgs84|gcj02|bd09]
                                                           import the planners' own data (all rows or none)
  import-regions <townships.geojson> --replace             the file is the whole set of townships: the others
                                                           go, what was in them moves to the one containing it
  isochrone --lon X --lat Y [--minutes 15[,10,5]] [--mode walk|bike|ebike|drive] [--offroad 100]
                                                           print service areas as GeoJSON`;

/** File errors that are the user's to fix, said in a few words. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'not readable (permission denied)',
  EPERM: 'not readable (permission denied)',
};

/** An import file, refused before it is read when it is over the import limit. */
function readImportFile(file: string): Buffer {
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw new UserInputError(`${file}: not a file`);
  if (stat.size > IMPORT_LIMITS.fileBytes)
    throw new ImportLimitError(
      `The file is ${Math.ceil(stat.size / 2 ** 20)} MB; the limit is ${IMPORT_LIMITS.fileBytes / 2 ** 20} MB (split it)`,
    );
  return fs.readFileSync(file);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    // A setting in the environment is wrong: the message names it.
    console.error(`Error: ${(err as Error).message}`);
    return 2;
  }
  if (command === 'import-osm') return importOsm(config.dataDir, rest);
  if (command === 'isochrone') return printIsochrone(config.dataDir, rest);
  const { db } = openDatabase(config);
  try {
    await migrateToLatest(db);
    if (command === 'demo') {
      const { values } = parseArgs({ args: rest, options: { seed: { type: 'string' } }, strict: true });
      const seed = values.seed === undefined ? 1 : Number(values.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31)
        throw new UserInputError(`Invalid --seed "${values.seed}": a non-negative integer`);
      const started = Date.now();
      const { dataset, accounts, accountsFile } = await installDemo(db, config.dataDir, { seed });
      const people = dataset.populationPoints.reduce((s, p) => s + p.population, 0);
      console.log(
        `Demo district (演示数据), seed ${seed}: ${dataset.regions.filter((r) => r.level === 'township').length} townships, ` +
          `${dataset.stations.length} stations, ${people} people, ${dataset.activities.length} activities, ` +
          `${dataset.osm.ways.length} ways, in ${Date.now() - started} ms.`,
      );
      console.log(`Accounts (also in ${accountsFile}, mode 600):`);
      for (const a of accounts) console.log(`  ${a.role.padEnd(10)} ${a.username.padEnd(10)} ${a.password}`);
      return 0;
    }
    if (command === 'import-stations' || command === 'import-regions' || command === 'import-population') {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { crs: { type: 'string' }, replace: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new UserInputError(`${command} takes one file`);
      if (values.replace && command !== 'import-regions') throw new UserInputError('--replace is for import-regions');
      const crs = (values.crs ?? 'wgs84') as Crs;
      if (!CRS_VALUES.includes(crs)) throw new UserInputError(`Invalid --crs "${values.crs}": wgs84, gcj02 or bd09`);
      const file = positionals[0];
      try {
        const format = formatOf(file);
        const data = readImportFile(file);
        const result =
          command === 'import-stations'
            ? await importStations(db, data, format, crs)
            : command === 'import-regions'
              ? await importRegions(db, data, format, {
                  mode: values.replace ? 'replace' : 'merge',
                  networkExtent: storedNetworkExtent(config.dataDir),
                })
              : await importPopulation(db, data, format, crs);
        console.log(
          `Imported ${file}: ${result.created} created, ${result.updated} updated${result.replaced !== undefined ? `, ${result.replaced} replaced` : ''}.`,
        );
        if (result.relocated) {
          const r = result.relocated;
          console.log(
            `Replaced the townships: ${result.removed} removed; moved to the township containing them: ${r.stations} stations, ` +
              `${r.villages} villages, ${r.populationPoints} population points; contained by none and removed: ` +
              `${r.removedVillages} villages, ${r.removedPopulationPoints} population points.`,
          );
        }
        return 0;
      } catch (err) {
        if (err instanceof ImportError) {
          console.error(`Error: ${err.message}`);
          for (const r of err.rows) console.error(`  row ${r.row}: ${r.message}`);
          return 1;
        }
        const why = FILE_ERRORS[(err as NodeJS.ErrnoException).code ?? ''];
        if (why) throw new UserInputError(`${file}: ${why}`);
        throw err;
      }
    }
    if (command === 'user' && rest[0] === 'add') {
      const { values, positionals } = parseArgs({
        args: rest.slice(1),
        options: { role: { type: 'string' }, station: { type: 'string' }, password: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new UserInputError('user add takes exactly one username');
      if (!values.role) throw new UserInputError('--role is required (organizer, planner or admin)');
      const stationId = values.station === undefined ? null : Number(values.station);
      if (stationId !== null && (!Number.isInteger(stationId) || stationId < 1))
        throw new UserInputError(`Invalid --station "${values.station}"`);
      const user = await createUser(db, {
        username: positionals[0],
        role: values.role,
        stationId,
        password: values.password,
      });
      console.log(`Created ${user.role} "${user.username}" (id ${user.id}).`);
      if (user.generated) console.log(`Password (shown once): ${user.password}`);
      return 0;
    }
    console.error(`Unknown command "${argv.join(' ')}"\n${USAGE}`);
    return 2;
  } catch (err) {
    if (
      err instanceof UserInputError ||
      (err instanceof TypeError &&
        'code' in err &&
        String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`Error: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await db.destroy();
  }
}

/** The stored street network's extent, where townships must lie when there is no district boundary. */
function storedNetworkExtent(dataDir: string) {
  const stored = loadNetwork(dataDir);
  const graph = stored?.graphs[storedModeFor('walk')];
  return graph ? extentOfPoints(graph.nodeLon, graph.nodeLat) : null;
}

async function importOsm(dataDir: string, args: string[]): Promise<number> {
  if (args.length !== 1) {
    console.error(`import-osm takes one file\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  try {
    const osm = await readOsmFile(args[0]);
    const report = saveNetwork(dataDir, osm, path.basename(args[0]));
    const walk = report.modes.walk;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Imported ${args[0]}: walking network ${walk.nodes} nodes, ${walk.edges} edges, ${walk.components} components ` +
        `(largest ${(walk.largestComponentShare * 100).toFixed(1)} % of nodes); bike ${report.modes.bike.edges} edges, ` +
        `drive ${report.modes.drive.edges} edges; ${seconds} s. Restart the server to use it.`,
    );
    if (walk.components > 1)
      console.log(
        `Note: ${walk.components - 1} walking fragments are disconnected from the main network; they are kept.`,
      );
    return 0;
  } catch (err) {
    if (err instanceof OsmFormatError) {
      console.error(`Error: ${err.message}. The previous network is unchanged.`);
      return 1;
    }
    throw err;
  }
}

async function printIsochrone(dataDir: string, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      lon: { type: 'string' },
      lat: { type: 'string' },
      minutes: { type: 'string' },
      mode: { type: 'string' },
      offroad: { type: 'string' },
    },
    strict: true,
  });
  const stored = loadNetwork(dataDir);
  const request = parseServiceAreaRequest({
    lon: values.lon,
    lat: values.lat,
    minutes: values.minutes,
    mode: values.mode,
    offroad: values.offroad,
  });
  if (!request.ok) {
    console.error(`Error: ${request.message}`);
    return 2;
  }
  const result = computeServiceArea(stored ? prepareNetwork(stored) : null, request.value);
  if (!result.ok) {
    console.error(`Error: ${result.message}`);
    return 1;
  }
  console.log(JSON.stringify(result.collection));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // Not the user's mistake (a bug, an unreachable database, a full disk): one line, and the stack only
    // when asked for.
    if (process.env.LOG_LEVEL?.trim().toLowerCase() === 'debug' || process.env.LOG_LEVEL?.trim() === 'trace')
      console.error(err instanceof Error ? err.stack : err);
    else
      console.error(
        `Error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (LOG_LEVEL=debug prints the details)`,
      );
    process.exit(1);
  },
);
