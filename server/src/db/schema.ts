import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Station levels, from the county centre down to the village point. */
export const STATION_LEVELS = ['center', 'institute', 'station', 'point'] as const;
export type StationLevel = (typeof STATION_LEVELS)[number];

/** Service categories of the practice network (keys; the UI translates them). */
export const SERVICE_CATEGORIES = [
  'theory', // 理论宣讲
  'culture', // 文化文艺
  'science', // 科普
  'health', // 卫生健康
  'law', // 法律
  'sports', // 体育健身
  'elderly', // 助老助残
  'children', // 关爱儿童
  'environment', // 环境卫生
  'customs', // 移风易俗
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

export const REGION_LEVELS = ['district', 'township', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
/** What kind of unit a region is: 街道 subdistrict, 镇 town, 社区 community, 村 village. */
export const REGION_KINDS = ['district', 'subdistrict', 'town', 'community', 'village'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export const ROLES = ['organizer', 'planner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The most characters the API may write to a column: the varchar size the migrations declare, or for
 * a text column the product's limit. Request schemas take their maxLength from here (`Stored` in
 * routes/schemas.ts), so PostgreSQL, which enforces varchar sizes, and SQLite, which does not, refuse
 * the same input; tests/api/validation-schemas.test.ts reads both databases' columns against it.
 */
export const COLUMN_LENGTHS = {
  'regions.name': 100,
  'stations.name': 200,
  'stations.address': 300,
  'stations.hours': 300,
  'stations.description': 2000,
  'stations.contact_name': 100,
  'stations.contact_phone': 50,
  'teams.name': 200,
  'teams.leader_name': 100,
  'teams.leader_phone': 50,
  'population_points.name': 200,
  'activities.title': 200,
  'activities.requester': 100,
  'users.username': 64,
  'scenarios.name': 100,
  'audit_log.subject': 200,
} as const;
export type StoredColumn = keyof typeof COLUMN_LENGTHS;

export interface RegionTable {
  /** 12-digit statistics code (统计用区划代码). */
  code: string;
  name: string;
  level: RegionLevel;
  kind: RegionKind;
  parent_code: string | null;
  /** GeoJSON Polygon or MultiPolygon as text; null where no boundary is known (villages). */
  geometry: string | null;
  label_lon: number;
  label_lat: number;
  population: number;
}

export interface StationTable {
  id: Generated<number>;
  name: string;
  level: StationLevel;
  /** The township (or district, for the centre) the station belongs to. */
  region_code: string;
  /** The village or community it serves, when it is a village/community station. */
  village_code: string | null;
  lon: number;
  lat: number;
  address: string;
  /** OpenStreetMap `opening_hours` syntax, e.g. "Mo-Fr 08:30-17:30; Sa 09:00-12:00". */
  hours: string;
  /** JSON array of ServiceCategory. */
  services: string;
  description: string;
  /** Personal data: never served to the public role. */
  contact_name: string;
  contact_phone: string;
  created_at: string;
  updated_at: string;
  /** When an adopted scenario closed it; closed stations are kept on record but are not live. */
  closed_at: Generated<string | null>;
}

export interface TeamTable {
  id: Generated<number>;
  station_id: number;
  name: string;
  category: ServiceCategory;
  members: number;
  /** Personal data. */
  leader_name: string;
  leader_phone: string;
}

export interface PopulationPointTable {
  id: Generated<number>;
  name: string;
  kind: 'community' | 'village';
  region_code: string;
  township_code: string;
  lon: number;
  lat: number;
  population: number;
}

export interface ActivityTable {
  id: Generated<number>;
  station_id: number;
  title: string;
  category: ServiceCategory;
  lon: number;
  lat: number;
  /** ISO 8601 UTC ("2026-11-24T08:30:00.000Z"): sorts and compares as text in both dialects. */
  starts_at: string;
  ends_at: string;
  expected_participants: number | null;
  participants: number | null;
  /** Stored status; upcoming/live/finished are derived from time unless cancelled. */
  cancelled: number;
  /** Personal data: who asked for the activity (点单人). */
  requester: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  /** 1 when the demo ticker published it. */
  demo: Generated<number>;
}

export const ACTIVITY_EVENT_KINDS = ['create', 'update', 'start', 'finish'] as const;
export type ActivityEventKind = (typeof ACTIVITY_EVENT_KINDS)[number];

export interface ActivityEventTable {
  /** Also the SSE event id. */
  id: Generated<number>;
  activity_id: number;
  kind: ActivityEventKind;
  /** `start:<id>` / `finish:<id>` for the clock's events; null otherwise. */
  dedupe_key: string | null;
  at: string;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  station_id: number | null;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie token: a leaked table does not leak live sessions. */
  token_hash: string;
  user_id: number;
  expires_at: string;
}

/** A request counter (plugins/rate-limits.ts): how many hits `key` has had in its current window. */
export interface RateLimitTable {
  /** `<group>|<who>`, e.g. `login|ip:203.0.113.7`, `scenario|user:12`. */
  key: string;
  /** ISO 8601 UTC, like every time here: the window's first hit, and when the window ends. */
  window_start: string;
  expires_at: string;
  count: number;
}

/** A planner's scenario (方案): moves, hypothetical sites and switched-off stations, never live data. */
export interface ScenarioTable {
  id: Generated<number>;
  name: string;
  owner_id: number;
  /** JSON `{add, move, remove}`, the body of POST /api/coverage/scenario without its parameters. */
  changes: string;
  /** Grows with every save; adoption names the version it confirmed. */
  version: Generated<number>;
  created_at: string;
  updated_at: string;
  adopted_at: string | null;
  adopted_by: number | null;
}

/** One state change: who (user id and name, kept if the user goes), what, on what, and when. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  username: string;
  /** `scenario.adopt`, `import.stations`, … */
  action: string;
  /** What it acted on: `scenario:12`, a file name. */
  subject: string;
  /** JSON with the specifics (counts, the changes applied). */
  detail: string;
}

/** Key/value facts about the data set, e.g. `demo_seed` when the demo generator wrote it. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  regions: RegionTable;
  stations: StationTable;
  teams: TeamTable;
  population_points: PopulationPointTable;
  activities: ActivityTable;
  activity_events: ActivityEventTable;
  users: UserTable;
  sessions: SessionTable;
  rate_limits: RateLimitTable;
  scenarios: ScenarioTable;
  audit_log: AuditLogTable;
  meta: MetaTable;
}

export type Region = Selectable<RegionTable>;
export type NewRegion = Insertable<RegionTable>;
export type Station = Selectable<StationTable>;
export type NewStation = Insertable<StationTable>;
export type StationUpdate = Updateable<StationTable>;
export type Team = Selectable<TeamTable>;
export type NewTeam = Insertable<TeamTable>;
export type PopulationPoint = Selectable<PopulationPointTable>;
export type NewPopulationPoint = Insertable<PopulationPointTable>;
export type Activity = Selectable<ActivityTable>;
export type NewActivity = Insertable<ActivityTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
