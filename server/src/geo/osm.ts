/**
 * The form every street network takes on its way into the engine: OSM nodes and ways with their tags,
 * whether read from a real extract or written by the demo generator, so there is one graph builder.
 */
export type OsmTags = Record<string, string>;

export interface OsmWay {
  id: number;
  refs: number[];
  tags: OsmTags;
}

export interface OsmData {
  /** node id -> [lon, lat] */
  nodes: Map<number, [number, number]>;
  ways: OsmWay[];
}

export type TravelMode = 'walk' | 'bike' | 'ebike' | 'drive';
export const TRAVEL_MODES: readonly TravelMode[] = ['walk', 'bike', 'ebike', 'drive'];

/** Highway values the osmnx `walk` filter leaves out. */
const NOT_WALKABLE = new Set([
  'abandoned',
  'bus_guideway',
  'construction',
  'cycleway',
  'motor',
  'no',
  'planned',
  'platform',
  'proposed',
  'raceway',
  'motorway',
  'motorway_link',
]);

/** The osmnx `walk` filter, as given in the design. */
export function isWalkable(tags: OsmTags): boolean {
  const highway = tags.highway;
  if (!highway || NOT_WALKABLE.has(highway)) return false;
  if (tags.area === 'yes' || tags.foot === 'no' || tags.access === 'private' || tags.service === 'private')
    return false;
  if ((highway === 'trunk' || highway === 'trunk_link') && tags.foot !== 'yes') return false;
  return true;
}

const DRIVABLE = new Set([
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
]);

/** The osmnx `drive` filter in spirit: roads a car may use. */
export function isDrivable(tags: OsmTags): boolean {
  const highway = tags.highway;
  if (!highway || !DRIVABLE.has(highway)) return false;
  if (tags.area === 'yes' || tags.access === 'private' || tags.access === 'no' || tags.motor_vehicle === 'no')
    return false;
  if (tags.service === 'parking_aisle' || tags.service === 'driveway' || tags.service === 'private') return false;
  return true;
}

const NOT_CYCLABLE = new Set([
  'abandoned',
  'bus_guideway',
  'construction',
  'motor',
  'no',
  'planned',
  'platform',
  'proposed',
  'raceway',
  'motorway',
  'motorway_link',
  'steps',
  'corridor',
  'elevator',
  'escalator',
]);

export function isCyclable(tags: OsmTags): boolean {
  const highway = tags.highway;
  if (!highway || NOT_CYCLABLE.has(highway)) return false;
  if (tags.area === 'yes' || tags.bicycle === 'no' || tags.access === 'private' || tags.service === 'private')
    return false;
  if ((highway === 'trunk' || highway === 'trunk_link') && tags.bicycle !== 'yes') return false;
  return true;
}

export function modeFilter(mode: TravelMode): (tags: OsmTags) => boolean {
  if (mode === 'walk') return isWalkable;
  if (mode === 'drive') return isDrivable;
  return isCyclable;
}

/** +1 oneway along the way, -1 against it, 0 both ways. Walking ignores it. */
export function onewayDirection(tags: OsmTags, mode: TravelMode): -1 | 0 | 1 {
  if (mode === 'walk') return 0;
  if ((mode === 'bike' || mode === 'ebike') && tags['oneway:bicycle'] === 'no') return 0;
  const oneway = tags.oneway;
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return 1;
  if (oneway === '-1' || oneway === 'reverse') return -1;
  if (oneway === 'no') return 0;
  if (tags.junction === 'roundabout' || tags.highway === 'motorway') return 1;
  return 0;
}
