/**
 * Scenarios (方案): planners' saved what-ifs, listed, reopened, duplicated, evaluated and adopted. Only
 * planners and admins see them; only the owner or an admin edits or deletes one. Nothing here touches
 * the stations table but the adoption (db/scenarios.ts adoptScenario), an explicit action of its own.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import { TRAVEL_MODES } from '../geo/osm.js';
import type { CoverageParams } from '../network/coverage-service.js';
import { DEFAULT_COVERAGE_LEVELS } from '../network/coverage-cache.js';
import { minutesOverLimit } from '../network/limits.js';
import { scenarioAnswer } from '../network/scenario-answer.js';
import { requireRole } from '../plugins/auth.js';
import { badRequest, conflict, forbidden } from '../plugins/errors.js';
import {
  adoptScenario,
  adoptionPreview,
  checkContent,
  createScenario,
  deleteScenario,
  getScenario,
  listScenarios,
  refusal,
  updateScenario,
  type ScenarioRecord,
} from '../db/scenarios.js';
import { liveStations } from '../db/stations.js';
import { COLUMN_LENGTHS } from '../db/schema.js';
import { ScenarioResponse } from './coverage.schema.js';
import {
  AdoptScenarioBody,
  AdoptionPreview,
  AdoptionResult,
  CreateScenarioBody,
  DuplicateScenarioBody,
  Scenario,
  ScenarioList,
  UpdateScenarioBody,
} from './scenarios.schema.js';
import { CommaList, IdParams, StringEnum, TAGS, described, errorWhen, errors, sessionFor } from './schemas.js';

const ROLES = ['planner', 'admin'] as const;
const guarded = { onRequest: requireRole(...ROLES) };

const CoverageQuery = Type.Object(
  {
    minutes: Type.Optional(Type.Number({ minimum: 1, maximum: 60, description: 'budget in minutes (default 15)' })),
    mode: Type.Optional(StringEnum(TRAVEL_MODES)),
    levels: Type.Optional(CommaList(STATION_LEVELS, 'levels that count, default center,institute,station')),
    gaps: Type.Optional(
      Type.Boolean({ description: 'include gaps, gained, lost and uncovered (default true; false is faster)' }),
    ),
  },
  { additionalProperties: false },
);

const NotYours = errorWhen('FORBIDDEN: not logged in as a planner or admin, or (edits) neither the owner nor an admin');
const AdoptedOrStale = errorWhen('CONFLICT: the scenario is adopted (read-only), or was saved since the version given');

export const scenarioRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const now = () => new Date(app.clock()).toISOString();
  const actorOf = (request: FastifyRequest) => ({ id: request.user!.id, username: request.user!.username });

  /** The owner or an admin may change a scenario; other planners may read, duplicate and adopt it. */
  function assertMayEdit(request: FastifyRequest, scenario: ScenarioRecord) {
    const user = request.user!;
    if (user.role !== 'admin' && scenario.owner.id !== user.id)
      throw forbidden(
        `Scenario ${scenario.id} belongs to ${scenario.owner.username}; only they or an admin may change it`,
      );
  }

  const nameOf = (name: string, where: string) => {
    const trimmed = name.trim();
    if (!trimmed) throw badRequest(`${where}: must not be blank`);
    return trimmed;
  };

  app.get(
    '/scenarios',
    {
      ...guarded,
      schema: {
        summary: 'Every saved scenario, newest first (planner, admin)',
        tags: [TAGS.scenarios],
        operationId: 'listScenarios',
        ...sessionFor(ROLES),
        response: { 200: ScenarioList, ...errors(401, 403) },
      },
    },
    async () => ({ scenarios: await listScenarios(app.db) }),
  );

  app.post(
    '/scenarios',
    {
      ...guarded,
      schema: {
        summary: 'Save a new scenario; it never touches the stations (planner, admin)',
        tags: [TAGS.scenarios],
        operationId: 'createScenario',
        ...sessionFor(ROLES),
        body: CreateScenarioBody,
        response: { 201: described(Scenario, 'Saved'), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const name = nameOf(request.body.name, 'body.name');
      const content = await checkContent(app.db, request.body);
      const id = await createScenario(app.db, actorOf(request), name, content, now());
      return reply.status(201).send(await getScenario(app.db, id));
    },
  );

  app.get(
    '/scenarios/:id',
    {
      ...guarded,
      schema: {
        summary: 'One scenario with its changes (planner, admin)',
        tags: [TAGS.scenarios],
        operationId: 'getScenario',
        ...sessionFor(ROLES),
        params: IdParams,
        response: { 200: Scenario, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => getScenario(app.db, request.params.id),
  );

  app.patch(
    '/scenarios/:id',
    {
      ...guarded,
      schema: {
        summary: 'Rename or change a scenario, as its next version (owner or admin)',
        description:
          'Lists given replace the saved ones; lists left out are kept. With `version`, refused (409) if the ' +
          'scenario was saved since. Adopted scenarios are read-only.',
        tags: [TAGS.scenarios],
        operationId: 'updateScenario',
        ...sessionFor(ROLES),
        params: IdParams,
        body: UpdateScenarioBody,
        response: { 200: described(Scenario, 'Saved'), ...errors(400, 401, 404), 403: NotYours, 409: AdoptedOrStale },
      },
    },
    async (request) => {
      const id = request.params.id;
      const current = await getScenario(app.db, id);
      assertMayEdit(request, current);
      // Read-only once adopted, whatever the edit.
      if (current.adoptedAt) throw await refusal(app.db, id, undefined, 'edit');
      const b = request.body;
      const name = b.name === undefined ? undefined : nameOf(b.name, 'body.name');
      const changed = b.add !== undefined || b.move !== undefined || b.remove !== undefined;
      const content = changed
        ? await checkContent(app.db, {
            add: b.add ?? current.add,
            move: b.move ?? current.move,
            remove: b.remove ?? current.remove,
          })
        : undefined;
      await updateScenario(app.db, actorOf(request), id, { name, content, version: b.version }, now());
      return getScenario(app.db, id);
    },
  );

  app.delete(
    '/scenarios/:id',
    {
      ...guarded,
      schema: {
        summary: 'Delete a draft scenario (owner or admin); an adopted one is kept on record',
        tags: [TAGS.scenarios],
        operationId: 'deleteScenario',
        ...sessionFor(ROLES),
        params: IdParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errors(400, 401, 404),
          403: NotYours,
          409: errorWhen('CONFLICT: the scenario was adopted; it is kept on record'),
        },
      },
    },
    async (request, reply) => {
      const current = await getScenario(app.db, request.params.id);
      assertMayEdit(request, current);
      await deleteScenario(app.db, actorOf(request), current.id, now());
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/scenarios/:id/duplicate',
    {
      ...guarded,
      schema: {
        summary: 'Copy a scenario (adopted ones too) as a new draft of the caller’s',
        tags: [TAGS.scenarios],
        operationId: 'duplicateScenario',
        ...sessionFor(ROLES),
        params: IdParams,
        body: DuplicateScenarioBody,
        response: { 201: described(Scenario, 'The copy'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const source = await getScenario(app.db, request.params.id);
      const suffix = ' 副本';
      const name =
        request.body?.name !== undefined
          ? nameOf(request.body.name, 'body.name')
          : `${source.name.slice(0, COLUMN_LENGTHS['scenarios.name'] - suffix.length)}${suffix}`;
      const content = { add: source.add, move: source.move, remove: source.remove };
      const id = await createScenario(app.db, actorOf(request), name, content, now());
      return reply.status(201).send(await getScenario(app.db, id));
    },
  );

  app.get(
    '/scenarios/:id/coverage',
    {
      ...guarded,
      schema: {
        summary: 'Coverage with the scenario applied, against the saved stations (planner, admin)',
        description: 'Exactly the answer of POST /api/coverage/scenario for the scenario’s changes.',
        tags: [TAGS.scenarios],
        operationId: 'getScenarioCoverage',
        ...sessionFor(ROLES),
        params: IdParams,
        querystring: CoverageQuery,
        response: {
          200: ScenarioResponse,
          ...errors(400, 401, 403, 404),
          409: errorWhen(
            'NO_NETWORK: no street network is loaded; CONFLICT: the scenario was adopted (its changes are the ' +
              'saved stations now), or it names a station closed or deleted since',
          ),
          422: errorWhen('EXTENT_TOO_LARGE: the townships within the street network’s reach span more than 25,000 km²'),
        },
      },
    },
    async (request, reply) => {
      const scenario = await getScenario(app.db, request.params.id);
      const q = request.query;
      const params: CoverageParams = {
        minutes: q.minutes ?? 15,
        mode: q.mode ?? 'walk',
        levels: q.levels ? (q.levels.split(',') as StationLevel[]) : DEFAULT_COVERAGE_LEVELS,
      };
      const over = minutesOverLimit('minutes', params.minutes, params.mode);
      if (over) throw badRequest(`querystring.${over}`);
      if (scenario.adoptedAt)
        throw conflict(
          `Scenario ${scenario.id} was adopted at ${scenario.adoptedAt}: its changes are the saved stations now; ` +
            'duplicate it to compare again',
        );
      const named = [...scenario.move.map((m) => m.id), ...scenario.remove];
      if (named.length) {
        const live = new Set(
          (await liveStations(app.db).select('id').where('id', 'in', named).execute()).map((r) => r.id),
        );
        const gone = named.filter((s) => !live.has(s));
        if (gone.length)
          throw conflict(
            `Scenario ${scenario.id} names station${gone.length === 1 ? '' : 's'} ${gone.join(', ')}, ` +
              'closed or deleted since it was saved; edit the scenario first',
          );
      }
      const answer = await scenarioAnswer(app, params, scenario, q.gaps !== false, `scenario ${scenario.id}`);
      return reply.header('content-type', 'application/json; charset=utf-8').send(answer as never);
    },
  );

  app.get(
    '/scenarios/:id/adoption',
    {
      ...guarded,
      schema: {
        summary: 'What adopting the scenario would change, for the confirmation (planner, admin)',
        tags: [TAGS.scenarios],
        operationId: 'previewScenarioAdoption',
        ...sessionFor(ROLES),
        params: IdParams,
        response: {
          200: AdoptionPreview,
          ...errors(400, 401, 403, 404),
          409: errorWhen('CONFLICT: the scenario was adopted, or names a station closed or deleted since'),
        },
      },
    },
    async (request) => adoptionPreview(app.db, request.params.id),
  );

  app.post(
    '/scenarios/:id/adopt',
    {
      ...guarded,
      schema: {
        summary: 'Adopt a scenario: apply exactly its changes to the stations (planner, admin)',
        description:
          'One transaction: hypothetical sites become stations (each needs name, level, township, services and ' +
          'hours), moved stations move, switched-off stations are closed (kept on record, never deleted); ' +
          'an audit entry names every change. Send the version the confirmation showed.',
        tags: [TAGS.scenarios],
        operationId: 'adoptScenario',
        ...sessionFor(ROLES),
        params: IdParams,
        body: AdoptScenarioBody,
        response: {
          200: AdoptionResult,
          ...errors(400, 401, 403, 404),
          409: errorWhen(
            'CONFLICT: already adopted, saved since the version given, or a station it names was closed or deleted',
          ),
          422: errorWhen(
            'UNPROCESSABLE: sites lack what a station needs; the message names each (add[1]: missing hours)',
          ),
        },
      },
    },
    async (request) => {
      const id = request.params.id;
      const result = await adoptScenario(app.db, actorOf(request), id, request.body.version, now());
      return { ...result, scenario: await getScenario(app.db, id) };
    },
  );
};
