/** The shapes of activity answers, shared by the routes, the OpenAPI document and the client's types. */
import { Type } from '@sinclair/typebox';
import { ACTIVITY_STATUSES } from '../live/activities.js';
import {
  Feature,
  FeatureCollection,
  NullableInteger,
  NullableString,
  PointGeometry,
  ServiceCategory,
  StationLevel,
  StringEnum,
} from './schemas.js';

export const ActivityProperties = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  category: ServiceCategory,
  stationId: Type.Integer(),
  stationName: Type.String(),
  stationLevel: StationLevel,
  regionCode: Type.String(),
  regionName: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  expectedParticipants: NullableInteger(),
  participants: NullableInteger(),
  status: StringEnum(ACTIVITY_STATUSES),
  atStation: Type.Boolean({ description: 'held at the station itself rather than somewhere else' }),
  demo: Type.Boolean(),
  requester: Type.Optional(NullableString({ description: 'who asked for it (点单人): logged-in roles only' })),
});
export const ActivityFeature = Feature(ActivityProperties, PointGeometry, {
  id: Type.Integer(),
  description: 'One activity',
});
export const ActivityCollection = FeatureCollection(ActivityFeature, { description: 'Activities as GeoJSON points' });
