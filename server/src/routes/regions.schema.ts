/** The shapes of region answers, shared by the routes, the OpenAPI document and the client's types. */
import { Type } from '@sinclair/typebox';
import { REGION_KINDS, REGION_LEVELS } from '../db/schema.js';
import { Feature, FeatureCollection, Geometry, NullableString, StringEnum } from './schemas.js';

export const RegionLevelSchema = StringEnum(REGION_LEVELS);
export const RegionProperties = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: RegionLevelSchema,
  kind: StringEnum(REGION_KINDS),
  parentCode: NullableString(),
  population: Type.Integer(),
  labelLon: Type.Number(),
  labelLat: Type.Number(),
  stations: Type.Integer(),
});
export const RegionFeature = Feature(RegionProperties, Geometry, {
  id: Type.String({ description: 'the region code' }),
});
export const RegionCollection = FeatureCollection(RegionFeature, {
  description: 'Township and district polygons; villages and communities as label points',
});
