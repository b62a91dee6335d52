/**
 * What each client route downloads, from Vite's build manifest: the entry, the route's own chunk and
 * everything they import statically, as raw and gzip bytes. Needs `npm run build` first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

const ROUTES: Record<string, string> = {
  public: 'src/views/NearbyView.vue',
  plan: 'src/views/PlanView.vue',
  screen: 'src/views/ScreenView.vue',
};

export function routeBundles(clientDir: string) {
  const manifestFile = path.join(clientDir, '.vite/manifest.json');
  if (!fs.existsSync(manifestFile)) return 'skipped: run npm run build first';
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
  const out: Record<string, unknown> = {};
  for (const [route, view] of Object.entries(ROUTES)) {
    const files = new Set<string>();
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || files.has(chunk.file)) return;
      files.add(chunk.file);
      for (const css of chunk.css ?? []) files.add(css);
      for (const i of chunk.imports ?? []) visit(i);
    };
    visit('index.html');
    visit(view);
    const sizes = { jsBytes: 0, jsGzipBytes: 0, cssGzipBytes: 0 };
    for (const file of files) {
      const data = fs.readFileSync(path.join(clientDir, file));
      const gz = gzipSync(data, { level: 9 }).length;
      if (file.endsWith('.js')) {
        sizes.jsBytes += data.length;
        sizes.jsGzipBytes += gz;
      } else sizes.cssGzipBytes += gz;
    }
    out[route] = { files: files.size, ...sizes };
  }
  return out;
}
