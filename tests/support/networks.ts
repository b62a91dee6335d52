/** Street networks for engine tests: from GeoJSON line fixtures, and random small graphs. */
import { buildStreetGraph } from '../../server/src/geo/graph.js';
import { buildStreetIndex } from '../../server/src/geo/snap.js';
import { MODE_PROFILES } from '../../server/src/geo/modes.js';
import type { OsmData, TravelMode } from '../../server/src/geo/osm.js';
import type { ModeNetwork } from '../../server/src/geo/service-area.js';

/** LineStrings with `highway` (and `oneway`) properties become OSM ways; equal coordinates share a node. */
export function osmFromLines(
  features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[],
): OsmData {
  const nodes = new Map<number, [number, number]>();
  const ids = new Map<string, number>();
  const ways = [];
  let wayId = 1;
  for (const f of features) {
    if (f.geometry.type !== 'LineString') continue;
    const refs = (f.geometry.coordinates as number[][]).map(([lon, lat]) => {
      const key = `${lon},${lat}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size + 1;
        ids.set(key, id);
        nodes.set(id, [lon, lat]);
      }
      return id;
    });
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.properties)) if (typeof v === 'string') tags[k] = v;
    ways.push({ id: wayId++, refs, tags });
  }
  return { nodes, ways };
}

export function modeNetwork(osm: OsmData, mode: TravelMode = 'walk'): ModeNetwork {
  const stored = mode === 'ebike' ? 'bike' : mode;
  const { graph } = buildStreetGraph(osm, stored);
  const profile = MODE_PROFILES[mode];
  const edgeTime = new Float64Array(graph.edgeCount);
  for (let e = 0; e < graph.edgeCount; e++)
    edgeTime[e] = graph.edgeLength[e] / profile.edgeSpeed(graph.highwayClasses[graph.edgeClass[e]]);
  return { graph, edgeTime, street: buildStreetIndex(graph), profile };
}
