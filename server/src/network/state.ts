/** The loaded street network, ready to answer: per mode the graph, edge times and a snapping index. */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { connectedComponents } from '../geo/graph.js';
import { buildStreetIndex } from '../geo/snap.js';
import { MODE_PROFILES } from '../geo/modes.js';
import { TRAVEL_MODES, type TravelMode } from '../geo/osm.js';
import type { ModeNetwork } from '../geo/service-area.js';
import { storedModeFor, type NetworkReport, type StoredNetwork } from './store.js';

export interface PreparedLayer {
  json: Buffer;
  /** Strong validator for conditional requests: the layer changes only with the network. */
  etag: string;
}

export interface NetworkState {
  source: string;
  report: NetworkReport;
  modes: Record<TravelMode, ModeNetwork>;
  /** Walking graph's component count (1 for a connected network). */
  components: number;
  basemap: { streets: PreparedLayer; water: PreparedLayer };
}

export function prepareNetwork(stored: StoredNetwork): NetworkState {
  const indexes = new Map<string, ReturnType<typeof buildStreetIndex>>();
  const modes = {} as Record<TravelMode, ModeNetwork>;
  for (const mode of TRAVEL_MODES) {
    const stored_ = storedModeFor(mode);
    const graph = stored.graphs[stored_];
    let street = indexes.get(stored_);
    if (!street) indexes.set(stored_, (street = buildStreetIndex(graph)));
    const profile = MODE_PROFILES[mode];
    const speedOf = graph.highwayClasses.map((h) => profile.edgeSpeed(h));
    const edgeTime = new Float64Array(graph.edgeCount);
    for (let e = 0; e < graph.edgeCount; e++) edgeTime[e] = graph.edgeLength[e] / speedOf[graph.edgeClass[e]];
    modes[mode] = { graph, edgeTime, street, profile };
  }
  const layer = (gzip: Buffer): PreparedLayer => {
    const json = gunzipSync(gzip);
    return { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
  };
  return {
    source: stored.report.source,
    report: stored.report,
    modes,
    components: connectedComponents(modes.walk.graph).sizes.length,
    basemap: { streets: layer(stored.basemap.streets), water: layer(stored.basemap.water) },
  };
}
