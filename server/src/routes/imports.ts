/**
 * Uploads of the planners' own data (planner, admin): the file is the request body, its type from the
 * query (`format`) or the Content-Type. `?dryRun=true` previews: every row new, updated, unchanged or
 * invalid, with its problems and the suggested fixes, and nothing is written. Otherwise a file with any bad
 * row gets 400 with every row's errors in `error.details`, and nothing is written; a file that is written is
 * recorded in the audit log (who, when, which file, the counts), listed by GET /api/imports/history. Messages
 * are in the request's language (Accept-Language), Chinese by default. GET /api/imports/template gives a
 * file with the headers the importer reads.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireRole } from '../plugins/auth.js';
import { HttpError, badRequest } from '../plugins/errors.js';
import {
  TEMPLATES,
  importPopulation,
  importRegions,
  importStations,
  type ImportOptions,
  type RegionImportMode,
} from '../importers/planner-data.js';
import { extentOfPoints } from '../geo/extent.js';
import { IMPORT_LIMITS, ImportError, formatOf, type Crs, type TableFormat } from '../importers/tables.js';
import { langOf, renderProblem } from '../importers/messages.js';
import { listAudit } from '../db/audit.js';
import { GEOJSON, TAGS, described, errors, mediaResponse, sessionFor } from './schemas.js';
import {
  HistoryQuery,
  ImportErrorResponse,
  ImportHistory,
  ImportQuery,
  ImportResult,
  RegionImportQuery,
  TemplateQuery,
} from './imports.schema.js';

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
  const kinds = {
    stations: (data: Buffer, f: TableFormat, crs: Crs, _mode: RegionImportMode | undefined, o: ImportOptions) =>
      importStations(app.db, data, f, crs, o),
    regions: (data: Buffer, f: TableFormat, _crs: Crs, mode: RegionImportMode | undefined, o: ImportOptions) =>
      importRegions(app.db, data, f, {
        ...o,
        mode,
        networkExtent: app.network
          ? extentOfPoints(app.network.modes.walk.graph.nodeLon, app.network.modes.walk.graph.nodeLat)
          : null,
      }),
    population: (data: Buffer, f: TableFormat, crs: Crs, _mode: RegionImportMode | undefined, o: ImportOptions) =>
      importPopulation(app.db, data, f, crs, o),
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
            'else from ?name= (the file name), else from the Content-Type. A CSV may be UTF-8 or GBK/GB18030 ' +
            '(detected; the answer says which). With ?dryRun=true nothing is written and every row is ' +
            'classified (new, updated, unchanged, invalid) with its problems and suggested fixes; ?fix=swap ' +
            'and ?fix=township apply those fixes. A file with any bad row is rejected whole: 400 INVALID_FILE ' +
            'with every row and its reason in error.details. Messages follow Accept-Language (Chinese unless ' +
            'English). A written file is recorded in the audit log (GET /api/imports/history). A CSV or XLSX ' +
            'needs a header row naming each column once. Limits: 32 MB a file, 100,000 rows, 50 columns, ' +
            '2,000 characters a cell, an XLSX sheet of 100 MB uncompressed; a file over one is refused as ' +
            'soon as it is seen, 413 PAYLOAD_TOO_LARGE naming it (50 columns and 2,000 characters: 400).',
          tags: [TAGS.imports],
          operationId: `import${kind[0].toUpperCase()}${kind.slice(1)}`,
          ...sessionFor(['planner', 'admin']),
          querystring: kind === 'regions' ? RegionImportQuery : ImportQuery,
          response: {
            200: ImportResult,
            ...errors(401, 403, 415),
            400: described(
              ImportErrorResponse,
              'BAD_REQUEST or INVALID_FILE: no file, an unknown format, or rows that fail (error.details)',
            ),
            413: described(ImportErrorResponse, 'PAYLOAD_TOO_LARGE: the file is over one of the limits, named'),
          },
        },
      },
      async (request) => {
        const lang = langOf(request.headers['accept-language']);
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw badRequest(`body: send the file itself with Content-Type ${FILE_TYPES.slice(0, 3).join(', ')}`);
        let format: TableFormat;
        try {
          format = request.query.format ?? formatOf(request.query.name ?? '', request.headers['content-type']);
        } catch (err) {
          throw badRequest(
            `querystring.format: ${err instanceof ImportError ? err.messageIn(lang) : (err as Error).message}`,
          );
        }
        const { crs = 'wgs84', dryRun = false, fix = [], name } = request.query;
        const mode = (request.query as { mode?: RegionImportMode }).mode;
        try {
          const summary = await run(body, format, crs, mode, {
            dryRun,
            fixes: fix,
            audit: {
              actor: { id: request.user!.id, username: request.user!.username },
              subject: name || `(${kind}.${format})`,
              detail: fix.length ? { fixes: fix } : {},
            },
          });
          const { rows = [], ...figures } = summary;
          if (!dryRun)
            request.log.info({ user: request.user?.username, mode, ...figures, rows: undefined }, 'imported');
          return {
            ...summary,
            dryRun,
            encoding: summary.encoding ?? 'utf-8',
            unchanged: summary.unchanged ?? 0,
            counts: summary.counts ?? { new: 0, updated: 0, unchanged: 0, invalid: 0 },
            rowsOmitted: summary.rowsOmitted ?? 0,
            rows: rows.map((r) => ({ ...r, problems: r.problems.map((p) => renderProblem(p, lang)) })),
          };
        } catch (err) {
          if (err instanceof ImportError)
            throw new HttpError(
              err.status,
              err.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_FILE',
              err.messageIn(lang),
              err.problems.length ? err.problems.map((p) => renderProblem(p, lang)) : undefined,
            );
          throw err;
        }
      },
    );
  }

  app.get(
    '/imports/history',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'The latest imports: who imported which file when, and what it changed (planner, admin)',
        tags: [TAGS.imports],
        operationId: 'listImportHistory',
        ...sessionFor(['planner', 'admin']),
        querystring: HistoryQuery,
        response: { 200: ImportHistory, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const entries = await listAudit(app.db, 'import.', request.query.limit ?? 50);
      return {
        entries: entries.map((e) => ({
          id: e.id,
          at: e.at,
          username: e.username,
          kind: e.action.slice('import.'.length),
          subject: e.subject,
          detail: e.detail,
        })),
      };
    },
  );

  app.get(
    '/imports/template',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'A file to fill in: the headers the importer reads, in Chinese, and one example row (planner, admin)',
        tags: [TAGS.imports],
        operationId: 'getImportTemplate',
        ...sessionFor(['planner', 'admin']),
        querystring: TemplateQuery,
        response: {
          200: mediaResponse('<kind>-template.csv, .xlsx or .geojson (Content-Disposition: attachment)', {
            'text/csv': Type.String({ description: 'UTF-8 with a BOM, header row and one example row' }),
            [XLSX]: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
            [GEOJSON]: Type.String({ description: 'a FeatureCollection with one example township' }),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { kind } = request.query;
      const format = request.query.format ?? (kind === 'regions' ? 'geojson' : 'csv');
      if (kind === 'regions' && format !== 'geojson')
        throw badRequest('querystring.format: township boundaries are imported as GeoJSON only (format=geojson)');
      if (kind !== 'regions' && format === 'geojson')
        throw badRequest(`querystring.format: the ${kind} template is csv or xlsx (a GeoJSON file is read as well)`);
      reply.header('content-disposition', `attachment; filename="${kind}-template.${format}"`);
      if (kind === 'regions')
        return reply.header('content-type', GEOJSON).send(JSON.stringify(REGION_TEMPLATE, null, 2));
      const { headers, example } = TEMPLATES[kind];
      const names = Object.values(headers).map((h) => h[0]);
      if (format === 'csv') {
        const { stringify } = await import('csv-stringify/sync');
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .send(`\uFEFF${stringify([names, [...example]], { record_delimiter: '\r\n' })}`);
      }
      const { default: Excel } = await import('exceljs');
      const book = new Excel.Workbook();
      const sheet = book.addWorksheet(kind === 'stations' ? '站点' : '人口点');
      // Every column is text, so that Excel keeps codes and phone numbers as typed.
      sheet.columns = names.map((header) => ({
        header,
        width: Math.max(10, header.length * 3),
        style: { numFmt: '@' },
      }));
      sheet.addRow([...example]);
      sheet.getRow(1).font = { bold: true };
      return reply.header('content-type', XLSX).send(Buffer.from(await book.xlsx.writeBuffer()));
    },
  );
};

/** A township boundary file: one square township, its 12-digit statistics code and its name. */
const REGION_TEMPLATE = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: '城关镇', code: '320102001000' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [118.78, 32.05],
            [118.81, 32.05],
            [118.81, 32.07],
            [118.78, 32.07],
            [118.78, 32.05],
          ],
        ],
      },
    },
  ],
};
