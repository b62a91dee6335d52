/**
 * The street network in the data folder, `network/`: a graph file per mode, the base map layers
 * (gzipped GeoJSON) and a small report. Written to a temporary folder and swapped in whole, so an
 * import that fails leaves the previous network in place; loaded at start in well under a second. What an
 * import killed midway leaves behind is cleared at the next import or start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildStreetGraph, connectedComponents, type StreetGraph } from '../geo/graph.js';
import type { OsmData, TravelMode } from '../geo/osm.js';
import { basemapLayers } from './basemap.js';
import { readGraphFile, writeGraphFile } from './graph-file.js';

/** Graphs kept on disk; e-bikes use the bicycle graph at their own speed. */
export const STORED_MODES = ['walk', 'bike', 'drive'] as const;
export type StoredMode = (typeof STORED_MODES)[number];

export interface NetworkReport {
  source: string;
  builtAt: string;
  buildMs: number;
  modes: Record<StoredMode, { nodes: number; edges: number; components: number; largestComponentShare: number }>;
  missingNodeRefs: number;
}

export interface StoredNetwork {
  report: NetworkReport;
  graphs: Record<StoredMode, StreetGraph>;
  basemap: { streets: Buffer; water: Buffer };
}

export const networkDir = (dataDir: string) => path.join(dataDir, 'network');

/** `network.tmp-<pid>-<ms>` (a network being written) and `network.old-<pid>-<ms>` (the one it replaces). */
const LEFTOVER = /^network\.(tmp|old)-(\d+)-(\d+)$/;
/** A leftover whose writer may still be alive is removed only after this long without a change. */
export const LEFTOVER_AGE_MS = 3_600_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what an import killed midway left in the data folder: its half-written network, and (killed
 * between the two renames) puts the previous network back. A folder is left alone while its writer
 * process lives and it changed within the hour, so a concurrent import keeps its folder. This process's
 * own pid counts as gone: saving is synchronous, so none of its saves is under way while this runs.
 * Returns the names removed or restored.
 */
export function removeLeftovers(dataDir: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  const handled: string[] = [];
  const leftovers = names
    .map((name) => ({ name, m: LEFTOVER.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    // The newest moved-aside network first: it is the one to put back.
    .sort((a, b) => Number(b.m[3]) - Number(a.m[3]));
  for (const { name, m } of leftovers) {
    const full = path.join(dataDir, name);
    const pid = Number(m[2]);
    let changed: number;
    try {
      changed = Math.max(Number(m[3]), fs.statSync(full).mtimeMs);
    } catch {
      continue;
    }
    const writerGone = pid === process.pid || !processAlive(pid);
    if (!writerGone && now - changed <= LEFTOVER_AGE_MS) continue;
    if (m[1] === 'old' && !fs.existsSync(networkDir(dataDir)) && fs.existsSync(path.join(full, 'report.json'))) {
      fs.renameSync(full, networkDir(dataDir));
      handled.push(name);
      continue;
    }
    fs.rmSync(full, { recursive: true, force: true });
    handled.push(name);
  }
  return handled;
}

export function saveNetwork(dataDir: string, osm: OsmData, source: string): NetworkReport {
  const started = performance.now();
  fs.mkdirSync(dataDir, { recursive: true });
  removeLeftovers(dataDir);
  const tmp = path.join(dataDir, `network.tmp-${process.pid}-${Date.now()}`);
  fs.mkdirSync(tmp);
  try {
    const modes = {} as NetworkReport['modes'];
    let missingNodeRefs = 0;
    for (const mode of STORED_MODES) {
      const { graph, report } = buildStreetGraph(osm, mode);
      const comps = connectedComponents(graph);
      modes[mode] = {
        nodes: graph.nodeCount,
        edges: graph.edgeCount,
        components: comps.sizes.length,
        largestComponentShare: graph.nodeCount ? comps.sizes[0] / graph.nodeCount : 0,
      };
      missingNodeRefs = Math.max(missingNodeRefs, report.missingNodeRefs);
      writeGraphFile(path.join(tmp, `${mode}.graph`), graph);
    }
    const layers = basemapLayers(osm);
    fs.writeFileSync(path.join(tmp, 'streets.geojson.gz'), gzipSync(JSON.stringify(layers.streets)));
    fs.writeFileSync(path.join(tmp, 'water.geojson.gz'), gzipSync(JSON.stringify(layers.water)));
    const report: NetworkReport = {
      source,
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
      modes,
      missingNodeRefs,
    };
    fs.writeFileSync(path.join(tmp, 'report.json'), JSON.stringify(report, null, 2));
    const dir = networkDir(dataDir);
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    fs.rmSync(old, { recursive: true, force: true });
    return report;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

export function loadNetwork(dataDir: string): StoredNetwork | null {
  try {
    removeLeftovers(dataDir);
  } catch {
    // A folder that cannot be removed (permissions) is no reason not to start.
  }
  const dir = networkDir(dataDir);
  if (!fs.existsSync(path.join(dir, 'report.json'))) return null;
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as NetworkReport;
  const graphs = {} as Record<StoredMode, StreetGraph>;
  for (const mode of STORED_MODES) graphs[mode] = readGraphFile(path.join(dir, `${mode}.graph`));
  return {
    report,
    graphs,
    basemap: {
      streets: fs.readFileSync(path.join(dir, 'streets.geojson.gz')),
      water: fs.readFileSync(path.join(dir, 'water.geojson.gz')),
    },
  };
}

export const storedModeFor = (mode: TravelMode): StoredMode => (mode === 'ebike' ? 'bike' : mode);
