/** The client's view of the API: fetch helpers and the types it shares with the server (types only). */
import type { ServiceCategory, StationLevel, Role, RegionLevel, RegionKind } from '../../server/src/db/schema';
import type { ErrorBody } from '../../server/src/routes/api-types';
import { i18n } from './i18n';

export type { ServiceCategory, StationLevel, Role, RegionLevel, RegionKind };

export type ApiErrorBody = ErrorBody;

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
    headers: {
      // The server answers messages (imports, errors) in the page's language.
      'accept-language': String(i18n.global.locale.value),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(rest.headers ?? {}),
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(response.status, body?.error.code ?? 'HTTP', body?.error.message ?? response.statusText);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

// The answers' shapes, derived from the TypeBox schemas the server serializes with (types only).
export type {
  StationPropertiesBody as StationProperties,
  StationDetailPropertiesBody as StationDetailProperties,
  StationFeatureBody as StationFeature,
  StationDetailBody as StationDetail,
  StationCollectionBody as StationCollection,
  RegionPropertiesBody as RegionProperties,
  RegionFeatureBody as RegionFeature,
  AppConfigBody as AppConfig,
  SessionUserBody as SessionUser,
  MeBody as Me,
  LoggedInBody as LoggedIn,
  ActivityFeatureBody as ActivityFeature,
  ActivityPropertiesBody as ActivityProperties,
  BandCollectionBody as BandCollection,
  StationBandCollectionBody as StationBandCollection,
  NearbyBody as NearbyAnswer,
  NearbyResultBody as NearbyResult,
  CoverageBody as CoverageSummary,
  CoverageTotalsBody as CoverageTotals,
  CoverageRegionRowBody as CoverageRegionRow,
  GapsBody as CoverageGaps,
  PartitionBody as CoveragePartition,
  ScenarioBody as ScenarioSummary,
  SavedScenarioBody as Scenario,
  ScenarioListItemBody as ScenarioListItem,
  ScenarioSiteBody as ScenarioSite,
  AdoptionPreviewBody as AdoptionPreview,
  AdoptionChangeBody as AdoptionChange,
  AdoptionResultBody as AdoptionResult,
  ImportResultBody as ImportResult,
  ImportProblemBody as ImportProblem,
  ImportHistoryBody as ImportHistory,
  SuggestionsBody as SuggestionsAnswer,
  HeatmapBody as Heatmap,
  OverviewBody as Overview,
  OverviewPeriodBody as OverviewPeriod,
} from '../../server/src/routes/api-types';
export type { ActivityStatus, ActivityEventMessage } from '../../server/src/live/activities';

/** A GeoJSON point feature with the given properties, for features the client builds itself. */
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
