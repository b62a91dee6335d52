/**
 * Coverage, gaps, what-if scenarios and new-site suggestions over the stored network and the data in
 * the database: loading, the station changes of a scenario, and answers shaped for the API.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { STATION_LEVELS, type Database, type StationLevel } from '../db/schema.js';
import {
  computeCoverage,
  coverageClip,
  gapPolygons,
  rasterizeRegions,
  COVERED,
  UNREACHABLE,
  type AreaGrid,
  type CoverageResult,
} from '../geo/coverage.js';
import { DEFAULT_CELL_M } from '../geo/service-area.js';
import { gapCandidates, suggestSites, type Candidate } from '../geo/siting.js';
import { pointInArea, type AreaGeometry } from '../geo/polygon.js';
import type { TravelMode } from '../geo/osm.js';
import type { MinHeap } from '../geo/heap.js';
import type { ModeNetwork } from '../geo/service-area.js';
import { simplifyLine, simplifyPolygon } from '../geo/simplify.js';
import { changedAreas, changedPoints, type ChangedPiece } from '../geo/what-if.js';

/** What the computations need of a network (the main thread's state or a worker's shared view). */
type Network = { modes: Record<TravelMode, ModeNetwork> };

export interface CoverageData {
  stations: { id: number; name: string; level: StationLevel; lon: number; lat: number; regionCode: string }[];
  townships: { code: string; name: string; geometry: AreaGeometry }[];
  population: {
    id: number;
    name: string;
    kind: string;
    lon: number;
    lat: number;
    population: number;
    region: number;
  }[];
  fingerprint: string;
  /** Changes only when the township boundaries do. */
  regionsKey: string;
}

// The parsed data of the last fingerprints: the township boundaries are parsed once, not per request.
const parsed = new Map<string, CoverageData>();

export async function loadCoverageData(db: Kysely<Database>): Promise<CoverageData> {
  const stations = await db
    .selectFrom('stations')
    .where('closed_at', 'is', null)
    .select(['id', 'name', 'level', 'lon', 'lat', 'region_code', 'updated_at'])
    .orderBy('id')
    .execute();
  const townships = await db
    .selectFrom('regions')
    .select(['code', 'name', 'geometry'])
    .where('level', '=', 'township')
    .orderBy('code')
    .execute();
  const points = await db
    .selectFrom('population_points')
    .select(['id', 'name', 'kind', 'lon', 'lat', 'population', 'township_code'])
    .orderBy('id')
    .execute();
  // Every value that changes an answer is in the key: a boundary edited to the same length is seen too.
  const hash = (rows: unknown[][]) => {
    const h = createHash('sha1');
    for (const row of rows) h.update(row.join('\u0001')).update('\u0002');
    return h.digest('base64url');
  };
  const regionsKey = hash(townships.map((t) => [t.code, t.name, t.geometry ?? '']));
  const fingerprint = [
    hash(stations.map((s) => [s.id, s.name, s.level, s.lon, s.lat, s.region_code, s.updated_at])),
    regionsKey,
    hash(points.map((p) => [p.id, p.name, p.kind, p.lon, p.lat, p.population, p.township_code])),
  ].join('|');
  const known = parsed.get(fingerprint);
  if (known) return known;
  const index = new Map(townships.map((t, i) => [t.code, i]));
  const data: CoverageData = {
    stations: stations.map((s) => ({
      id: s.id,
      name: s.name,
      level: s.level,
      lon: s.lon,
      lat: s.lat,
      regionCode: s.region_code,
    })),
    townships: townships
      .filter((t) => t.geometry)
      .map((t) => ({ code: t.code, name: t.name, geometry: JSON.parse(t.geometry!) as AreaGeometry })),
    population: points.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      lon: p.lon,
      lat: p.lat,
      population: p.population,
      region: index.get(p.township_code) ?? -1,
    })),
    regionsKey,
    fingerprint,
  };
  if (parsed.size >= 2) parsed.delete(parsed.keys().next().value!);
  parsed.set(fingerprint, data);
  return data;
}

export interface CoverageParams {
  minutes: number;
  mode: TravelMode;
  levels: StationLevel[];
}

/** A hypothetical site of a what-if or a saved scenario (routes/scenarios.schema.ts: ScenarioSite). */
export interface ScenarioSite {
  lon: number;
  lat: number;
  level?: StationLevel;
  name?: string;
  /** Its township; when absent, the township containing the point (as adoption infers it). */
  regionCode?: string;
  services?: string[];
  hours?: string;
  address?: string;
}

export interface ScenarioChanges {
  add?: ScenarioSite[];
  move?: { id: number; lon: number; lat: number }[];
  remove?: number[];
}

/** The code of the township containing the point, or null (a point on a shared edge may fall either way). */
export function townshipAt(townships: CoverageData['townships'], lon: number, lat: number): string | null {
  for (const t of townships) if (pointInArea(lon, lat, t.geometry)) return t.code;
  return null;
}

/**
 * The stations of a scenario: saved ones moved or switched off, hypothetical ones added (negative ids).
 * Townships as adoption writes them, so per-township counts equal those after adopting: a site in its
 * `regionCode`, else the township containing it; a station moved into another township counts there
 * (the centre, whose region is the district, stays in it).
 */
export function applyScenario(data: CoverageData, changes: ScenarioChanges): CoverageData['stations'] {
  const ids = new Set(data.stations.map((s) => s.id));
  for (const id of [...(changes.remove ?? []), ...(changes.move ?? []).map((m) => m.id)]) {
    if (!ids.has(id)) throw new Error(`no station with id ${id}`);
  }
  const removed = new Set(changes.remove ?? []);
  const moved = new Map((changes.move ?? []).map((m) => [m.id, m]));
  const townshipCodes = new Set(data.townships.map((t) => t.code));
  const stations = data.stations
    .filter((s) => !removed.has(s.id))
    .map((s) => {
      const m = moved.get(s.id);
      if (!m) return s;
      const regionCode = townshipCodes.has(s.regionCode)
        ? (townshipAt(data.townships, m.lon, m.lat) ?? s.regionCode)
        : s.regionCode;
      return { ...s, lon: m.lon, lat: m.lat, regionCode };
    });
  (changes.add ?? []).forEach((a, i) =>
    stations.push({
      id: -(i + 1),
      name: a.name ?? `新增站点 ${i + 1}`,
      level: a.level ?? 'station',
      lon: a.lon,
      lat: a.lat,
      regionCode: a.regionCode ?? townshipAt(data.townships, a.lon, a.lat) ?? '',
    }),
  );
  return stations;
}

export interface CoverageRun {
  result: CoverageResult;
  stations: CoverageData['stations'];
  data: CoverageData;
  params: CoverageParams;
}

// The township raster does not change between scenarios: made once per set of boundaries and graph.
const areaGrids = new Map<string, AreaGrid>();

export function runCoverage(
  network: Network,
  data: CoverageData,
  params: CoverageParams,
  stations = data.stations,
  heap?: MinHeap,
  /** areaGrid: the raster to compute on (a saved run's, so that a scenario lines up with it node for node). */
  options: { shared?: boolean; areaGrid?: AreaGrid } = {},
): CoverageRun {
  const counted = stations.filter((s) => params.levels.includes(s.level));
  const net = network.modes[params.mode];
  // Clipped to where the mode's streets reach: a township far from them cannot blow the grid up.
  const gridKey = `${data.regionsKey}|${params.mode}`;
  let areaGrid = options.areaGrid ?? areaGrids.get(gridKey);
  if (!areaGrid) {
    areaGrid = rasterizeRegions(data.townships, DEFAULT_CELL_M, data.stations[0], {
      clip: coverageClip(net),
      shared: options.shared,
    });
    if (areaGrids.size > 4) areaGrids.clear();
    areaGrids.set(gridKey, areaGrid);
  }
  const result = computeCoverage(
    net,
    {
      stations: counted,
      population: data.population.map((p) => ({ lon: p.lon, lat: p.lat, population: p.population, region: p.region })),
      regions: data.townships.map((t) => ({ geometry: t.geometry })),
    },
    { budget: params.minutes * 60, heap, areaGrid, shared: options.shared },
  );
  return { result, stations: counted, data, params };
}

export function coverageSummary(run: CoverageRun) {
  const { result, data, params, stations } = run;
  const regions = data.townships.map((t, k) => {
    const r = result.regions[k];
    const here = stations.filter((s) => s.regionCode === t.code);
    const byLevel = Object.fromEntries(
      STATION_LEVELS.map((l) => [l, here.filter((s) => s.level === l).length]),
    ) as Record<StationLevel, number>;
    return {
      code: t.code,
      name: t.name,
      population: r.population,
      coveredPopulation: r.coveredPopulation,
      unreachablePopulation: r.unreachablePopulation,
      areaM2: Math.round(r.cells * result.cellAreaM2),
      coveredAreaM2: Math.round(r.coveredCells * result.cellAreaM2),
      stations: here.length,
      stationsByLevel: byLevel,
    };
  });
  const sum = (key: 'population' | 'coveredPopulation' | 'areaM2' | 'coveredAreaM2' | 'unreachablePopulation') =>
    regions.reduce((s, r) => s + r[key], 0);
  return {
    minutes: params.minutes,
    mode: params.mode,
    levels: params.levels,
    method: 'network' as const,
    totals: {
      population: sum('population'),
      coveredPopulation: sum('coveredPopulation'),
      unreachablePopulation: sum('unreachablePopulation'),
      areaM2: sum('areaM2'),
      coveredAreaM2: sum('coveredAreaM2'),
      stations: stations.length,
      stationsFarFromStreets: result.stationSnaps.filter((s) => !s).length,
    },
    regions,
  };
}

/** Minutes to one decimal, null where out of the search's reach. */
const minutesOf = (seconds: number) => (Number.isFinite(seconds) ? Math.round((seconds / 60) * 10) / 10 : null);

export function gapsOf(run: CoverageRun, regionCode: string | null) {
  const { result, data } = run;
  const features: unknown[] = [];
  data.townships.forEach((t, k) => {
    if (regionCode && t.code !== regionCode) return;
    for (const g of gapPolygons(run.result, k)) {
      features.push({
        type: 'Feature',
        // Sent simplified to 1 m; the area is the unsimplified one.
        properties: { region: t.code, regionName: t.name, areaM2: Math.round(g.areaM2) },
        geometry: { type: 'Polygon', coordinates: simplifyPolygon(g.coordinates) },
      });
    }
  });
  (features as { properties: { areaM2: number } }[]).sort((a, b) => b.properties.areaM2 - a.properties.areaM2);
  const uncovered = data.population
    .map((p, i) => ({ p, i }))
    .filter(
      ({ p, i }) => result.pointStatus[i] !== COVERED && (!regionCode || data.townships[p.region]?.code === regionCode),
    )
    .sort((a, b) => b.p.population - a.p.population)
    .map(({ p, i }) => ({
      type: 'Feature',
      properties: {
        id: p.id,
        name: p.name,
        kind: p.kind,
        population: p.population,
        region: data.townships[p.region]?.code ?? null,
        unreachable: result.pointStatus[i] === UNREACHABLE,
        minutes: minutesOf(result.pointTime[i]),
      },
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    }));
  return {
    gaps: { type: 'FeatureCollection', features },
    uncovered: { type: 'FeatureCollection', features: uncovered },
  };
}

/**
 * What a scenario's run changes against the saved run (same data, parameters and grid): the areas
 * gained and lost as GeoJSON polygons per township (null without geometry, the cheap mode while
 * dragging), and the population points whose status changes, most people first.
 */
export function whatIfOf(base: CoverageRun, run: CoverageRun, withGeometry: boolean) {
  const { data } = base;
  const villages = changedPoints(base.result, run.result, data.population).map((c) => {
    const p = data.population[c.index];
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      population: p.population,
      region: data.townships[p.region]?.code ?? null,
      before: c.before,
      after: c.after,
      minutesBefore: minutesOf(c.secondsBefore),
      minutesAfter: minutesOf(c.secondsAfter),
    };
  });
  if (!withGeometry) return { gained: null, lost: null, villages };
  const areas = changedAreas(base.result, run.result);
  const collection = (pieces: ChangedPiece[]) => ({
    type: 'FeatureCollection' as const,
    features: pieces.map((g) => ({
      type: 'Feature' as const,
      // Sent simplified to 1 m, like the gaps; the area is the unsimplified one.
      properties: {
        region: data.townships[g.region].code,
        regionName: data.townships[g.region].name,
        areaM2: Math.round(g.areaM2),
      },
      geometry: { type: 'Polygon' as const, coordinates: simplifyPolygon(g.coordinates) },
    })),
  });
  return { gained: collection(areas.gained), lost: collection(areas.lost), villages };
}

/** Streets served, each with the station nearest to it (the service partition), as GeoJSON lines. */
export function partitionOf(network: Network, run: CoverageRun) {
  const { graph } = network.modes[run.params.mode];
  const { vertexStation, vertexTime } = run.result;
  const features = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    const a = graph.edgeFrom[e];
    const b = graph.edgeTo[e];
    const nearer = vertexTime[a] <= vertexTime[b] ? a : b;
    const station = vertexStation[nearer];
    if (station < 0) continue;
    const coords = [];
    for (let g = graph.edgeGeomStart[e]; g < graph.edgeGeomStart[e + 1]; g++)
      coords.push([graph.geomLon[g], graph.geomLat[g]]);
    features.push({
      type: 'Feature',
      properties: { stationId: run.stations[station].id, minutes: Math.round((vertexTime[nearer] / 60) * 10) / 10 },
      geometry: { type: 'LineString', coordinates: simplifyLine(coords) },
    });
  }
  return { type: 'FeatureCollection', features };
}

export function suggestionsFor(
  network: Network,
  run: CoverageRun,
  k: number,
  region: string | null,
  extra: { lon: number; lat: number }[],
  heap?: MinHeap,
) {
  const regionIndex = region ? run.data.townships.findIndex((t) => t.code === region) : undefined;
  const population = run.data.population.map((p) => ({
    lon: p.lon,
    lat: p.lat,
    population: p.population,
    region: p.region,
  }));
  const candidates: Candidate[] = [
    ...gapCandidates(run.result, population, { region: regionIndex }),
    ...extra.map((c) => ({ ...c, source: 'planner' as const })),
  ];
  const suggestions = suggestSites(network.modes[run.params.mode], run.result, population, candidates, k, { heap });
  return {
    minutes: run.params.minutes,
    mode: run.params.mode,
    candidates: candidates.length,
    baseCoveredPopulation: run.result.regions.reduce((s, r) => s + r.coveredPopulation, 0),
    suggestions: suggestions.map((s, rank) => ({
      rank: rank + 1,
      lon: Math.round(s.lon * 1e7) / 1e7,
      lat: Math.round(s.lat * 1e7) / 1e7,
      source: s.source,
      newlyCovered: s.newlyCovered,
      runningTotal: s.runningTotal,
      places: s.points.map((i) => run.data.population[i].name),
    })),
  };
}
