/**
 * What each client route downloads, from Vite's build manifest, as raw and gzip bytes: `firstLoad` is
 * the entry, the route's own chunk and everything they import statically (what the route needs before
 * it is usable); `deferred` is what the route's chunk then imports dynamically (the public map).
 * Needs `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const ROUTES = {
  public: 'src/views/NearbyView.vue',
  plan: 'src/views/PlanView.vue',
  screen: 'src/views/ScreenView.vue',
} as Record<string, string>;

function readManifest(clientDir: string): Record<string, ManifestChunk> | null {
  const manifestFile = path.join(clientDir, '.vite/manifest.json');
  if (!fs.existsSync(manifestFile)) return null;
  return JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
}

/** The files a route loads first and those it imports later, by the manifest's import graph. */
export function routeFiles(clientDir: string, route: keyof typeof ROUTES) {
  const manifest = readManifest(clientDir);
  if (!manifest) throw new Error('run npm run build first');
  return routeFilesOf(manifest, route);
}

function routeFilesOf(manifest: Record<string, ManifestChunk>, route: string) {
  const collect = (keys: string[], into = new Set<string>(), skip = new Set<string>()) => {
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || into.has(chunk.file) || skip.has(chunk.file)) return;
      into.add(chunk.file);
      for (const css of chunk.css ?? []) into.add(css);
      for (const i of chunk.imports ?? []) visit(i);
    };
    keys.forEach(visit);
    return into;
  };
  const view = ROUTES[route];
  const first = collect(['index.html', view]);
  const deferred = collect(manifest[view]?.dynamicImports ?? [], new Set(), first);
  return { first, deferred };
}

export function routeBundles(clientDir: string) {
  const manifest = readManifest(clientDir);
  if (!manifest) return 'skipped: run npm run build first';
  const out: Record<string, unknown> = {};
  const measure = (files: Set<string>) => {
    const sizes = { files: files.size, jsBytes: 0, jsGzipBytes: 0, cssGzipBytes: 0 };
    for (const file of files) {
      const data = fs.readFileSync(path.join(clientDir, file));
      const gz = gzipSync(data, { level: 9 }).length;
      if (file.endsWith('.js')) {
        sizes.jsBytes += data.length;
        sizes.jsGzipBytes += gz;
      } else sizes.cssGzipBytes += gz;
    }
    return sizes;
  };
  for (const route of Object.keys(ROUTES)) {
    const { first, deferred } = routeFilesOf(manifest, route);
    out[route] = { firstLoad: measure(first), deferred: measure(deferred) };
  }
  return out;
}
