/** The shapes of region answers, shared by the routes, the OpenAPI document and the client's types. */
import { Type, type Static } from '@sinclair/typebox';
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

/** What refers to a region (DELETE /api/regions/:code answers these in a 409). */
export const RegionDependents = Type.Object({
  children: Type.Integer({ description: 'villages and communities under a township; townships under the district' }),
  stations: Type.Integer({ description: 'stations in it' }),
  populationPoints: Type.Integer({ description: 'population points counted in it' }),
  activities: Type.Integer({ description: 'activities at those stations (they stay with their stations)' }),
});

/** What moved to another township because of a change of boundaries, and what no township contains. */
export const Relocated = Type.Object({
  stations: Type.Integer(),
  villages: Type.Integer(),
  populationPoints: Type.Integer(),
  removedVillages: Type.Integer(),
  removedPopulationPoints: Type.Integer(),
});

export const RegionDeleted = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    level: RegionLevelSchema,
    relocated: Relocated,
  },
  { description: 'Deleted; with force, what moved to the township that contains it, and what went' },
);

export const RegionInUse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'REGION_IN_USE' }),
      message: Type.String(),
      details: Type.Optional(
        Type.Object({
          dependents: RegionDependents,
          unplaced: Type.Array(
            Type.Object({ id: Type.Integer(), name: Type.String(), lon: Type.Number(), lat: Type.Number() }),
            { description: 'with force: the stations no other township contains, which must be moved first' },
          ),
        }),
      ),
    }),
  },
  {
    description:
      'REGION_IN_USE: stations, population points or villages refer to it (error.details counts them; ' +
      'force=true moves them), or with force a station lies in no other township (error.details.unplaced)',
  },
);

/** DELETE /api/regions/:code */
export type RegionDeletedBody = Static<typeof RegionDeleted>;
/** The 409 of DELETE /api/regions/:code */
export type RegionInUseBody = Static<typeof RegionInUse>;
export type RegionDependentsBody = Static<typeof RegionDependents>;
