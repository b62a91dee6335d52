/** What the client needs to draw the map, and the offline base map's layers. */
import { Type } from '@sinclair/typebox';
import { FeatureCollection, Geometry, Position } from './schemas.js';

const BBox = Type.Unsafe<[number, number, number, number]>({
  type: 'array',
  items: { type: 'number' },
  minItems: 4,
  maxItems: 4,
  description: '[minLon, minLat, maxLon, maxLat]',
});

export const AppConfig = Type.Object(
  {
    basemapStyle: Type.Union([Type.String(), Type.Null()], {
      description: 'an online MapLibre style URL (BASEMAP_STYLE), or null for the offline base map',
    }),
    demo: Type.Union([Type.Object({ seed: Type.Integer() }), Type.Null()]),
    district: Type.Union([
      Type.Object({ code: Type.String(), name: Type.String(), bbox: BBox, center: Position }),
      Type.Null(),
    ]),
    network: Type.Boolean({ description: 'whether a street network is loaded' }),
  },
  { description: 'What the client needs to draw the map' },
);

export const StreetsLayer = FeatureCollection(
  Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({
      class: Type.String({ description: 'motorway, primary, secondary, tertiary, minor, path, …' }),
      highway: Type.String(),
      name: Type.String(),
      ref: Type.String(),
      bridge: Type.Boolean(),
    }),
    geometry: Geometry,
  }),
);

export const WaterLayer = FeatureCollection(
  Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({
      kind: Type.String({ description: 'area, river, stream or canal' }),
      name: Type.String(),
    }),
    geometry: Geometry,
  }),
);
