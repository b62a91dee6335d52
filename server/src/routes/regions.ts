/** Regions as GeoJSON: district and township polygons, villages and communities as label points. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RegionCode, TAGS, errors } from './schemas.js';
import { RegionCollection, RegionLevelSchema as LevelSchema } from './regions.schema.js';

export const regionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/regions',
    {
      schema: {
        summary: 'Regions of one level; villages and communities come as label points',
        tags: [TAGS.regions],
        operationId: 'listRegions',
        querystring: Type.Object(
          {
            level: Type.Optional(LevelSchema),
            parent: Type.Optional(RegionCode),
          },
          { additionalProperties: false },
        ),
        response: { 200: RegionCollection, ...errors(400) },
      },
    },
    async (request) => {
      const level = request.query.level ?? 'township';
      let query = app.db.selectFrom('regions').selectAll().where('level', '=', level);
      if (request.query.parent) query = query.where('parent_code', '=', request.query.parent);
      const rows = await query.orderBy('code').execute();
      const column = level === 'village' ? 'village_code' : 'region_code';
      const counts = await app.db
        .selectFrom('stations')
        .select([column, (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy(column)
        .execute();
      const countOf = new Map(counts.map((c) => [(c as Record<string, unknown>)[column] as string, Number(c.n)]));
      const total = counts.reduce((s, c) => s + Number(c.n), 0);
      return {
        type: 'FeatureCollection' as const,
        features: rows.map((r) => ({
          type: 'Feature' as const,
          id: r.code,
          properties: {
            code: r.code,
            name: r.name,
            level: r.level,
            kind: r.kind,
            parentCode: r.parent_code,
            population: r.population,
            labelLon: r.label_lon,
            labelLat: r.label_lat,
            stations: level === 'district' ? total : (countOf.get(r.code) ?? 0),
          },
          geometry: r.geometry ? JSON.parse(r.geometry) : { type: 'Point', coordinates: [r.label_lon, r.label_lat] },
        })),
      };
    },
  );
};
