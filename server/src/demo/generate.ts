/**
 * The demo district (演示数据): a fictional county district generated from a seed, in the shape of real
 * data: regions with 12-digit codes, an OSM street network, population points, the practice network,
 * volunteer teams and 90 days of activities. Deterministic for a seed and a reference time.
 */
import { LocalPlane } from '../geo/ellipsoid.js';
import { buildStreetGraph, connectedComponents } from '../geo/graph.js';
import { labelPoint } from '../geo/label-point.js';
import type { OsmData } from '../geo/osm.js';
import type { NewActivity, NewPopulationPoint, NewRegion, NewStation, NewTeam, ServiceCategory } from '../db/schema.js';
import { DISTRICT_NAME, SUBDISTRICT_NAMES, TOWN_STEMS } from './names.js';
import { Random } from './random.js';
import { shapeDistrict } from './district.js';
import { placePeople, townshipAt } from './places.js';
import { layStreets } from './streets.js';
import { layPracticeNetwork, scheduleActivities } from './practice.js';
import type { XY } from './network-builder.js';

/** The demo sits on a fictional county; this origin is in the North China Plain. */
const ORIGIN = { lon: 116.62, lat: 36.18 };
export const DISTRICT_CODE = '379901000000';

export interface DemoDataset {
  seed: number;
  regions: NewRegion[];
  populationPoints: NewPopulationPoint[];
  /** Stations without ids; teams and activities point at them by index. */
  stations: Omit<NewStation, 'id'>[];
  teams: (Omit<NewTeam, 'station_id' | 'id'> & { station: number })[];
  activities: (Omit<NewActivity, 'station_id' | 'id' | 'created_by'> & { station: number })[];
  osm: OsmData;
  stats: { bridgesInTown: number; droppedFragmentWays: number };
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

export function generateDemo(options: { seed?: number; now?: number } = {}): DemoDataset {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now();
  const rng = new Random(seed);
  const plane = new LocalPlane(ORIGIN.lon, ORIGIN.lat);
  const ll = (p: XY): [number, number] => {
    const [lon, lat] = plane.toLonLat(p[0], p[1]);
    return [round7(lon), round7(lat)];
  };

  const subdistrictCount = rng.int(3, 4);
  const townCount = rng.int(6, 7);
  const shape = shapeDistrict(rng, townCount, subdistrictCount);
  const stems = rng.sample(TOWN_STEMS, townCount);
  const subNames = SUBDISTRICT_NAMES.slice(0, subdistrictCount);
  const townshipNames = shape.townships.map((t, i) => (t.urban ? subNames[i] : `${stems[i - subdistrictCount]}镇`));
  const townshipCodes = shape.townships.map(
    (t, i) =>
      `${DISTRICT_CODE.slice(0, 6)}${String(t.urban ? i + 1 : 100 + i - subdistrictCount + 1).padStart(3, '0')}000`,
  );

  const places = placePeople(rng, shape);
  const streets = layStreets(rng, shape, places, townshipNames);

  // Drop street fragments the river or a superblock cut off: a mapped network has none of that size.
  let osm = streets.builder.toOsm(plane);
  const { graph } = buildStreetGraph(osm, 'walk');
  const comps = connectedComponents(graph);
  const minorNodes = new Set<number>();
  for (let v = 0; v < graph.nodeCount; v++) if (comps.componentOf[v] !== 0) minorNodes.add(graph.nodeOsmId[v]);
  let dropped = 0;
  if (minorNodes.size) {
    streets.builder.removeWays((tags, nodes) => {
      const drop = !!tags.highway && !tags.highway.startsWith('motorway') && minorNodes.has(nodes[0] + 1);
      if (drop) dropped++;
      return drop;
    });
    osm = streets.builder.toOsm(plane);
  }

  // Regions: the district, its townships, and each community and village as a labelled point.
  const allPlaces = [...places.communities, ...places.villages];
  const regions: NewRegion[] = [];
  const closeRing = (ring: XY[]) => [...ring.map(ll), ll(ring[0])];
  const totalPopulation = allPlaces.reduce((s, p) => s + p.population, 0);
  const [dLon, dLat] = ll(shape.townCenter);
  regions.push({
    code: DISTRICT_CODE,
    name: DISTRICT_NAME,
    level: 'district',
    kind: 'district',
    parent_code: null,
    geometry: JSON.stringify({ type: 'Polygon', coordinates: [closeRing(shape.outline)] }),
    label_lon: dLon,
    label_lat: dLat,
    population: totalPopulation,
  });
  shape.townships.forEach((t, i) => {
    // The label at the point farthest inside, so it stays inside however the township is shaped.
    const geometry = { type: 'Polygon' as const, coordinates: [closeRing(t.ring)] };
    const label = labelPoint(geometry);
    regions.push({
      code: townshipCodes[i],
      name: townshipNames[i],
      level: 'township',
      kind: t.urban ? 'subdistrict' : 'town',
      parent_code: DISTRICT_CODE,
      geometry: JSON.stringify(geometry),
      label_lon: label.lon,
      label_lat: label.lat,
      population: allPlaces.filter((p) => p.township === i).reduce((s, p) => s + p.population, 0),
    });
  });
  const counters = shape.townships.map(() => ({ community: 0, village: 0 }));
  const placeCodes = allPlaces.map((p) => {
    const c = counters[p.township];
    const n = p.kind === 'community' ? 1 + c.community++ : 200 + c.village++;
    return `${townshipCodes[p.township].slice(0, 9)}${String(n).padStart(3, '0')}`;
  });
  const populationPoints: NewPopulationPoint[] = [];
  allPlaces.forEach((p, i) => {
    const [lon, lat] = ll(p.p);
    regions.push({
      code: placeCodes[i],
      name: p.name,
      level: 'village',
      kind: p.kind,
      parent_code: townshipCodes[p.township],
      geometry: null,
      label_lon: lon,
      label_lat: lat,
      population: p.population,
    });
    populationPoints.push({
      name: p.name,
      kind: p.kind,
      region_code: placeCodes[i],
      township_code: townshipCodes[p.township],
      lon,
      lat,
      population: p.population,
    });
  });

  // Stations stand beside a street: at the village's main lane, or by the town street nearest a community.
  const xy = streets.builder.xy;
  const urbanNodes = streets.urbanNodes;
  const beside = (n: number): XY => [xy[n][0] + 14, xy[n][1] + 11];
  // A community's station stands by the nearest town street on its own side of the township border.
  const nearestUrban = (p: XY, township: number) => {
    let best = -1;
    let bestD = Infinity;
    for (const n of urbanNodes) {
      const d = Math.hypot(xy[n][0] - p[0], xy[n][1] - p[1]);
      if (d < bestD && townshipAt(shape, beside(n)) === township) {
        best = n;
        bestD = d;
      }
    }
    return best;
  };
  const placeStreetPoint = allPlaces.map((p, i) => {
    if (p.kind === 'village') {
      const at = beside(streets.villageCenterNodes[i - places.communities.length]);
      return townshipAt(shape, at) === p.township ? at : ([p.p[0], p.p[1]] as XY);
    }
    const n = p.seat ? -1 : nearestUrban(p.p, p.township);
    return n >= 0 ? beside(n) : ([p.p[0], p.p[1]] as XY);
  });
  const keptUrban = urbanNodes.filter((n) => osm.nodes.has(n + 1));
  const { stations, teams } = layPracticeNetwork(rng, {
    townshipNames,
    townshipUrban: shape.townships.map((t) => t.urban),
    seats: places.seats,
    townCenter: shape.townCenter,
    places: allPlaces,
    placeStreetPoint,
    urbanStreetPoints: keptUrban.map(beside),
    districtName: DISTRICT_NAME,
    townshipOf: (p) => Math.max(0, townshipAt(shape, p)),
  });
  const activities = scheduleActivities(
    rng,
    stations,
    allPlaces.map((p) => p.name),
    now,
  );

  const iso = (t: number) => new Date(t).toISOString();
  const created = iso(now - 91 * 86_400_000);
  return {
    seed,
    regions,
    populationPoints,
    stations: stations.map((s) => {
      const [lon, lat] = ll(s.p);
      return {
        name: s.name,
        level: s.level,
        region_code: townshipCodes[s.township],
        village_code: s.place !== null ? placeCodes[s.place] : null,
        lon,
        lat,
        address: s.address,
        hours: s.hours,
        services: JSON.stringify(s.services),
        description: s.description,
        contact_name: s.contactName,
        contact_phone: s.contactPhone,
        created_at: created,
        updated_at: created,
      };
    }),
    teams: teams.map((t) => ({
      station: t.station,
      name: t.name,
      category: t.category,
      members: t.members,
      leader_name: t.leaderName,
      leader_phone: t.leaderPhone,
    })),
    activities: activities.map((a) => {
      const [lon, lat] = ll(a.p);
      return {
        station: a.station,
        title: a.title,
        category: a.category as ServiceCategory,
        lon,
        lat,
        starts_at: iso(a.startsAt),
        ends_at: iso(a.endsAt),
        expected_participants: a.expected,
        participants: a.participants,
        cancelled: a.cancelled ? 1 : 0,
        requester: a.requester,
        created_at: iso(Math.min(a.startsAt - 3 * 86_400_000, now)),
        updated_at: iso(Math.min(a.endsAt, now)),
      };
    }),
    osm,
    stats: { bridgesInTown: streets.bridgesInTown, droppedFragmentWays: dropped },
  };
}
