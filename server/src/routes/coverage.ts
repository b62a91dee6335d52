/**
 * Coverage, gaps, the service partition, what-if scenarios and new-site suggestions. The coverage
 * figures, gaps and partition are public; the what-if, the suggestions (seconds of work each) and the
 * downloads need a planner or admin login.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TRAVEL_MODES } from '../geo/osm.js';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import type { CoverageParams } from '../network/coverage-service.js';
import { DEFAULT_COVERAGE_LEVELS } from '../network/coverage-cache.js';
import { scenarioAnswer } from '../network/scenario-answer.js';
import { coverageTableCsv, coverageTableXlsx, uncoveredCsv, uncoveredRows } from '../network/coverage-export.js';
import { MAX_MINUTES, minutesOverLimit } from '../network/limits.js';
import { badRequest } from '../plugins/errors.js';
import { requireRole } from '../plugins/auth.js';
import {
  CommaList,
  GEOJSON,
  Id,
  NoNetworkError,
  RegionCode,
  StationLevel as StationLevelSchema,
  StringEnum,
  TAGS,
  errorWhen,
  errors,
  mediaResponse,
  sessionFor,
} from './schemas.js';
import {
  CoverageResponse,
  GapCollection,
  GapsResponse,
  PartitionCollection,
  ScenarioResponse,
  SuggestionsResponse,
} from './coverage.schema.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/**
 * The answers of every route here: bad input, no street network to compute on, or (never on sound
 * data) a grid larger than coverage computes, even clipped to where the streets reach.
 */
const coverageErrors = {
  ...errors(400),
  409: NoNetworkError,
  422: errorWhen('EXTENT_TOO_LARGE: the townships within the street network’s reach span more than 25,000 km²'),
};

/** The computing and downloading routes: a planner's or an admin's session, checked before any work. */
const PLANNERS = ['planner', 'admin'] as const;
const planners = { onRequest: requireRole(...PLANNERS) };
const plannerErrors = { ...coverageErrors, ...errors(401, 403) };

const LevelList = CommaList(STATION_LEVELS, 'levels that count, default center,institute,station');
const Common = {
  minutes: Type.Optional(Type.Number({ minimum: 1, maximum: 60, description: 'budget in minutes (default 15)' })),
  mode: Type.Optional(StringEnum(TRAVEL_MODES)),
  levels: Type.Optional(LevelList),
};
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The parameters, within the limits of their mode (`where` is querystring or body, for the message). */
  const paramsOf = (
    q: {
      minutes?: number;
      mode?: (typeof TRAVEL_MODES)[number];
      levels?: string;
    },
    where: 'querystring' | 'body' = 'querystring',
  ): CoverageParams => {
    const params: CoverageParams = {
      minutes: q.minutes ?? 15,
      mode: q.mode ?? 'walk',
      levels: q.levels ? (q.levels.split(',') as StationLevel[]) : DEFAULT_COVERAGE_LEVELS,
    };
    const over = minutesOverLimit('minutes', params.minutes, params.mode);
    if (over) throw badRequest(`${where}.${over}`);
    return params;
  };

  const saved = (params: CoverageParams) => app.coverage.saved(params);

  /**
   * The uncovered places for these parameters, ranked, with their minutes from a run of the same
   * stations at the mode's longest budget (cached like any run) and their village codes.
   */
  const uncoveredOf = async (params: CoverageParams) => {
    const run = await saved(params);
    const far =
      params.minutes >= MAX_MINUTES[params.mode] ? run : await saved({ ...params, minutes: MAX_MINUTES[params.mode] });
    const codes = await app.db.selectFrom('population_points').select(['id', 'region_code']).execute();
    return uncoveredRows(run, far, new Map(codes.map((c) => [c.id, c.region_code])));
  };
  const json = 'application/json; charset=utf-8';

  app.get(
    '/coverage',
    {
      schema: {
        summary: 'Population and area coverage per township and in total',
        tags: [TAGS.coverage],
        operationId: 'getCoverage',
        querystring: Type.Object(Common, { additionalProperties: false }),
        response: { 200: CoverageResponse, ...coverageErrors },
      },
    },
    async (request) => app.coverage.summary(await saved(paramsOf(request.query))),
  );

  app.get(
    '/coverage/gaps',
    {
      schema: {
        summary:
          'Gap polygons (in the township, outside every service area) and uncovered population points, largest first',
        tags: [TAGS.coverage],
        operationId: 'getCoverageGaps',
        querystring: Type.Object({ ...Common, region: Type.Optional(RegionCode) }, { additionalProperties: false }),
        response: { 200: GapsResponse, ...coverageErrors },
      },
    },
    async (request, reply) => {
      const run = await saved(paramsOf(request.query));
      const region = request.query.region ?? null;
      if (region && !run.data.townships.some((t) => t.code === region))
        throw badRequest(`querystring.region: no township with code ${region}`);
      const { gaps, uncovered } = await app.coverage.gaps(run, region);
      const head = JSON.stringify({ minutes: run.params.minutes, mode: run.params.mode, region }).slice(0, -1);
      return reply
        .header('content-type', json)
        .send(
          Buffer.concat([
            Buffer.from(`${head},"gaps":`),
            gaps,
            Buffer.from(',"uncovered":'),
            uncovered,
            Buffer.from('}'),
          ]) as never,
        );
    },
  );

  app.get(
    '/coverage/gaps.geojson',
    {
      ...planners,
      schema: {
        summary: 'Gap polygons as a GeoJSON file to download (planner, admin)',
        tags: [TAGS.coverage],
        operationId: 'downloadCoverageGaps',
        ...sessionFor(PLANNERS),
        querystring: Type.Object({ ...Common, region: Type.Optional(RegionCode) }, { additionalProperties: false }),
        response: {
          200: mediaResponse('gaps-<minutes>min.geojson (Content-Disposition: attachment)', {
            [GEOJSON]: GapCollection,
          }),
          ...plannerErrors,
        },
      },
    },
    async (request, reply) => {
      const run = await saved(paramsOf(request.query));
      const region = request.query.region ?? null;
      if (region && !run.data.townships.some((t) => t.code === region))
        throw badRequest(`querystring.region: no township with code ${region}`);
      const { gaps } = await app.coverage.gaps(run, region);
      return reply
        .header('content-type', 'application/geo+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="gaps-${run.params.minutes}min.geojson"`)
        .send(gaps as never);
    },
  );

  app.get(
    '/coverage/partition',
    {
      schema: {
        summary: 'Streets served, each with its nearest station (the service partition)',
        tags: [TAGS.coverage],
        operationId: 'getCoveragePartition',
        querystring: Type.Object(Common, { additionalProperties: false }),
        response: {
          200: mediaResponse('One line per street reached, labelled with its nearest station', {
            [GEOJSON]: PartitionCollection,
          }),
          ...coverageErrors,
        },
      },
    },
    async (request, reply) => {
      const run = await saved(paramsOf(request.query));
      return reply
        .header('content-type', 'application/geo+json; charset=utf-8')
        .send((await app.coverage.partition(run)) as never);
    },
  );

  app.get(
    '/coverage/export',
    {
      ...planners,
      schema: {
        summary: 'The coverage table as CSV, or as XLSX with the uncovered villages as a second sheet (planner, admin)',
        tags: [TAGS.coverage],
        operationId: 'exportCoverage',
        ...sessionFor(PLANNERS),
        querystring: Type.Object(
          { ...Common, format: Type.Optional(StringEnum(['csv', 'xlsx'] as const)) },
          { additionalProperties: false },
        ),
        response: {
          200: mediaResponse('coverage-<minutes>min.csv or .xlsx (Content-Disposition: attachment)', {
            'text/csv': Type.String({
              description: 'UTF-8 with a BOM, the header row first, one row per township and a total row; codes quoted',
            }),
            [XLSX]: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
          }),
          ...plannerErrors,
        },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request.query);
      const run = await saved(params);
      const summary = app.coverage.summary(run);
      const name = `coverage-${summary.minutes}min`;
      if ((request.query.format ?? 'csv') === 'xlsx') {
        return reply
          .header('content-type', XLSX)
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(await coverageTableXlsx(summary, await uncoveredOf(params)));
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(coverageTableCsv(summary));
    },
  );

  app.get(
    '/coverage/uncovered.csv',
    {
      ...planners,
      schema: {
        summary: 'The uncovered villages and communities, most people first, as CSV (planner, admin)',
        tags: [TAGS.coverage],
        operationId: 'exportUncovered',
        ...sessionFor(PLANNERS),
        querystring: Type.Object(Common, { additionalProperties: false }),
        response: {
          200: mediaResponse('uncovered-<minutes>min.csv (Content-Disposition: attachment)', {
            'text/csv': Type.String({
              description:
                'UTF-8 with a BOM, the header row first: 村庄/社区, 类型, 乡镇/街道, 统计代码 (quoted text), 人口, ' +
                '到最近站点(分钟) (a number; 超过N分钟 beyond the mode’s longest budget; 不可达 farther than 500 m from every street)',
            }),
          }),
          ...plannerErrors,
        },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="uncovered-${params.minutes}min.csv"`)
        .send(uncoveredCsv(await uncoveredOf(params)));
    },
  );

  const Point = Type.Object({ lon: Lon, lat: Lat }, { additionalProperties: false });
  app.post(
    '/coverage/scenario',
    {
      ...planners,
      schema: {
        summary:
          'What-if: coverage with stations added, moved or switched off, against the saved state, and what changes; writes nothing (planner, admin)',
        tags: [TAGS.coverage],
        operationId: 'evaluateScenario',
        ...sessionFor(PLANNERS),
        body: Type.Object(
          {
            add: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    lon: Lon,
                    lat: Lat,
                    level: Type.Optional(StationLevelSchema),
                    name: Type.Optional(Type.String({ maxLength: 100 })),
                  },
                  { additionalProperties: false },
                ),
                { maxItems: 50 },
              ),
            ),
            move: Type.Optional(
              Type.Array(Type.Object({ id: Id, lon: Lon, lat: Lat }, { additionalProperties: false }), {
                maxItems: 50,
              }),
            ),
            remove: Type.Optional(Type.Array(Id, { maxItems: 500 })),
            gaps: Type.Optional(
              Type.Boolean({
                description: 'include the scenario gap polygons (default true; false is faster while dragging)',
              }),
            ),
            ...Common,
          },
          { additionalProperties: false },
        ),
        response: { 200: ScenarioResponse, ...plannerErrors },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request.body, 'body');
      const answer = await scenarioAnswer(app, params, request.body, request.body.gaps !== false, 'body');
      return reply.header('content-type', json).send(answer as never);
    },
  );

  const SitingQuery = {
    ...Common,
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    region: Type.Optional(RegionCode),
  };
  const suggest = async (
    q: { k?: number; region?: string; minutes?: number; mode?: (typeof TRAVEL_MODES)[number]; levels?: string },
    extra: { lon: number; lat: number }[],
    where: 'querystring' | 'body',
  ) => {
    const run = await saved(paramsOf(q, where));
    if (q.region && !run.data.townships.some((t) => t.code === q.region))
      throw badRequest(`${where}.region: no township with code ${q.region}`);
    return app.coverage.suggestions(run, q.k ?? 5, q.region ?? null, extra);
  };
  app.get(
    '/siting/suggestions',
    {
      ...planners,
      schema: {
        summary: 'New-station suggestions (maximal covering, existing stations fixed) (planner, admin)',
        tags: [TAGS.coverage],
        operationId: 'suggestSites',
        ...sessionFor(PLANNERS),
        querystring: Type.Object(SitingQuery, { additionalProperties: false }),
        response: { 200: SuggestionsResponse, ...plannerErrors },
      },
    },
    async (request) => suggest(request.query, [], 'querystring'),
  );
  app.post(
    '/siting/suggestions',
    {
      ...planners,
      schema: {
        summary: 'New-station suggestions with the planner’s own candidate sites (planner, admin)',
        tags: [TAGS.coverage],
        operationId: 'suggestSitesFromCandidates',
        ...sessionFor(PLANNERS),
        body: Type.Object(
          { ...SitingQuery, candidates: Type.Array(Point, { maxItems: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: SuggestionsResponse, ...plannerErrors },
      },
    },
    async (request) => suggest(request.body, request.body.candidates, 'body'),
  );
};
