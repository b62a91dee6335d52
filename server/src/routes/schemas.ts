/** TypeBox schemas shared by routes: GeoJSON shapes, errors, and common query fields. */
import { Type, type TSchema } from '@sinclair/typebox';
import { SERVICE_CATEGORIES, STATION_LEVELS } from '../db/schema.js';

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    /** For a rejected import: each invalid row and why. */
    details: Type.Optional(Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() }))),
  }),
});

export const Geometry = Type.Object({
  type: Type.String(),
  coordinates: Type.Unknown(),
});

export const PointGeometry = Type.Object({
  type: Type.Literal('Point'),
  coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
});

export function Feature<P extends TSchema, G extends TSchema>(properties: P, geometry: G) {
  return Type.Object({
    type: Type.Literal('Feature'),
    id: Type.Optional(Type.Unsafe<number | string>({ type: ['integer', 'string'] })),
    properties,
    geometry,
  });
}

export function FeatureCollection<F extends TSchema>(feature: F) {
  return Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(feature) });
}

/**
 * A string from a fixed list, as a plain `enum` rather than a union of literals: the serializer
 * (fast-json-stringify) writes an enum directly but validates every `anyOf` branch at run time.
 */
export function StringEnum<T extends string>(values: readonly T[], options: { description?: string } = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** `T | null` as `type: [T, "null"]`, for the same reason. */
export function NullableString(options: { pattern?: string } = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}
export function NullableInteger() {
  return Type.Unsafe<number | null>({ type: ['integer', 'null'] });
}

/** A comma-separated list of values from a fixed set, e.g. `center,institute`. */
export function CommaList(values: readonly string[], description: string) {
  const one = values.join('|');
  return Type.String({ pattern: `^(${one})(,(${one}))*$`, description });
}

/** A time bound in a query string; `parseTimeQuery` reads it. */
export const TimeQuery = (description: string) =>
  Type.String({
    maxLength: 40,
    description: `${description}: ISO 8601 date-time with zone, or a date (China time midnight)`,
  });

export const StationLevel = StringEnum(STATION_LEVELS);
export const ServiceCategory = StringEnum(SERVICE_CATEGORIES);
export const RegionCode = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit statistics code' });

/** `minLon,minLat,maxLon,maxLat` */
export const BBoxQuery = Type.String({
  pattern: '^-?[0-9]+(\\.[0-9]+)?(,-?[0-9]+(\\.[0-9]+)?){3}$',
  description: 'minLon,minLat,maxLon,maxLat (WGS-84)',
});

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
} as const;
