/** The shapes of coverage and siting answers, shared by the routes, the OpenAPI document and the client's types. */
import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { TRAVEL_MODES } from '../geo/osm.js';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import {
  FeatureCollection,
  NullableString,
  PointGeometry,
  Position,
  StationLevel as StationLevelSchema,
  StringEnum,
} from './schemas.js';

export const Totals = Type.Object({
  population: Type.Integer(),
  coveredPopulation: Type.Integer(),
  unreachablePopulation: Type.Integer({ description: 'people farther than 500 m from every street' }),
  areaM2: Type.Number(),
  coveredAreaM2: Type.Number(),
  stations: Type.Integer(),
  stationsFarFromStreets: Type.Integer(),
});

export const CoverageRegionRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  population: Type.Integer(),
  coveredPopulation: Type.Integer(),
  unreachablePopulation: Type.Integer(),
  areaM2: Type.Number(),
  coveredAreaM2: Type.Number(),
  stations: Type.Integer(),
  stationsByLevel: Type.Object(
    Object.fromEntries(STATION_LEVELS.map((l) => [l, Type.Integer()])) as Record<StationLevel, TInteger>,
  ),
});

const Summary = {
  minutes: Type.Number(),
  mode: StringEnum(TRAVEL_MODES),
  levels: Type.Array(StationLevelSchema),
  method: Type.Literal('network'),
  totals: Totals,
  regions: Type.Array(CoverageRegionRow),
};
export const CoverageResponse = Type.Object(Summary, { description: 'Coverage per township and in total' });

/** Polygons of a township's area outside every service area, largest first. */
export const GapCollection = FeatureCollection(
  Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({ region: Type.String(), regionName: Type.String(), areaM2: Type.Number() }),
    geometry: Type.Object({
      type: Type.Literal('Polygon'),
      coordinates: Type.Unsafe<[number, number][][]>({ description: 'rings of [lon, lat]' }),
    }),
  }),
);

/** Population points outside every service area, most people first. */
export const UncoveredCollection = FeatureCollection(
  Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      kind: StringEnum(['community', 'village'] as const),
      population: Type.Integer(),
      region: NullableString(),
      unreachable: Type.Boolean({ description: 'farther than 500 m from every street' }),
      minutes: Type.Unsafe<number | null>({ type: ['number', 'null'], description: 'to the nearest station' }),
    }),
    geometry: PointGeometry,
  }),
);

export const GapsResponse = Type.Object(
  {
    minutes: Type.Number(),
    mode: StringEnum(TRAVEL_MODES),
    region: NullableString(),
    gaps: GapCollection,
    uncovered: UncoveredCollection,
  },
  { description: 'Gap polygons and uncovered population points' },
);

export const PartitionCollection = FeatureCollection(
  Type.Object({
    type: Type.Literal('Feature'),
    properties: Type.Object({
      stationId: Type.Integer(),
      minutes: Type.Number({ description: 'from the nearer end of the street to the station' }),
    }),
    geometry: Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position) }),
  }),
);

/** A population point covered in one state and not in the other. */
export const ChangedVillage = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: StringEnum(['community', 'village'] as const),
  population: Type.Integer(),
  region: NullableString(),
  before: StringEnum(['covered', 'uncovered'] as const),
  after: StringEnum(['covered', 'uncovered'] as const),
  minutesBefore: Type.Unsafe<number | null>({
    type: ['number', 'null'],
    description: 'to the nearest counted station in the saved state; null beyond the search (the budget)',
  }),
  minutesAfter: Type.Unsafe<number | null>({ type: ['number', 'null'], description: 'the same with the scenario' }),
});

export const ScenarioResponse = Type.Object(
  {
    ...Summary,
    base: Totals,
    delta: Type.Object({
      coveredPopulation: Type.Integer(),
      coveredAreaM2: Type.Number(),
      regions: Type.Array(Type.Object({ code: Type.String(), coveredPopulation: Type.Integer() })),
    }),
    // One schema that admits null, not a union: the serializer would test every branch of an anyOf.
    gaps: Type.Unsafe<Static<typeof GapCollection> | null>({
      ...GapCollection,
      type: ['object', 'null'],
      description: 'the gap polygons with the scenario applied; null when asked with gaps=false',
    }),
    gained: Type.Unsafe<Static<typeof GapCollection> | null>({
      ...GapCollection,
      type: ['object', 'null'],
      description:
        'areas covered with the scenario and not before, per township, largest first (contoured on the 25 m ' +
        'coverage grid; pieces under two cells, 1,250 m², are left out); null when asked with gaps=false',
    }),
    lost: Type.Unsafe<Static<typeof GapCollection> | null>({
      ...GapCollection,
      type: ['object', 'null'],
      description: 'areas covered before and not with the scenario, as `gained`; null when asked with gaps=false',
    }),
    uncovered: Type.Unsafe<Static<typeof UncoveredCollection> | null>({
      ...UncoveredCollection,
      type: ['object', 'null'],
      description: 'population points uncovered with the scenario applied; null when asked with gaps=false',
    }),
    villages: Type.Array(ChangedVillage, {
      description: 'population points whose status changes with the scenario, most people first',
    }),
  },
  { description: 'Coverage with the scenario applied, the saved totals, and the difference' },
);

export const SuggestionsResponse = Type.Object(
  {
    minutes: Type.Number(),
    mode: StringEnum(TRAVEL_MODES),
    candidates: Type.Integer(),
    baseCoveredPopulation: Type.Integer(),
    suggestions: Type.Array(
      Type.Object({
        rank: Type.Integer(),
        lon: Type.Number(),
        lat: Type.Number(),
        source: StringEnum(['gap-grid', 'population', 'planner'] as const),
        newlyCovered: Type.Integer({ description: 'people this site covers that no station (or earlier site) does' }),
        runningTotal: Type.Integer(),
        places: Type.Array(Type.String()),
      }),
    ),
  },
  { description: 'New sites in the order a greedy maximal covering picks them' },
);
