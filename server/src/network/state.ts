/** The loaded street network: the walking graph and the base map layers, prepared once at start. */
import { gzipSync } from 'node:zlib';
import { buildStreetGraph, connectedComponents, type StreetGraph } from '../geo/graph.js';
import type { OsmData } from '../geo/osm.js';
import { basemapLayers } from './basemap.js';

export interface PreparedLayer {
  json: Buffer;
  gzip: Buffer;
}

export interface NetworkState {
  source: string;
  walk: StreetGraph;
  components: number;
  basemap: { streets: PreparedLayer; water: PreparedLayer };
}

const prepare = (value: unknown): PreparedLayer => {
  const json = Buffer.from(JSON.stringify(value));
  return { json, gzip: gzipSync(json, { level: 6 }) };
};

export function prepareNetwork(osm: OsmData, source: string): NetworkState {
  const { graph } = buildStreetGraph(osm, 'walk');
  const layers = basemapLayers(osm);
  return {
    source,
    walk: graph,
    components: connectedComponents(graph).sizes.length,
    basemap: { streets: prepare(layers.streets), water: prepare(layers.water) },
  };
}
