/**
 * Service-area requests, shared by the HTTP routes and the CLI: parsing with messages that name the
 * field, and the answer as a GeoJSON FeatureCollection, one (Multi)Polygon per band, largest first.
 */
import { MODE_PROFILES } from '../geo/modes.js';
import { TRAVEL_MODES, type TravelMode } from '../geo/osm.js';
import { DEFAULT_OFFROAD_M, DEFAULT_MAX_SNAP_M, euclideanCircle, serviceArea } from '../geo/service-area.js';
import type { MinHeap } from '../geo/heap.js';
import { simplifyMultiPolygon } from '../geo/simplify.js';
import type { NetworkState } from './state.js';

export interface ServiceAreaRequest {
  lon: number;
  lat: number;
  minutes: number[];
  mode: TravelMode;
  offroadM: number;
}

export const MAX_MINUTES = 60;
export const MAX_BANDS = 6;

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
    (s, i) => s === '' || !Number.isFinite(values[i]) || values[i] <= 0 || values[i] > MAX_MINUTES,
  );
  if (bad !== undefined)
    return { ok: false, message: `${field}: "${bad}" is not a number of minutes between 0 and ${MAX_MINUTES}` };
  const unique = [...new Set(values)].sort((a, b) => b - a);
  if (unique.length > MAX_BANDS) return { ok: false, message: `${field}: at most ${MAX_BANDS} bands` };
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
  network: NetworkState | null,
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
