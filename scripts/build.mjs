// Builds what is missing or stale, and nothing else: the client with Vite (then precompressed with
// brotli and gzip for @fastify/static), the server with esbuild to plain ES modules in dist/server.
// Staleness is a hash of the inputs, kept in a stamp file beside each output, so an unchanged tree
// starts without building. With dev dependencies omitted (npm ci --omit=dev) a built tree is served as is.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => path.join(ROOT, ...p);

const TARGETS = {
  client: {
    inputs: ['client', 'package-lock.json'],
    out: at('dist/client'),
    tool: 'vite',
    build: buildClient,
  },
  server: {
    inputs: ['server/src', 'package-lock.json', 'scripts/build.mjs'],
    out: at('dist/server'),
    tool: 'esbuild',
    build: buildServer,
  },
};

function listFiles(rel) {
  const full = at(rel);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [rel];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .flatMap((d) => (d.name === 'node_modules' ? [] : listFiles(path.join(rel, d.name))))
    .sort();
}

function inputHash(inputs) {
  const hash = crypto.createHash('sha256');
  for (const file of inputs.flatMap(listFiles))
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(at(file)));
  return hash.digest('hex');
}

const stampFile = (target) => path.join(target.out, '.build-stamp');

async function available(tool) {
  try {
    await import(tool);
    return true;
  } catch {
    return false;
  }
}

/** Builds the named targets when stale; returns the names it built. */
export async function ensureBuilt(names = Object.keys(TARGETS), { force = false, log = console.log } = {}) {
  const built = [];
  for (const name of names) {
    const target = TARGETS[name];
    const hash = inputHash(target.inputs);
    const stamp = fs.existsSync(stampFile(target)) ? fs.readFileSync(stampFile(target), 'utf8') : null;
    if (!force && stamp === hash) continue;
    if (!(await available(target.tool))) {
      if (stamp !== null) {
        log(`build: ${name} sources changed since the build, but ${target.tool} is not installed: serving the build`);
        continue;
      }
      throw new Error(`build: dist/${name} is missing and ${target.tool} is not installed; run npm install first`);
    }
    const started = Date.now();
    await target.build(target.out);
    fs.writeFileSync(stampFile(target), hash);
    log(`build: ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(name);
  }
  return built;
}

async function buildClient(out) {
  const { build } = await import('vite');
  await build({ configFile: at('client/vite.config.ts'), logLevel: 'warn' });
  precompress(out);
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|map|txt|pbf)$/;

/** Writes .br and .gz beside every compressible asset, at the highest levels: this runs once per build. */
function precompress(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name) || path.relative(dir, file).startsWith('.')) continue;
    const data = fs.readFileSync(file);
    if (data.length < 1024) continue;
    fs.writeFileSync(
      `${file}.br`,
      zlib.brotliCompressSync(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
    );
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
  }
}

async function buildServer(out) {
  const esbuild = await import('esbuild');
  // Built beside and swapped in whole, so a failed build leaves the last good one in place.
  const next = `${out}.next`;
  fs.rmSync(next, { recursive: true, force: true });
  await esbuild.build({
    // The worker threads' module sits beside main.js, where workers/pool.ts looks for it.
    entryPoints: {
      main: at('server/src/main.ts'),
      cli: at('server/src/cli.ts'),
      worker: at('server/src/workers/worker.ts'),
    },
    outdir: next,
    bundle: true,
    // Dependencies stay in node_modules: the bundle is only our code, so native modules load as usual.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    splitting: true,
    logLevel: 'warning',
  });
  fs.rmSync(out, { recursive: true, force: true });
  fs.renameSync(next, out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  ensureBuilt(names.length ? names : undefined, { force }).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
