/**
 * The API's answers as TypeScript types, derived from the TypeBox schemas the routes serialize with.
 * The client imports these (`import type`) instead of restating them; the modules behind them import
 * only TypeBox and constants, so the client's type check never reaches server code.
 */
import type { Static } from '@sinclair/typebox';
import type { ActivityCollection, ActivityFeature, ActivityProperties } from './activities.schema.js';
import type { LoggedIn, Me, SessionUser } from './auth.schema.js';
import type { AppConfig, StreetsLayer, WaterLayer } from './basemap.schema.js';
import type {
  CoverageRegionRow,
  CoverageResponse,
  GapsResponse,
  PartitionCollection,
  ScenarioResponse,
  SuggestionsResponse,
  Totals,
} from './coverage.schema.js';
import type { HeatmapResponse } from './heatmap.schema.js';
import type { ImportHistory, ImportProblem, ImportResult } from './imports.schema.js';
import type { NearbyResponse, NearbyResult } from './nearby.schema.js';
import type { RegionCollection, RegionFeature, RegionProperties } from './regions.schema.js';
import type { BandCollection, StationBandCollection } from './service-areas.schema.js';
import type { Overview, Period } from './stats.schema.js';
import type { ErrorResponse } from './schemas.js';
import type {
  AdoptionChange,
  AdoptionPreview,
  AdoptionResult,
  CreateScenarioBody,
  Scenario,
  ScenarioList,
  ScenarioListItem,
  ScenarioSite,
  UpdateScenarioBody,
} from './scenarios.schema.js';
import type {
  StationCollection,
  StationDetail,
  StationDetailProperties,
  StationFeature,
  StationProperties,
} from './stations.schema.js';

/** Every error answer: `{"error": {"code", "message", "details"?}}` */
export type ErrorBody = Static<typeof ErrorResponse>;

/** GET /api/stations */
export type StationCollectionBody = Static<typeof StationCollection>;
export type StationFeatureBody = Static<typeof StationFeature>;
export type StationPropertiesBody = Static<typeof StationProperties>;
/** GET /api/stations/:id, and the answer to creating or updating one */
export type StationDetailBody = Static<typeof StationDetail>;
export type StationDetailPropertiesBody = Static<typeof StationDetailProperties>;

/** GET /api/regions */
export type RegionCollectionBody = Static<typeof RegionCollection>;
export type RegionFeatureBody = Static<typeof RegionFeature>;
export type RegionPropertiesBody = Static<typeof RegionProperties>;

/** GET /api/config */
export type AppConfigBody = Static<typeof AppConfig>;
/** GET /api/basemap/streets and /water */
export type StreetsLayerBody = Static<typeof StreetsLayer>;
export type WaterLayerBody = Static<typeof WaterLayer>;

/** GET /api/auth/me; POST /api/auth/login */
export type MeBody = Static<typeof Me>;
export type LoggedInBody = Static<typeof LoggedIn>;
export type SessionUserBody = Static<typeof SessionUser>;

/** GET /api/activities, /api/activities/:id */
export type ActivityCollectionBody = Static<typeof ActivityCollection>;
export type ActivityFeatureBody = Static<typeof ActivityFeature>;
export type ActivityPropertiesBody = Static<typeof ActivityProperties>;

/** GET /api/isochrone, /api/stations/:id/service-area */
export type BandCollectionBody = Static<typeof BandCollection>;
/** GET /api/service-areas */
export type StationBandCollectionBody = Static<typeof StationBandCollection>;
/** GET /api/nearby */
export type NearbyBody = Static<typeof NearbyResponse>;
export type NearbyResultBody = Static<typeof NearbyResult>;

/** GET /api/coverage */
export type CoverageBody = Static<typeof CoverageResponse>;
export type CoverageTotalsBody = Static<typeof Totals>;
export type CoverageRegionRowBody = Static<typeof CoverageRegionRow>;
/** GET /api/coverage/gaps */
export type GapsBody = Static<typeof GapsResponse>;
/** GET /api/coverage/partition */
export type PartitionBody = Static<typeof PartitionCollection>;
/** POST /api/coverage/scenario */
export type ScenarioBody = Static<typeof ScenarioResponse>;
/** GET and POST /api/siting/suggestions */
export type SuggestionsBody = Static<typeof SuggestionsResponse>;

/** GET /api/heatmap */
export type HeatmapBody = Static<typeof HeatmapResponse>;
/** GET /api/stats/overview */
export type OverviewBody = Static<typeof Overview>;
export type OverviewPeriodBody = Static<typeof Period>;

/** GET /api/scenarios */
export type ScenarioListBody = Static<typeof ScenarioList>;
export type ScenarioListItemBody = Static<typeof ScenarioListItem>;
/** GET /api/scenarios/:id; the answer to POST, PATCH and duplicate */
export type SavedScenarioBody = Static<typeof Scenario>;
export type ScenarioSiteBody = Static<typeof ScenarioSite>;
/** The request bodies of POST and PATCH /api/scenarios(/:id) */
export type CreateScenarioRequest = Static<typeof CreateScenarioBody>;
export type UpdateScenarioRequest = Static<typeof UpdateScenarioBody>;
/** GET /api/scenarios/:id/adoption */
export type AdoptionPreviewBody = Static<typeof AdoptionPreview>;
export type AdoptionChangeBody = Static<typeof AdoptionChange>;
/** POST /api/scenarios/:id/adopt */
export type AdoptionResultBody = Static<typeof AdoptionResult>;

/** POST /api/import/:kind (and its ?dryRun=true preview); GET /api/imports/history */
export type ImportResultBody = Static<typeof ImportResult>;
export type ImportProblemBody = Static<typeof ImportProblem>;
export type ImportHistoryBody = Static<typeof ImportHistory>;
