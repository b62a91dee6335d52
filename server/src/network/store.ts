/**
 * The street network on disk, in the data folder: the OSM nodes and ways every source is turned into
 * (demo generator now, OSM extracts next), written atomically so a failed import leaves the old one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OsmData, OsmWay } from '../geo/osm.js';

const FILE = 'network.osm.json';

interface StoredNetwork {
  format: 'practice-map/osm-json@1';
  source: string;
  nodes: number[][]; // [id, lon, lat]
  ways: OsmWay[];
}

export function networkPath(dataDir: string): string {
  return path.join(dataDir, FILE);
}

export function saveNetwork(dataDir: string, osm: OsmData, source: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const body: StoredNetwork = {
    format: 'practice-map/osm-json@1',
    source,
    nodes: [...osm.nodes].map(([id, [lon, lat]]) => [id, lon, lat]),
    ways: osm.ways,
  };
  const file = networkPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(body));
  fs.renameSync(tmp, file);
}

export function loadNetwork(dataDir: string): { osm: OsmData; source: string } | null {
  const file = networkPath(dataDir);
  if (!fs.existsSync(file)) return null;
  const body = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredNetwork;
  if (body.format !== 'practice-map/osm-json@1') throw new Error(`${file}: unknown network format ${JSON.stringify(body.format)}`);
  const nodes = new Map<number, [number, number]>();
  for (const [id, lon, lat] of body.nodes) nodes.set(id, [lon, lat]);
  return { osm: { nodes, ways: body.ways }, source: body.source };
}
