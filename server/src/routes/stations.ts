/** Stations: public reads as GeoJSON; planners and admins create, update and delete. */
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import { containsText } from '../db/dialect.js';
import { requireRole, seesPersonalData } from '../plugins/auth.js';
import { badRequest, conflict, notFound } from '../plugins/errors.js';
import { pointInArea, type AreaGeometry } from '../geo/polygon.js';
import { parseBBox } from './query.js';
import { insideDistrict } from '../db/regions.js';
import { stationRowsQuery, stationsFingerprint, type StationRow } from '../db/stations.js';
import { validateOpeningHours } from '../domain/opening-hours.js';
import {
  CommaList,
  BBoxQuery,
  GEOJSON,
  IdParams,
  RegionCode,
  ServiceCategory,
  StationLevel as StationLevelSchema,
  Stored,
  TAGS,
  sessionFor,
  described,
  errorWhen,
  errors,
  mediaResponse,
} from './schemas.js';
import { StationCollection, StationDetail, type StationFeature, type StationProperties } from './stations.schema.js';

const LevelList = CommaList(STATION_LEVELS, 'comma-separated levels: center,institute,station,point');

const ListQuery = Type.Object(
  {
    level: Type.Optional(LevelList),
    region: Type.Optional(RegionCode),
    bbox: Type.Optional(BBoxQuery),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  },
  { additionalProperties: false },
);

const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const StationWrite = {
  name: Stored('stations.name', { minLength: 1 }),
  level: StationLevelSchema,
  lon: Lon,
  lat: Lat,
  regionCode: Type.Optional(RegionCode),
  villageCode: Type.Optional(Type.Union([RegionCode, Type.Null()])),
  address: Type.Optional(Stored('stations.address')),
  hours: Type.Optional(Stored('stations.hours')),
  services: Type.Optional(Type.Array(ServiceCategory, { uniqueItems: true, maxItems: 10 })),
  description: Type.Optional(Stored('stations.description')),
  contactName: Type.Optional(Stored('stations.contact_name')),
  contactPhone: Type.Optional(Stored('stations.contact_phone', { pattern: '^[0-9+() -]*$' })),
};
const CreateBody = Type.Object(StationWrite, { additionalProperties: false });
const UpdateBody = Type.Partial(Type.Object(StationWrite), { additionalProperties: false, minProperties: 1 });

export function toFeature(row: StationRow, personal: boolean): Static<typeof StationFeature> {
  const properties: Static<typeof StationProperties> = {
    id: row.id,
    name: row.name,
    level: row.level,
    regionCode: row.region_code,
    regionName: row.region_name ?? '',
    villageCode: row.village_code,
    villageName: row.village_name,
    address: row.address,
    hours: row.hours,
    services: JSON.parse(row.services),
  };
  if (personal) {
    properties.contactName = row.contact_name;
    properties.contactPhone = row.contact_phone;
  }
  return { type: 'Feature', id: row.id, properties, geometry: { type: 'Point', coordinates: [row.lon, row.lat] } };
}

export const stationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const listCache = new Map<boolean, { key: string; json: string; etag: string }>();
  const baseQuery = () => stationRowsQuery(app.db);

  async function loadStation(id: number): Promise<StationRow> {
    const row = await baseQuery().where('stations.id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`No station with id ${id}`);
    return row as StationRow;
  }

  /** Checks a station's place against the imported boundaries and works out its township. */
  async function placeStation(
    lon: number,
    lat: number,
    regionCode: string | undefined,
    villageCode: string | null | undefined,
  ) {
    if (!(await insideDistrict(app.db, lon, lat))) {
      throw badRequest(`body.lon/lat: (${lon}, ${lat}) lies outside the district`);
    }
    const townships = await app.db
      .selectFrom('regions')
      .select(['code', 'name', 'geometry'])
      .where('level', '=', 'township')
      .execute();
    const containing = townships.find(
      (t) => t.geometry && pointInArea(lon, lat, JSON.parse(t.geometry) as AreaGeometry),
    );
    let township = regionCode;
    if (regionCode) {
      const named = townships.find((t) => t.code === regionCode);
      if (!named) throw badRequest(`body.regionCode: no township with code ${regionCode}`);
      if (containing && containing.code !== regionCode) {
        throw badRequest(
          `body.regionCode: (${lon}, ${lat}) lies in ${containing.name} (${containing.code}), not ${named.name}`,
        );
      }
    } else {
      if (!containing) throw badRequest(`body.lon/lat: (${lon}, ${lat}) is not inside any township; give regionCode`);
      township = containing.code;
    }
    if (villageCode) {
      const village = await app.db
        .selectFrom('regions')
        .select(['parent_code', 'level'])
        .where('code', '=', villageCode)
        .executeTakeFirst();
      if (!village || village.level !== 'village')
        throw badRequest(`body.villageCode: no village or community with code ${villageCode}`);
      if (village.parent_code !== township)
        throw badRequest(`body.villageCode: ${villageCode} is not in township ${township}`);
    }
    return township!;
  }

  app.get(
    '/stations',
    {
      schema: {
        summary: 'Stations as GeoJSON points, filtered by level, region, bbox and name',
        description:
          'Unfiltered, the list carries an ETag and comes as application/geo+json; revalidate with If-None-Match.',
        tags: [TAGS.stations],
        operationId: 'listStations',
        querystring: ListQuery,
        response: {
          200: mediaResponse('Stations as GeoJSON points (contacts only for logged-in roles)', {
            [GEOJSON]: StationCollection,
            'application/json': StationCollection,
          }),
          304: Type.Null({ description: 'Not modified: the table has not changed since the ETag' }),
          ...errors(400),
        },
      },
    },
    async (request, reply) => {
      const { level, region, bbox, q } = request.query;
      let query = baseQuery();
      if (level) query = query.where('stations.level', 'in', level.split(',') as StationLevel[]);
      if (region) {
        const r = await app.db.selectFrom('regions').select(['level']).where('code', '=', region).executeTakeFirst();
        if (!r) throw badRequest(`querystring.region: no region with code ${region}`);
        if (r.level === 'township') query = query.where('stations.region_code', '=', region);
        else if (r.level === 'village') query = query.where('stations.village_code', '=', region);
      }
      if (bbox) {
        const [w, s, e, n] = parseBBox(bbox);
        query = query
          .where('stations.lon', '>=', w)
          .where('stations.lon', '<=', e)
          .where('stations.lat', '>=', s)
          .where('stations.lat', '<=', n);
      }
      if (q) {
        query = query.where((eb) =>
          eb.or([containsText(app.db, 'stations.name', q), containsText(app.db, 'stations.address', q)]),
        );
      }
      const personal = seesPersonalData(request);
      const unfiltered = !level && !region && !bbox && !q;
      if (unfiltered) {
        // The whole list is what every map load asks for: serve it from a cache keyed by a cheap
        // fingerprint of the table, so every instance sees every other instance's writes.
        const key = `${personal ? 'staff' : 'public'}:${await stationsFingerprint(app.db)}`;
        let cached = listCache.get(personal);
        if (!cached || cached.key !== key) {
          const rows = (await query.orderBy('stations.id').execute()) as StationRow[];
          const json = JSON.stringify({ type: 'FeatureCollection', features: rows.map((r) => toFeature(r, personal)) });
          cached = { key, json, etag: `"${createHash('sha1').update(key).digest('base64url')}"` };
          listCache.set(personal, cached);
        }
        // Browsers revalidate and get 304 while the table is unchanged.
        reply.header('vary', 'accept-encoding, cookie').header('cache-control', 'no-cache').header('etag', cached.etag);
        if (request.headers['if-none-match'] === cached.etag) return reply.status(304).send(null);
        reply.header('content-type', 'application/geo+json; charset=utf-8');
        // Already serialized: a string payload bypasses the response serializer.
        return reply.send(cached.json as never);
      }
      const rows = (await query.orderBy('stations.id').execute()) as StationRow[];
      return { type: 'FeatureCollection' as const, features: rows.map((r) => toFeature(r, personal)) };
    },
  );

  async function detail(request: FastifyRequest, id: number): Promise<Static<typeof StationDetail>> {
    const row = await loadStation(id);
    const teams = await app.db
      .selectFrom('teams')
      .select(['id', 'name', 'category', 'members'])
      .where('station_id', '=', id)
      .orderBy('id')
      .execute();
    const since = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const count = await app.db
      .selectFrom('activities')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('station_id', '=', id)
      .where('starts_at', '>=', since)
      .where('starts_at', '<=', new Date().toISOString())
      .where('cancelled', '=', 0)
      .executeTakeFirstOrThrow();
    const base = toFeature(row, seesPersonalData(request));
    return {
      ...base,
      properties: {
        ...base.properties,
        description: row.description,
        teams,
        volunteers: teams.reduce((s, t) => s + t.members, 0),
        activitiesLast90Days: Number(count.n),
        updatedAt: row.updated_at,
      },
    };
  }

  app.get(
    '/stations/:id',
    {
      schema: {
        summary: 'One station with its teams',
        tags: [TAGS.stations],
        operationId: 'getStation',
        params: IdParams,
        response: { 200: StationDetail, ...errors(400, 404) },
      },
    },
    async (request) => detail(request, request.params.id),
  );

  app.post(
    '/stations',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'Create a station (planner, admin)',
        tags: [TAGS.stations],
        operationId: 'createStation',
        ...sessionFor(['planner', 'admin']),
        body: CreateBody,
        response: { 201: described(StationDetail, 'Created'), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const hoursProblem = b.hours ? validateOpeningHours(b.hours) : null;
      if (hoursProblem) throw badRequest(`body.hours: ${hoursProblem}`);
      const regionCode = await placeStation(b.lon, b.lat, b.regionCode, b.villageCode);
      const now = new Date().toISOString();
      const row = await app.db
        .insertInto('stations')
        .values({
          name: b.name.trim(),
          level: b.level,
          region_code: regionCode,
          village_code: b.villageCode ?? null,
          lon: b.lon,
          lat: b.lat,
          address: b.address ?? '',
          hours: b.hours ?? '',
          services: JSON.stringify(b.services ?? []),
          description: b.description ?? '',
          contact_name: b.contactName ?? '',
          contact_phone: b.contactPhone ?? '',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return reply.status(201).send(await detail(request, row.id));
    },
  );

  app.patch(
    '/stations/:id',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'Update a station (planner, admin)',
        tags: [TAGS.stations],
        operationId: 'updateStation',
        ...sessionFor(['planner', 'admin']),
        params: IdParams,
        body: UpdateBody,
        response: { 200: described(StationDetail, 'Updated'), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const id = request.params.id;
      const current = await loadStation(id);
      const b = request.body;
      const hoursProblem = b.hours ? validateOpeningHours(b.hours) : null;
      if (hoursProblem) throw badRequest(`body.hours: ${hoursProblem}`);
      if (b.name !== undefined && b.name.trim() === '') throw badRequest('body.name: must not be blank');
      const lon = b.lon ?? current.lon;
      const lat = b.lat ?? current.lat;
      const moved = b.lon !== undefined || b.lat !== undefined;
      const villageCode = b.villageCode === undefined ? current.village_code : b.villageCode;
      const regionCode =
        moved || b.regionCode !== undefined || b.villageCode !== undefined
          ? await placeStation(lon, lat, b.regionCode ?? (moved ? undefined : current.region_code), villageCode)
          : current.region_code;
      await app.db
        .updateTable('stations')
        .set({
          ...(b.name !== undefined && { name: b.name.trim() }),
          ...(b.level !== undefined && { level: b.level }),
          ...(b.address !== undefined && { address: b.address }),
          ...(b.hours !== undefined && { hours: b.hours }),
          ...(b.services !== undefined && { services: JSON.stringify(b.services) }),
          ...(b.description !== undefined && { description: b.description }),
          ...(b.contactName !== undefined && { contact_name: b.contactName }),
          ...(b.contactPhone !== undefined && { contact_phone: b.contactPhone }),
          lon,
          lat,
          region_code: regionCode,
          village_code: villageCode,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
      return detail(request, id);
    },
  );

  app.delete(
    '/stations/:id',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'Delete a station without activity history (planner, admin)',
        tags: [TAGS.stations],
        operationId: 'deleteStation',
        ...sessionFor(['planner', 'admin']),
        params: IdParams,
        response: {
          204: Type.Null({ description: 'Deleted, with its teams' }),
          ...errors(400, 401, 403, 404),
          409: errorWhen('CONFLICT: the station has activities on record'),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      await loadStation(id);
      const used = await app.db
        .selectFrom('activities')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('station_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(used.n) > 0)
        throw conflict(`Station ${id} has ${used.n} activities on record; it cannot be deleted without losing them`);
      await app.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ station_id: null }).where('station_id', '=', id).execute();
        await trx.deleteFrom('teams').where('station_id', '=', id).execute();
        await trx.deleteFrom('stations').where('id', '=', id).execute();
      });
      return reply.status(204).send(null);
    },
  );
};
