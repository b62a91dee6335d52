/** The heatmap answer, shared by the route, the OpenAPI document and the client's types. */
import { Type } from '@sinclair/typebox';
import { StringEnum } from './schemas.js';

export const HEAT_SOURCES = ['activities', 'uncovered'] as const;

export const HeatmapResponse = Type.Object(
  {
    source: StringEnum(HEAT_SOURCES),
    weight: Type.String({ description: 'participants, count, or population (source=uncovered)' }),
    from: Type.Union([Type.String(), Type.Null()]),
    to: Type.Union([Type.String(), Type.Null()]),
    cellM: Type.Integer(),
    buckets: Type.Array(Type.Object({ start: Type.String(), end: Type.String() })),
    /** [lon, lat, bucket index, weight] of each non-empty cell: compact for 100,000 activities. */
    points: Type.Unsafe<[number, number, number, number][]>({
      type: 'array',
      items: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
      description: '[lon, lat, bucket index, weight] of each non-empty grid cell',
    }),
    maxWeight: Type.Number(),
    total: Type.Number(),
    /** How many activities (or population points) went in. */
    items: Type.Integer({ description: 'how many activities (or population points) went in' }),
  },
  { description: 'Weights summed on a grid, one grid per bucket' },
);
