/**
 * The street network in the data folder, `network/`: a graph file per mode, the base map layers
 * (gzipped GeoJSON) and a small report. Written to a temporary folder and swapped in whole, so an
 * import that fails leaves the previous network in place; loaded at start in well under a second.
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

export function saveNetwork(dataDir: string, osm: OsmData, source: string): NetworkReport {
  const started = performance.now();
  fs.mkdirSync(dataDir, { recursive: true });
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
