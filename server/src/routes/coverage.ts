/** Coverage, gaps, the service partition, what-if scenarios and new-site suggestions (reads public). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TRAVEL_MODES } from '../geo/osm.js';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import {
  applyScenario,
  coverageSummary,
  gapsOf,
  partitionOf,
  runCoverage,
  suggestionsFor,
  type CoverageParams,
} from '../network/coverage-service.js';
import { DEFAULT_COVERAGE_LEVELS } from '../network/coverage-cache.js';
import { coverageTableCsv, coverageTableXlsx } from '../network/coverage-export.js';
import { badRequest } from '../plugins/errors.js';
import { CommaList, RegionCode, StationLevel as StationLevelSchema, StringEnum, errorResponses } from './schemas.js';

const LevelList = CommaList(STATION_LEVELS, 'levels that count, default center,institute,station');
const Common = {
  minutes: Type.Optional(Type.Number({ minimum: 1, maximum: 60, description: 'budget in minutes (default 15)' })),
  mode: Type.Optional(StringEnum(TRAVEL_MODES)),
  levels: Type.Optional(LevelList),
};
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

const Totals = Type.Object({
  population: Type.Integer(),
  coveredPopulation: Type.Integer(),
  unreachablePopulation: Type.Integer(),
  areaM2: Type.Number(),
  coveredAreaM2: Type.Number(),
  stations: Type.Integer(),
  stationsFarFromStreets: Type.Integer(),
});
const RegionRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  population: Type.Integer(),
  coveredPopulation: Type.Integer(),
  unreachablePopulation: Type.Integer(),
  areaM2: Type.Number(),
  coveredAreaM2: Type.Number(),
  stations: Type.Integer(),
  stationsByLevel: Type.Object(
    Object.fromEntries(STATION_LEVELS.map((l) => [l, Type.Integer()])) as Record<
      StationLevel,
      ReturnType<typeof Type.Integer>
    >,
  ),
});
const Summary = {
  minutes: Type.Number(),
  mode: StringEnum(TRAVEL_MODES),
  levels: Type.Array(StationLevelSchema),
  method: Type.Literal('network'),
  totals: Totals,
  regions: Type.Array(RegionRow),
};
const CoverageResponse = Type.Object(Summary);
const ScenarioResponse = Type.Object({
  ...Summary,
  base: Totals,
  delta: Type.Object({
    coveredPopulation: Type.Integer(),
    coveredAreaM2: Type.Number(),
    regions: Type.Array(Type.Object({ code: Type.String(), coveredPopulation: Type.Integer() })),
  }),
  gaps: Type.Unknown(),
});
const SuggestionsResponse = Type.Object({
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
      newlyCovered: Type.Integer(),
      runningTotal: Type.Integer(),
      places: Type.Array(Type.String()),
    }),
  ),
});

export const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const heap = app.searchHeap;

  const paramsOf = (q: {
    minutes?: number;
    mode?: (typeof TRAVEL_MODES)[number];
    levels?: string;
  }): CoverageParams => ({
    minutes: q.minutes ?? 15,
    mode: q.mode ?? 'walk',
    levels: q.levels ? (q.levels.split(',') as StationLevel[]) : DEFAULT_COVERAGE_LEVELS,
  });

  const saved = (params: CoverageParams) => app.coverage.saved(params);

  app.get(
    '/coverage',
    {
      schema: {
        summary: 'Population and area coverage per township and in total',
        querystring: Type.Object(Common, { additionalProperties: false }),
        response: { 200: CoverageResponse, ...errorResponses },
      },
    },
    async (request) => coverageSummary(await saved(paramsOf(request.query))),
  );

  app.get(
    '/coverage/gaps',
    {
      schema: {
        summary:
          'Gap polygons (in the township, outside every service area) and uncovered population points, largest first',
        querystring: Type.Object({ ...Common, region: Type.Optional(RegionCode) }, { additionalProperties: false }),
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const run = await saved(paramsOf(request.query));
      const region = request.query.region ?? null;
      if (region && !run.data.townships.some((t) => t.code === region))
        throw badRequest(`querystring.region: no township with code ${region}`);
      return reply.header('content-type', 'application/json; charset=utf-8').send(
        JSON.stringify({
          minutes: run.params.minutes,
          mode: run.params.mode,
          region,
          ...gapsOf(run, region),
        }) as never,
      );
    },
  );

  app.get(
    '/coverage/gaps.geojson',
    {
      schema: {
        summary: 'Gap polygons as a GeoJSON file to download',
        querystring: Type.Object({ ...Common, region: Type.Optional(RegionCode) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const run = await saved(paramsOf(request.query));
      const { gaps } = gapsOf(run, request.query.region ?? null);
      return reply
        .header('content-type', 'application/geo+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="gaps-${run.params.minutes}min.geojson"`)
        .send(JSON.stringify(gaps) as never);
    },
  );

  app.get(
    '/coverage/partition',
    {
      schema: {
        summary: 'Streets served, each with its nearest station (the service partition)',
        querystring: Type.Object(Common, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const run = await saved(paramsOf(request.query));
      return reply
        .header('content-type', 'application/geo+json; charset=utf-8')
        .send(JSON.stringify(partitionOf(app.network!, run)) as never);
    },
  );

  app.get(
    '/coverage/export',
    {
      schema: {
        summary: 'The coverage table as CSV or XLSX',
        querystring: Type.Object(
          { ...Common, format: Type.Optional(StringEnum(['csv', 'xlsx'] as const)) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const summary = coverageSummary(await saved(paramsOf(request.query)));
      const name = `coverage-${summary.minutes}min`;
      if ((request.query.format ?? 'csv') === 'xlsx') {
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(await coverageTableXlsx(summary));
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(coverageTableCsv(summary));
    },
  );

  const Point = Type.Object({ lon: Lon, lat: Lat }, { additionalProperties: false });
  app.post(
    '/coverage/scenario',
    {
      schema: {
        summary:
          'What-if: coverage with stations added, moved or switched off, against the saved state; writes nothing',
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
              Type.Array(
                Type.Object({ id: Type.Integer({ minimum: 1 }), lon: Lon, lat: Lat }, { additionalProperties: false }),
                { maxItems: 50 },
              ),
            ),
            remove: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })),
            gaps: Type.Optional(
              Type.Boolean({
                description: 'include the scenario gap polygons (default true; false is faster while dragging)',
              }),
            ),
            ...Common,
          },
          { additionalProperties: false },
        ),
        response: { 200: ScenarioResponse, ...errorResponses },
      },
    },
    async (request) => {
      const params = paramsOf(request.body);
      const base = await saved(params);
      let stations;
      try {
        stations = applyScenario(base.data, request.body);
      } catch (err) {
        throw badRequest(`body: ${(err as Error).message}`);
      }
      const run = runCoverage(app.network!, base.data, params, stations, heap);
      const before = coverageSummary(base);
      const after = coverageSummary(run);
      return {
        ...after,
        base: before.totals,
        delta: {
          coveredPopulation: after.totals.coveredPopulation - before.totals.coveredPopulation,
          coveredAreaM2: after.totals.coveredAreaM2 - before.totals.coveredAreaM2,
          regions: after.regions.map((r, i) => ({
            code: r.code,
            coveredPopulation: r.coveredPopulation - before.regions[i].coveredPopulation,
          })),
        },
        gaps: request.body.gaps === false ? null : gapsOf(run, null).gaps,
      };
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
  ) => {
    const run = await saved(paramsOf(q));
    if (q.region && !run.data.townships.some((t) => t.code === q.region))
      throw badRequest(`region: no township with code ${q.region}`);
    return suggestionsFor(app.network!, run, q.k ?? 5, q.region ?? null, extra, heap);
  };
  app.get(
    '/siting/suggestions',
    {
      schema: {
        summary: 'New-station suggestions (maximal covering, existing stations fixed)',
        querystring: Type.Object(SitingQuery, { additionalProperties: false }),
        response: { 200: SuggestionsResponse, ...errorResponses },
      },
    },
    async (request) => suggest(request.query, []),
  );
  app.post(
    '/siting/suggestions',
    {
      schema: {
        summary: 'New-station suggestions with the planner’s own candidate sites',
        body: Type.Object(
          { ...SitingQuery, candidates: Type.Array(Point, { maxItems: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: SuggestionsResponse, ...errorResponses },
      },
    },
    async (request) => suggest(request.body, request.body.candidates),
  );
};
