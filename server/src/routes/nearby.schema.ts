/** The nearest stations from a point, as the public view reads them. */
import { Type } from '@sinclair/typebox';
import { TRAVEL_MODES } from '../geo/osm.js';
import { Position, StringEnum } from './schemas.js';
import { StationFeature } from './stations.schema.js';

export const NearbyResult = Type.Object({
  station: StationFeature,
  /** Travel time: origin connector, network, station connector. */
  seconds: Type.Number({ description: 'travel time: origin connector, network, station connector' }),
  /** Distance travelled along the route, connectors included. */
  meters: Type.Number({ description: 'distance along the route, connectors included' }),
  openNow: Type.Unsafe<boolean | null>({
    type: ['boolean', 'null'],
    description: 'open at this moment (China time); null where the hours cannot be read',
  }),
  route: Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({ stationId: Type.Integer() }),
    geometry: Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position) }),
  }),
});

export const NearbyResponse = Type.Object(
  {
    origin: Type.Object({ lon: Type.Number(), lat: Type.Number(), snapDistanceM: Type.Number() }),
    mode: StringEnum(TRAVEL_MODES),
    method: Type.Literal('network'),
    results: Type.Array(NearbyResult),
  },
  { description: 'The nearest stations, soonest first, each with the route to walk' },
);
