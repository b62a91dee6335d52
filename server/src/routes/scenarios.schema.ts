/**
 * The shapes of the scenario routes (方案): a planner's named draft of hypothetical sites, moves and
 * switched-off stations, kept apart from the stations table, and the preview and answer of adopting it.
 * Shared by the routes, the OpenAPI document and the client's types (api-types.ts).
 */
import { Type } from '@sinclair/typebox';
import { SERVICE_CATEGORIES } from '../db/schema.js';
import {
  Id,
  Lat,
  Lon,
  NullableString,
  Position,
  RegionCode,
  ServiceCategory,
  StationLevel,
  Stored,
  StringEnum,
} from './schemas.js';

/** The most changes of each kind a scenario holds, as POST /api/coverage/scenario takes. */
export const SCENARIO_LIMITS = { add: 50, move: 50, remove: 500 } as const;

/** A hypothetical site; adoption makes it a station only with name, level, township, services and hours. */
export const ScenarioSite = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    level: Type.Optional(StationLevel),
    name: Type.Optional(Stored('stations.name')),
    regionCode: Type.Optional({
      ...RegionCode,
      description: 'its township (12-digit code); when absent, the township containing the point',
    }),
    services: Type.Optional(Type.Array(ServiceCategory, { maxItems: SERVICE_CATEGORIES.length, uniqueItems: true })),
    hours: Type.Optional(Stored('stations.hours', { description: 'OpenStreetMap opening_hours syntax' })),
    address: Type.Optional(Stored('stations.address')),
  },
  { additionalProperties: false },
);

export const ScenarioMove = Type.Object({ id: Id, lon: Lon, lat: Lat }, { additionalProperties: false });

const Changes = {
  add: Type.Optional(
    Type.Array(ScenarioSite, { maxItems: SCENARIO_LIMITS.add, description: 'hypothetical sites (拟建站点)' }),
  ),
  move: Type.Optional(
    Type.Array(ScenarioMove, { maxItems: SCENARIO_LIMITS.move, description: 'live stations moved to a new point' }),
  ),
  remove: Type.Optional(
    Type.Array(Id, {
      maxItems: SCENARIO_LIMITS.remove,
      description: 'live stations switched off (closed on adoption, never deleted)',
    }),
  ),
};

export const CreateScenarioBody = Type.Object(
  { name: Stored('scenarios.name'), ...Changes },
  { additionalProperties: false },
);

export const UpdateScenarioBody = Type.Object(
  {
    name: Type.Optional(Stored('scenarios.name')),
    ...Changes,
    version: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483_647,
        description: 'the version this edit was made on: 409 if the scenario has been saved since',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DuplicateScenarioBody = Type.Object(
  { name: Type.Optional(Stored('scenarios.name', { description: 'default "<name> 副本"' })) },
  { additionalProperties: false },
);

export const AdoptScenarioBody = Type.Object(
  {
    version: Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      description: 'the version the confirmation showed (GET /api/scenarios/:id/adoption)',
    }),
  },
  { additionalProperties: false },
);

export const ScenarioUser = Type.Object({ id: Type.Integer(), username: Type.String() });

const Head = {
  id: Type.Integer(),
  name: Type.String(),
  owner: ScenarioUser,
  version: Type.Integer({ description: 'grows with every save' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  adoptedAt: NullableString({ description: 'when it was adopted; adopted scenarios are read-only' }),
  // One schema that admits null, not a union: the serializer would test every branch of an anyOf.
  adoptedBy: Type.Unsafe<{ id: number; username: string } | null>({
    ...ScenarioUser,
    type: ['object', 'null'],
    description: 'who adopted it',
  }),
};

export const Scenario = Type.Object(
  {
    ...Head,
    add: Type.Array(ScenarioSite),
    move: Type.Array(ScenarioMove),
    remove: Type.Array(Type.Integer()),
  },
  { description: 'A saved scenario with its changes' },
);

export const ScenarioListItem = Type.Object({
  ...Head,
  counts: Type.Object({ add: Type.Integer(), move: Type.Integer(), remove: Type.Integer() }),
});

export const ScenarioList = Type.Object(
  { scenarios: Type.Array(ScenarioListItem) },
  { description: 'Every saved scenario, newest first, without its changes' },
);

export const SITE_FIELDS = ['name', 'level', 'regionCode', 'services', 'hours'] as const;

export const AdoptionChange = Type.Object({
  kind: StringEnum(['add', 'move', 'remove'] as const),
  index: Type.Optional(Type.Integer({ description: 'add: the site’s place in `add`' })),
  stationId: Type.Optional(Type.Integer({ description: 'move, remove: the station' })),
  name: Type.String({ description: 'the station’s or site’s name ("" when the site has none)' }),
  level: StationLevel,
  regionCode: NullableString({ description: 'the township it is (or will be) in; null when none is known' }),
  regionName: NullableString(),
  from: Type.Optional({ ...Position, description: 'move: where the station is now' }),
  to: Type.Optional({ ...Position, description: 'add, move: where it will be' }),
  missing: Type.Array(StringEnum(SITE_FIELDS), {
    description: 'add: what the site lacks to become a station (empty when complete)',
  }),
});

export const AdoptionPreview = Type.Object(
  {
    version: Type.Integer({ description: 'send it back to POST /api/scenarios/:id/adopt' }),
    ready: Type.Boolean({ description: 'every site complete: adoption would be accepted now' }),
    changes: Type.Array(AdoptionChange),
  },
  { description: 'Every change adoption would make, for the confirmation' },
);

export const AdoptionResult = Type.Object(
  {
    created: Type.Array(Type.Integer(), { description: 'ids of the new stations, in the order of `add`' }),
    moved: Type.Array(Type.Integer()),
    closed: Type.Array(Type.Integer()),
    scenario: Scenario,
  },
  { description: 'Adopted: the stations created, moved and closed' },
);
