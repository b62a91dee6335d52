/** The shapes of station answers, shared by the routes, the OpenAPI document and the client's types. */
import { Type } from '@sinclair/typebox';
import {
  Feature,
  FeatureCollection,
  NullableString,
  PointGeometry,
  ServiceCategory,
  StationLevel as StationLevelSchema,
} from './schemas.js';

export const StationProperties = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  level: StationLevelSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
  villageCode: NullableString(),
  villageName: NullableString(),
  address: Type.String(),
  hours: Type.String({ description: 'OpenStreetMap opening_hours syntax' }),
  services: Type.Array(ServiceCategory),
  /** Personal data: present only for logged-in roles. */
  contactName: Type.Optional(Type.String({ description: 'logged-in roles only' })),
  contactPhone: Type.Optional(Type.String({ description: 'logged-in roles only' })),
});
export const StationFeature = Feature(StationProperties, PointGeometry, { id: Type.Integer() });
export const StationCollection = FeatureCollection(StationFeature, {
  description: 'Stations as GeoJSON points (contacts only for logged-in roles)',
});

export const StationDetailProperties = Type.Composite([
  StationProperties,
  Type.Object({
    description: Type.String(),
    teams: Type.Array(
      Type.Object({ id: Type.Integer(), name: Type.String(), category: ServiceCategory, members: Type.Integer() }),
    ),
    volunteers: Type.Integer(),
    activitiesLast90Days: Type.Integer(),
    updatedAt: Type.String(),
  }),
]);
export const StationDetail = Feature(StationDetailProperties, PointGeometry, {
  id: Type.Integer(),
  description: 'One station with its teams and its activity in the last 90 days',
});
