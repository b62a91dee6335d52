/** The shapes of service-area answers, shared by the routes, the OpenAPI document and the client's types. */
import { Type } from '@sinclair/typebox';
import { TRAVEL_MODES } from '../geo/osm.js';
import { StationLevel, StringEnum } from './schemas.js';

const BandProperties = {
  minutes: Type.Number(),
  mode: StringEnum(TRAVEL_MODES),
  method: StringEnum(['network', 'euclidean'] as const, {
    description: 'euclidean: a plain circle, where no street network is loaded',
  }),
  areaM2: Type.Number(),
  snapDistanceM: Type.Unsafe<number | null>({ type: ['number', 'null'] }),
};
/** Written by JSON.stringify rather than per number: a service area has thousands of vertices. */
const MultiPolygon = Type.Object({
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Unsafe<number[][][][]>({ description: 'polygons of rings of [lon, lat]' }),
});

export const Band = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object(BandProperties),
  geometry: MultiPolygon,
});
export const BandCollection = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(Band) },
  { description: 'One MultiPolygon per band, the largest budget first' },
);

/** Every station's area for the map layer: one band each, labelled with its station. */
export const StationBandCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      properties: Type.Object({ ...BandProperties, stationId: Type.Integer(), level: StationLevel }),
      geometry: MultiPolygon,
    }),
  ),
});
