/**
 * Service-area requests, shared by the HTTP routes and the CLI: parsing with messages that name the
 * field, and the answer as a GeoJSON FeatureCollection, one (Multi)Polygon per band, largest first.
 */
import { metresPerDegree } from '../geo/ellipsoid.js';
import { MODE_PROFILES } from '../geo/modes.js';
import { TRAVEL_MODES, type TravelMode } from '../geo/osm.js';
import {
  DEFAULT_OFFROAD_M,
  DEFAULT_MAX_SNAP_M,
  euclideanCircle,
  serviceArea,
  type ModeNetwork,
} from '../geo/service-area.js';
import type { MinHeap } from '../geo/heap.js';
import { simplifyMultiPolygon } from '../geo/simplify.js';
import { MAX_BANDS, MAX_MINUTES, minutesOverLimit } from './limits.js';

export interface ServiceAreaRequest {
  lon: number;
  lat: number;
  minutes: number[];
  mode: TravelMode;
  offroadM: number;
}

/** The longest budget of any mode; each mode's own limit is checked once the mode is known. */
const ANY_MODE_MAX = Math.max(...Object.values(MAX_MINUTES));

type Raw = Record<string, string | number | undefined>;

export function parseMinutes(
  raw: string | number | undefined,
  field = 'minutes',
): { ok: true; value: number[] } | { ok: false; message: string } {
  if (raw === undefined || raw === '') return { ok: true, value: [15] };
  const parts = String(raw)
    .split(',')
    .map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.find(
    (s, i) => s === '' || !Number.isFinite(values[i]) || values[i] <= 0 || values[i] > ANY_MODE_MAX,
  );
  if (bad !== undefined)
    return { ok: false, message: `${field}: "${bad}" is not a number of minutes between 0 and ${ANY_MODE_MAX}` };
  const unique = [...new Set(values)].sort((a, b) => b - a);
  if (unique.length > MAX_BANDS)
    return { ok: false, message: `${field}: at most ${MAX_BANDS} bands, not ${unique.length}` };
  return { ok: true, value: unique };
}

export function parseServiceAreaRequest(
  raw: Raw,
): { ok: true; value: ServiceAreaRequest } | { ok: false; message: string } {
  const lon = Number(raw.lon);
  const lat = Number(raw.lat);
  if (raw.lon === undefined || !Number.isFinite(lon) || lon < -180 || lon > 180)
    return { ok: false, message: `lon: "${raw.lon ?? ''}" is not a longitude (-180..180)` };
  if (raw.lat === undefined || !Number.isFinite(lat) || lat < -90 || lat > 90)
    return { ok: false, message: `lat: "${raw.lat ?? ''}" is not a latitude (-90..90)` };
  const minutes = parseMinutes(raw.minutes);
  if (!minutes.ok) return minutes;
  const mode = (raw.mode ?? 'walk') as TravelMode;
  if (!TRAVEL_MODES.includes(mode))
    return { ok: false, message: `mode: "${raw.mode}" is not one of ${TRAVEL_MODES.join(', ')}` };
  const over = minutesOverLimit('minutes', minutes.value[0], mode);
  if (over) return { ok: false, message: over };
  const offroadM = raw.offroad === undefined || raw.offroad === '' ? DEFAULT_OFFROAD_M : Number(raw.offroad);
  if (!Number.isFinite(offroadM) || offroadM < 0 || offroadM > 500)
    return { ok: false, message: `offroad: "${raw.offroad}" is not a distance of 0-500 m` };
  return { ok: true, value: { lon, lat, minutes: minutes.value, mode, offroadM } };
}

export interface ServiceAreaFeature {
  type: 'Feature';
  properties: {
    minutes: number;
    mode: TravelMode;
    method: 'network' | 'euclidean';
    areaM2: number;
    snapDistanceM: number | null;
  };
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
}
export interface ServiceAreaCollection {
  type: 'FeatureCollection';
  features: ServiceAreaFeature[];
}

/** Straight-line speeds for the labelled circle when there is no network. */
const CROW_SPEED: Record<TravelMode, number> = {
  walk: MODE_PROFILES.walk.accessSpeed,
  bike: 15 / 3.6,
  ebike: 20 / 3.6,
  drive: 30 / 3.6,
};

export function computeServiceArea(
  network: { modes: Record<TravelMode, ModeNetwork> } | null,
  request: ServiceAreaRequest,
  heap?: MinHeap,
): { ok: true; collection: ServiceAreaCollection; settled: number } | { ok: false; status: 422; message: string } {
  const { lon, lat, minutes, mode } = request;
  if (!network) {
    return {
      ok: true,
      settled: 0,
      collection: {
        type: 'FeatureCollection',
        features: minutes.map((m) => {
          const circle = euclideanCircle(lon, lat, m * 60 * CROW_SPEED[mode]);
          return {
            type: 'Feature',
            properties: {
              minutes: m,
              mode,
              method: 'euclidean',
              areaM2: Math.round(circle.areaM2),
              snapDistanceM: null,
            },
            geometry: { type: 'MultiPolygon', coordinates: circle.coordinates },
          };
        }),
      },
    };
  }
  const result = serviceArea(network.modes[mode], lon, lat, {
    budgets: minutes.map((m) => m * 60),
    offroadM: request.offroadM,
    heap,
  });
  if (!result.ok) {
    return {
      ok: false,
      status: 422,
      message: `(${lon}, ${lat}) is more than ${DEFAULT_MAX_SNAP_M} m from any street the ${mode} network has: no service area is computed for it`,
    };
  }
  return {
    ok: true,
    settled: result.settled,
    collection: {
      type: 'FeatureCollection',
      features: result.bands.map((band, i) => ({
        type: 'Feature',
        properties: {
          minutes: minutes[i],
          mode,
          method: 'network',
          areaM2: Math.round(band.areaM2),
          snapDistanceM: Math.round(result.snap.distance * 10) / 10,
        },
        // Sent simplified to 1 m (half the bytes); the area above is the unsimplified one.
        geometry: { type: 'MultiPolygon', coordinates: simplifyMultiPolygon(band.coordinates) },
      })),
    },
  };
}

/** The service area as the JSON the API sends (the same in a worker thread and in this one). */
export function serviceAreaJson(
  network: { modes: Record<TravelMode, ModeNetwork> } | null,
  request: ServiceAreaRequest,
  heap?: MinHeap,
): { ok: true; json: string } | { ok: false; message: string } {
  const result = computeServiceArea(network, request, heap);
  return result.ok ? { ok: true, json: JSON.stringify(result.collection) } : { ok: false, message: result.message };
}

export interface StationPlace {
  id: number;
  level: string;
  lon: number;
  lat: number;
}

/**
 * Stations' areas (the first band) as the features of the map layer's collection, joined by commas:
 * several workers may each compute a share and the shares are joined in order.
 */
export function stationAreasJson(
  network: { modes: Record<TravelMode, ModeNetwork> } | null,
  stations: StationPlace[],
  minutes: number,
  mode: TravelMode,
  heap?: MinHeap,
): string {
  const parts: string[] = [];
  for (const s of stations) {
    const result = computeServiceArea(
      network,
      { lon: s.lon, lat: s.lat, minutes: [minutes], mode, offroadM: 100 },
      heap,
    );
    if (!result.ok) continue; // a station far from every street has no area; the coverage view reports it
    const f = result.collection.features[0];
    parts.push(JSON.stringify({ ...f, properties: { ...f.properties, stationId: s.id, level: s.level } }));
  }
  return parts.join(',');
}

const fastest = new WeakMap<Float64Array, number>();

/** The fastest edge of a mode (m/s), to bound how far a budget can reach. */
function topSpeed(net: ModeNetwork): number {
  let v = fastest.get(net.edgeTime);
  if (v === undefined) {
    v = net.profile.accessSpeed;
    const { edgeLength } = net.graph;
    for (let e = 0; e < edgeLength.length; e++)
      if (net.edgeTime[e] > 0 && edgeLength[e] / net.edgeTime[e] > v) v = edgeLength[e] / net.edgeTime[e];
    fastest.set(net.edgeTime, v);
  }
  return v;
}

/**
 * An upper bound on the grid cells of a service area: a square around the origin as wide as the
 * budget reaches at the network's top speed in this mode, plus the off-street reach, or the network's
 * own extent when that is smaller. What decides whether a request is cheap enough for this thread.
 */
export function serviceAreaCellBound(net: ModeNetwork, request: ServiceAreaRequest, cellM = 25): number {
  const travel = Math.max(...request.minutes) * 60 * topSpeed(net);
  const side = (Math.min(2 * travel, networkSpanM(net)) + 2 * (request.offroadM + 2 * cellM)) / cellM;
  return side * side;
}

const spans = new WeakMap<object, number>();

/** The larger side of the network's bounding box, in metres. */
function networkSpanM(net: ModeNetwork): number {
  let span = spans.get(net.graph);
  if (span === undefined) {
    const { nodeLon, nodeLat } = net.graph;
    let w = Infinity,
      e = -Infinity,
      s = Infinity,
      n = -Infinity;
    for (let i = 0; i < nodeLon.length; i++) {
      if (nodeLon[i] < w) w = nodeLon[i];
      if (nodeLon[i] > e) e = nodeLon[i];
      if (nodeLat[i] < s) s = nodeLat[i];
      if (nodeLat[i] > n) n = nodeLat[i];
    }
    const { kx, ky } = metresPerDegree((s + n) / 2);
    span = nodeLon.length ? Math.max((e - w) * kx, (n - s) * ky) : 0;
    spans.set(net.graph, span);
  }
  return span;
}
