/** The client's view of the API: fetch helpers and the types it shares with the server (types only). */
import type { ServiceCategory, StationLevel, Role, RegionLevel, RegionKind } from '../../server/src/db/schema';

export type { ServiceCategory, StationLevel, Role, RegionLevel, RegionKind };

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const response = await fetch(path, {
    ...rest,
    credentials: 'same-origin',
    headers: { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(rest.headers ?? {}) },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ApiErrorBody | null;
    throw new ApiError(response.status, body?.error.code ?? 'HTTP', body?.error.message ?? response.statusText);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export interface StationProperties {
  id: number;
  name: string;
  level: StationLevel;
  regionCode: string;
  regionName: string;
  villageCode: string | null;
  villageName: string | null;
  address: string;
  hours: string;
  services: ServiceCategory[];
  contactName?: string;
  contactPhone?: string;
}

export interface StationDetailProperties extends StationProperties {
  description: string;
  teams: { id: number; name: string; category: ServiceCategory; members: number }[];
  volunteers: number;
  activitiesLast90Days: number;
  updatedAt: string;
}

export interface PointFeature<P> {
  type: 'Feature';
  id?: number | string;
  properties: P;
  geometry: { type: 'Point'; coordinates: [number, number] };
}

export interface Collection<F> {
  type: 'FeatureCollection';
  features: F[];
}

export interface RegionProperties {
  code: string;
  name: string;
  level: RegionLevel;
  kind: RegionKind;
  parentCode: string | null;
  population: number;
  labelLon: number;
  labelLat: number;
  stations: number;
}

export interface RegionFeature {
  type: 'Feature';
  id?: string;
  properties: RegionProperties;
  geometry: { type: string; coordinates: unknown };
}

export interface AppConfig {
  basemapStyle: string | null;
  demo: { seed: number } | null;
  district: { code: string; name: string; bbox: [number, number, number, number]; center: [number, number] } | null;
  network: boolean;
}

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  stationId: number | null;
}

export type {
  ActivityFeature,
  ActivityProperties,
  ActivityStatus,
  ActivityEventMessage,
} from '../../server/src/live/activities';

/** GET /api/heatmap: [lon, lat, bucket, weight] per non-empty grid cell. */
export interface Heatmap {
  source: 'activities' | 'uncovered';
  weight: string;
  from: string | null;
  to: string | null;
  cellM: number;
  buckets: { start: string; end: string }[];
  points: [number, number, number, number][];
  maxWeight: number;
  total: number;
  items: number;
}

export interface OverviewPeriod {
  activities: number;
  participants: number;
}

/** GET /api/stats/overview */
export interface Overview {
  now: string;
  periods: { monthStart: string; lastMonthStart: string; lastMonthSameDay: string };
  stations: Record<StationLevel, number> & { total: number };
  teams: number;
  volunteers: number;
  thisMonth: OverviewPeriod;
  lastMonth: OverviewPeriod;
  lastMonthToDate: OverviewPeriod;
  live: number;
  today: number;
  coverage: { minutes: number; population: number; coveredPopulation: number } | null;
  townships: {
    code: string;
    name: string;
    population: number;
    stations: number;
    activitiesThisMonth: number;
    participantsThisMonth: number;
    coveredPopulation: number | null;
  }[];
  categories: { category: ServiceCategory; thisMonth: number; lastMonth: number }[];
  weeks: { start: string; activities: number; participants: number }[];
}

/** GET /api/nearby: the nearest stations by network time from one point, with the route to each. */
export interface NearbyResult {
  station: PointFeature<StationProperties>;
  seconds: number;
  meters: number;
  openNow: boolean | null;
  route: {
    type: 'Feature';
    properties: Record<string, unknown>;
    geometry: { type: 'LineString'; coordinates: [number, number][] };
  };
}
export interface NearbyAnswer {
  origin: { lon: number; lat: number; snapDistanceM: number };
  mode: string;
  method: 'network';
  results: NearbyResult[];
}
