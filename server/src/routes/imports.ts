/**
 * Uploads of the planners' own data (planner, admin): the file is the request body, its type from the
 * query (`format`) or the Content-Type. A file with any bad row gets 400 with every row's reason in
 * `error.details`, and nothing is written.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../plugins/auth.js';
import { HttpError, badRequest } from '../plugins/errors.js';
import { importPopulation, importRegions, importStations } from '../importers/planner-data.js';
import { CRS_VALUES, ImportError, formatOf, type Crs, type TableFormat } from '../importers/tables.js';
import { StringEnum, errorResponses } from './schemas.js';

const FILE_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/geo+json',
  'application/octet-stream',
];

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const type of FILE_TYPES)
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
  const Query = Type.Object(
    {
      format: Type.Optional(StringEnum(['csv', 'xlsx', 'geojson'] as const)),
      crs: Type.Optional(StringEnum(CRS_VALUES)),
      name: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  );
  const Result = Type.Object({
    kind: Type.String(),
    created: Type.Integer(),
    updated: Type.Integer(),
    replaced: Type.Optional(Type.Integer()),
  });
  const kinds = {
    stations: (data: Buffer, f: TableFormat, crs: Crs) => importStations(app.db, data, f, crs),
    regions: (data: Buffer, f: TableFormat) => importRegions(app.db, data, f),
    population: (data: Buffer, f: TableFormat, crs: Crs) => importPopulation(app.db, data, f, crs),
  };
  for (const [kind, run] of Object.entries(kinds)) {
    app.post(
      `/import/${kind}`,
      {
        onRequest: requireRole('planner', 'admin'),
        schema: {
          summary: `Import ${kind} from CSV, XLSX or GeoJSON (planner, admin)`,
          querystring: Query,
          response: { 200: Result, ...errorResponses },
        },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw badRequest(`body: send the file itself with Content-Type ${FILE_TYPES.slice(0, 3).join(', ')}`);
        let format: TableFormat;
        try {
          format = request.query.format ?? formatOf(request.query.name ?? '', request.headers['content-type']);
        } catch (err) {
          throw badRequest(`querystring.format: ${(err as Error).message}`);
        }
        try {
          return await run(body, format, request.query.crs ?? 'wgs84');
        } catch (err) {
          if (err instanceof ImportError)
            throw new HttpError(400, 'INVALID_FILE', err.message, err.rows.length ? err.rows : undefined);
          throw err;
        }
      },
    );
  }
};
