/**
 * TypeBox schemas shared by routes: GeoJSON shapes, error answers by status, the session security
 * requirement, the document's tags, and the input vocabulary (ids, coordinates, stored text, query
 * fields). Types only from outside TypeBox: the client type-checks this module (through the
 * `*.schema.ts` modules and api-types.ts).
 *
 * Input rules every request field follows (tests/api/validation-schemas.test.ts checks the document):
 * every number has a minimum and a maximum; every integer fits PostgreSQL's `integer`; every string
 * has a maxLength, and text the route stores is `Stored(column)`. plugins/input-rules.ts adds what a
 * schema cannot say: no coercion in JSON bodies, numbers in query strings and paths written as finite
 * decimals, and no NUL character anywhere.
 */
import { Type, type StringOptions, type TSchema } from '@sinclair/typebox';
import { COLUMN_LENGTHS, SERVICE_CATEGORIES, STATION_LEVELS, type Role, type StoredColumn } from '../db/schema.js';

const ErrorFields = {
  code: Type.String({ description: 'BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, NO_NETWORK, …' }),
  message: Type.String({ description: 'what was wrong, naming the field or the value' }),
};

/** The body of every error answer: `{"error": {"code", "message"}}`, and for a rejected import its rows. */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    ...ErrorFields,
    details: Type.Optional(
      Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() }), {
        description: 'a rejected import: each invalid row and why',
      }),
    ),
  }),
});

const ERROR_DESCRIPTIONS = {
  400: 'BAD_REQUEST: invalid input; the message names the field (`querystring.bbox: …`)',
  401: 'UNAUTHORIZED: not logged in (no session cookie, or it expired)',
  403: 'FORBIDDEN: logged in, but this role may not do this',
  404: 'NOT_FOUND: nothing with this id',
  409: 'CONFLICT: the current state does not allow it',
  413: 'PAYLOAD_TOO_LARGE: the body is over the limit',
  415: 'UNSUPPORTED_MEDIA_TYPE: a Content-Type this route does not read',
  422: 'UNPROCESSABLE: well-formed, but it cannot be answered',
  429: 'TOO_MANY_REQUESTS: wait a minute and try again',
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** An error answer documented with when it happens. */
export const errorWhen = (description: string) => Type.Object({ error: Type.Object(ErrorFields) }, { description });

/** The error answers a route really gives, each with the general reason for its status. */
export function errors<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((s) => [s, errorWhen(ERROR_DESCRIPTIONS[s])])) as Record<
    S,
    ReturnType<typeof errorWhen>
  >;
}

/** 409 from every route that needs the street network when none is loaded. */
export const NoNetworkError = errorWhen('NO_NETWORK: no street network is loaded (import OSM data or the demo)');
/** 422 from routes that start at a point too far from every street to walk from. */
export const TooFarFromStreetError = errorWhen('TOO_FAR_FROM_STREET: the point is farther than 500 m from any street');

/**
 * The security requirement of every route that checks a role: the `pm_session` cookie that
 * `POST /api/auth/login` sets. The scheme itself is declared in plugins/openapi.ts.
 */
export const SESSION_SECURITY = [{ session: [] as string[] }];

/**
 * The document's part of a role-checked route (its `requireRole` hook does the checking): the session
 * requirement, and the roles that may call it as the `x-roles` extension.
 */
export function sessionFor(roles: readonly Role[]) {
  return { security: SESSION_SECURITY, 'x-roles': [...roles] };
}

/** The document's tags, one per resource; plugins/openapi.ts lists them with these descriptions. */
export const TAGS = {
  stations: 'Stations',
  regions: 'Regions',
  serviceAreas: 'Service areas',
  coverage: 'Coverage & siting',
  scenarios: 'Scenarios',
  imports: 'Imports',
  activities: 'Activities',
  statistics: 'Heatmap & stats',
  auth: 'Auth',
  system: 'Health & config',
  basemap: 'Basemap',
} as const;

export const TAG_DESCRIPTIONS: Record<keyof typeof TAGS, string> = {
  stations: 'The practice centre, institutes, stations and points: public reads, planners write',
  regions: 'District, township and village boundaries and label points',
  serviceAreas: 'Walking (or riding) service areas on the street network, and the nearest stations from a point',
  coverage: 'Who is inside a 15-minute service circle, the gaps, what-if scenarios and new-site suggestions',
  scenarios: 'Planners’ saved scenarios (方案): drafts apart from the stations, evaluated, compared and adopted',
  imports: 'Planners upload stations, regions and population as CSV, XLSX or GeoJSON',
  activities: 'Activities at the stations: list, publish, update, and the live stream',
  statistics: 'Aggregates for the big screen: activity heatmaps and headline figures',
  auth: 'Session login and logout (an httpOnly cookie)',
  system: 'Liveness, what the client needs to start, and this document',
  basemap: 'The offline base map drawn from the loaded street network',
};

/** `[lon, lat]` in WGS-84. */
export const Position = Type.Unsafe<[number, number]>({
  type: 'array',
  items: { type: 'number' },
  minItems: 2,
  maxItems: 2,
  description: '[lon, lat] (WGS-84)',
});

export const Geometry = Type.Object({
  type: Type.String(),
  coordinates: Type.Unknown(),
});

export const PointGeometry = Type.Object({
  type: Type.Literal('Point'),
  coordinates: Position,
});

export const LineStringGeometry = Type.Object({
  type: Type.Literal('LineString'),
  coordinates: Type.Array(Position),
});

export const PolygonGeometry = Type.Object({
  type: Type.Literal('Polygon'),
  coordinates: Type.Array(Type.Array(Position)),
});

const AnyFeatureId = Type.Optional(Type.Unsafe<number | string>({ type: ['integer', 'string'] }));

/** A GeoJSON Feature; `id` is optional (an integer or a string) unless the route names its type. */
export function Feature<P extends TSchema, G extends TSchema, I extends TSchema = typeof AnyFeatureId>(
  properties: P,
  geometry: G,
  options: { description?: string; id?: I } = {},
) {
  return Type.Object(
    {
      type: Type.Literal('Feature'),
      id: (options.id ?? AnyFeatureId) as I,
      properties,
      geometry,
    },
    options.description ? { description: options.description } : {},
  );
}

/** The same schema with the description its answer has on this route (the document shows it per status). */
export const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

export function FeatureCollection<F extends TSchema>(feature: F, options: { description?: string } = {}) {
  return Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(feature) }, options);
}

/**
 * A 200 answer whose body is not plain JSON (GeoJSON, CSV, XLSX, an event stream): documented by
 * media type. Handlers send these bodies as strings or Buffers, which the serializer passes through
 * untouched whatever the schema; an object sent instead would be serialized by the schema of its type.
 */
export function mediaResponse<T extends TSchema>(description: string, content: Record<string, T>) {
  return {
    description,
    content: Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }])) as Record<
      string,
      { schema: T }
    >,
  };
}

/** The media type of GeoJSON files (RFC 7946). */
export const GEOJSON = 'application/geo+json';

/**
 * A string from a fixed list, as a plain `enum` rather than a union of literals: the serializer
 * (fast-json-stringify) writes an enum directly but validates every `anyOf` branch at run time.
 */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** `T | null` as `type: [T, "null"]`, for the same reason. */
export function NullableString(options: { pattern?: string; description?: string } = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}
export function NullableInteger() {
  return Type.Unsafe<number | null>({ type: ['integer', 'null'] });
}

/** A comma-separated list of values from a fixed set, e.g. `center,institute`, no longer than all of them once. */
export function CommaList(values: readonly string[], description: string) {
  const one = values.join('|');
  return Type.String({ pattern: `^(${one})(,(${one}))*$`, maxLength: values.join(',').length, description });
}

/** A time bound in a query string; `parseTimeQuery` reads it. */
export const TimeQuery = (description: string) =>
  Type.String({
    maxLength: 40,
    description: `${description}: ISO 8601 date-time with zone, or a date (China time midnight)`,
  });

export const StationLevel = StringEnum(STATION_LEVELS);
export const ServiceCategory = StringEnum(SERVICE_CATEGORIES);
export const RegionCode = Type.String({
  pattern: '^[0-9]{12}$',
  maxLength: 12,
  description: '12-digit statistics code',
});

/** `minLon,minLat,maxLon,maxLat` */
export const BBoxQuery = Type.String({
  pattern: '^-?[0-9]+(\\.[0-9]+)?(,-?[0-9]+(\\.[0-9]+)?){3}$',
  maxLength: 100,
  description: 'minLon,minLat,maxLon,maxLat (WGS-84)',
});

/**
 * The largest id: PostgreSQL's `integer` ends at 2^31 − 1 (SQLite's would go on to 2^63), so a larger
 * id is refused as input on both databases instead of failing on one.
 */
export const MAX_ID = 2_147_483_647;

/** A row id: 1 to 2^31 − 1; in a path or query string written in decimal digits without leading zeros. */
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'an id (1 to 2147483647)' });
/** `/…/:id` */
export const IdParams = Type.Object({ id: Id });

export const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'longitude (WGS-84)' });
export const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'latitude (WGS-84)' });

/**
 * Text a route writes to `column` (`table.column`): at most the column's length (db/schema.ts), so
 * PostgreSQL never refuses what SQLite would keep. The column is named in the document as `x-column`.
 */
export function Stored(column: StoredColumn, options: StringOptions = {}) {
  return Type.String({ ...options, maxLength: COLUMN_LENGTHS[column], 'x-column': column });
}
