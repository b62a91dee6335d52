/**
 * Uploads of the planners' own data (planner, admin): the file is the request body, its type from the
 * query (`format`) or the Content-Type. A file with any bad row gets 400 with every row's reason in
 * `error.details`, and nothing is written.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../plugins/auth.js';
import { HttpError, badRequest } from '../plugins/errors.js';
import {
  REGION_IMPORT_MODES,
  importPopulation,
  importRegions,
  importStations,
  type RegionImportMode,
} from '../importers/planner-data.js';
import { extentOfPoints } from '../geo/extent.js';
import { CRS_VALUES, IMPORT_LIMITS, ImportError, formatOf, type Crs, type TableFormat } from '../importers/tables.js';
import { ErrorResponse, GEOJSON, StringEnum, TAGS, described, errors, sessionFor } from './schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FILE_TYPES = ['text/csv', XLSX, GEOJSON, 'application/octet-stream'];

/**
 * The request body as the document shows it: the file itself, by media type. Fastify does not
 * validate it (the parsers hand the route a Buffer, which no JSON Schema string type accepts), so it
 * goes into the document through the route's swagger transform rather than `schema.body`.
 */
const FileBody = {
  content: {
    'text/csv': { schema: Type.String({ description: 'UTF-8 CSV with a header row' }) },
    [XLSX]: { schema: Type.String({ format: 'binary', description: 'the first sheet, with a header row' }) },
    [GEOJSON]: { schema: Type.String({ format: 'binary', description: 'a FeatureCollection' }) },
    'application/octet-stream': {
      schema: Type.String({ format: 'binary', description: 'any of the three; say which with ?format= or ?name=' }),
    },
  },
};

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The file as it came, up to the import limit (the app's 2 MB is for JSON requests). GeoJSON sent as
  // application/json is a file too: in this plugin it is read by the importer, not parsed by Fastify.
  app.removeContentTypeParser('application/json');
  for (const type of [...FILE_TYPES, 'application/json'])
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMPORT_LIMITS.fileBytes }, (_req, body, done) =>
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
  const RegionQuery = Type.Object(
    {
      ...Query.properties,
      mode: Type.Optional(
        StringEnum(REGION_IMPORT_MODES, {
          description:
            'merge (default): add and update the townships in the file; replace: the file is the whole set, ' +
            'the others are removed and their villages, stations and population points move to the township ' +
            'that contains them (refused if a station would be left in none)',
        }),
      ),
    },
    { additionalProperties: false },
  );
  const Result = Type.Object(
    {
      kind: Type.String(),
      created: Type.Integer(),
      updated: Type.Integer(),
      replaced: Type.Optional(Type.Integer()),
      removed: Type.Optional(Type.Integer({ description: 'regions, mode=replace: townships removed' })),
      relocated: Type.Optional(
        Type.Object(
          {
            stations: Type.Integer(),
            villages: Type.Integer(),
            populationPoints: Type.Integer(),
            removedVillages: Type.Integer(),
            removedPopulationPoints: Type.Integer(),
          },
          { description: 'regions, mode=replace: what moved to another township, and what no township contains' },
        ),
      ),
    },
    { description: 'Imported: how many rows were created, updated (and replaced)' },
  );
  const kinds = {
    stations: (data: Buffer, f: TableFormat, crs: Crs) => importStations(app.db, data, f, crs),
    regions: (data: Buffer, f: TableFormat, _crs: Crs, mode?: RegionImportMode) =>
      importRegions(app.db, data, f, {
        mode,
        networkExtent: app.network
          ? extentOfPoints(app.network.modes.walk.graph.nodeLon, app.network.modes.walk.graph.nodeLat)
          : null,
      }),
    population: (data: Buffer, f: TableFormat, crs: Crs) => importPopulation(app.db, data, f, crs),
  };
  for (const [kind, run] of Object.entries(kinds)) {
    app.post(
      `/import/${kind}`,
      {
        onRequest: requireRole('planner', 'admin'),
        config: {
          swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, body: FileBody }, url }),
        },
        schema: {
          summary: `Import ${kind} from CSV, XLSX or GeoJSON (planner, admin)`,
          description:
            'Send the file itself as the body (not multipart form data). Its format comes from ?format=, ' +
            'else from ?name= (the file name), else from the Content-Type. A file with any bad row is ' +
            'rejected whole: 400 INVALID_FILE with every row and its reason in error.details. A CSV or XLSX ' +
            'needs a header row naming each column once. Limits: 32 MB a file, 100,000 rows, 50 columns, ' +
            '2,000 characters a cell, an XLSX sheet of 100 MB uncompressed; a file over one is refused as ' +
            'soon as it is seen, 413 PAYLOAD_TOO_LARGE naming it (50 columns and 2,000 characters: 400).',
          tags: [TAGS.imports],
          operationId: `import${kind[0].toUpperCase()}${kind.slice(1)}`,
          ...sessionFor(['planner', 'admin']),
          querystring: kind === 'regions' ? RegionQuery : Query,
          response: {
            200: Result,
            ...errors(401, 403, 413, 415),
            400: described(
              ErrorResponse,
              'BAD_REQUEST or INVALID_FILE: no file, an unknown format, or rows that fail (error.details)',
            ),
          },
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
          const mode = (request.query as { mode?: RegionImportMode }).mode;
          const summary = await run(body, format, request.query.crs ?? 'wgs84', mode);
          request.log.info({ user: request.user?.username, mode, ...summary }, 'imported');
          return summary;
        } catch (err) {
          if (err instanceof ImportError)
            throw new HttpError(
              err.status,
              err.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_FILE',
              err.message,
              err.rows.length ? err.rows : undefined,
            );
          throw err;
        }
      },
    );
  }
};
