/** The imports' answers: a preview or result with each row's status and problems, the refusal, the history. */
import { Type } from '@sinclair/typebox';
// Constants only (messages.ts imports nothing), so that the client's type check stays out of the server's code.
import { IMPORT_FIXES } from '../importers/messages.js';
import { NullableString, StringEnum } from './schemas.js';

export const IMPORT_KINDS = ['stations', 'regions', 'population'] as const;
/** As tables.ts CRS_VALUES and planner-data.ts REGION_IMPORT_MODES, which import the database and parsers. */
const CRS_VALUES = ['wgs84', 'gcj02', 'bd09'] as const;
const REGION_IMPORT_MODES = ['merge', 'replace'] as const;

const fixList = Type.Array(StringEnum(IMPORT_FIXES), {
  maxItems: IMPORT_FIXES.length,
  description:
    'suggested fixes to apply: swap (longitude and latitude given the other way round, where the point then ' +
    'lies in its township), township (a township name one character or an ending off an existing one)',
});

export const ImportQuery = Type.Object(
  {
    format: Type.Optional(StringEnum(['csv', 'xlsx', 'geojson'] as const)),
    crs: Type.Optional(StringEnum(CRS_VALUES)),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    dryRun: Type.Optional(
      Type.Boolean({ description: 'check and classify every row (new, updated, unchanged, invalid); write nothing' }),
    ),
    fix: Type.Optional(fixList),
  },
  { additionalProperties: false },
);

export const RegionImportQuery = Type.Object(
  {
    ...ImportQuery.properties,
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

const ParamValue = Type.Unsafe<string | number | null>({ type: ['string', 'number', 'null'] });

export const ImportProblem = Type.Object(
  {
    row: Type.Integer({ description: 'the row as the spreadsheet numbers it (header = 1), or the feature (1-based)' }),
    field: NullableString({ description: 'the column concerned: name, level, township, village, lon, lat, hours…' }),
    code: Type.String({ description: 'what it is, e.g. coord.swapped, township.close, hours.unreadable' }),
    params: Type.Record(Type.String(), ParamValue),
    severity: StringEnum(['error', 'warning', 'info'] as const, {
      description: 'error: the row cannot be imported; warning: imported, but look; info: how it is read',
    }),
    message: Type.String({ description: "in the request's language (Accept-Language; Chinese unless English)" }),
    suggestion: Type.Optional(
      Type.Object({
        fix: StringEnum(['swap', 'township', 'crs'] as const, {
          description: 'swap and township: send ?fix= with it; crs: import with that ?crs=',
        }),
        value: Type.String(),
      }),
    ),
  },
  { description: 'something said about one row' },
);

const Counts = Type.Object({
  new: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  invalid: Type.Integer(),
});

export const ImportResult = Type.Object(
  {
    kind: Type.String(),
    dryRun: Type.Boolean({ description: 'true: a preview, nothing was written' }),
    encoding: StringEnum(['utf-8', 'gb18030'] as const, {
      description: 'how the file was read: UTF-8, else GB18030 (which includes GBK), as Excel writes CSV in China',
    }),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    counts: Counts,
    rows: Type.Array(
      Type.Object({
        row: Type.Integer(),
        status: StringEnum(['new', 'updated', 'unchanged', 'invalid'] as const),
        name: Type.String(),
        problems: Type.Array(ImportProblem),
      }),
      { description: 'rows with something said about them first, then the others, at most 500 (by row)' },
    ),
    rowsOmitted: Type.Integer({ description: 'rows not listed in rows (all are counted)' }),
    replaced: Type.Optional(Type.Integer({ description: 'population: the points the file replaces' })),
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
  { description: 'Imported (or, with dryRun, what would be): each row new, updated, unchanged or invalid' },
);

export const ImportErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'INVALID_FILE, BAD_REQUEST, PAYLOAD_TOO_LARGE' }),
    message: Type.String({ description: "in the request's language" }),
    details: Type.Optional(Type.Array(ImportProblem, { description: "each invalid row's errors" })),
  }),
});

export const HistoryEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  username: Type.String(),
  kind: Type.String({ description: 'stations, regions or population' }),
  subject: Type.String({ description: 'the file name' }),
  detail: Type.Unknown({ description: 'encoding, format, crs, mode, counts, created, updated…' }),
});
export const ImportHistory = Type.Object(
  { entries: Type.Array(HistoryEntry) },
  { description: 'the latest imports, newest first' },
);

export const HistoryQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })) },
  { additionalProperties: false },
);

export const TemplateQuery = Type.Object(
  {
    kind: StringEnum(IMPORT_KINDS),
    format: Type.Optional(
      StringEnum(['csv', 'xlsx', 'geojson'] as const, {
        description: 'csv (default; UTF-8 with BOM, which Excel opens as UTF-8), xlsx; township boundaries: geojson',
      }),
    ),
  },
  { additionalProperties: false },
);
