/** Service areas: from any point, from a station, and every station's at once for the map layer. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { TRAVEL_MODES } from '../geo/osm.js';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import {
  parseMinutes,
  parseServiceAreaRequest,
  serviceAreaCellBound,
  type ServiceAreaRequest,
  type StationPlace,
} from '../network/service-areas.js';
import { ByteCache } from '../network/byte-cache.js';
import { bufferOf } from '../network/coverage-cache.js';
import { stationAreaPresetError } from '../network/limits.js';
import { networkBuildId } from '../network/shared.js';
import { badRequest, notFound } from '../plugins/errors.js';
import {
  CommaList,
  GEOJSON,
  IdParams,
  StringEnum,
  TAGS,
  TooFarFromStreetError,
  errors,
  mediaResponse,
} from './schemas.js';
import { BandCollection, StationBandCollection } from './service-areas.schema.js';
import { liveStations } from '../db/stations.js';

/** Bytes of service-area answers kept (single areas and every station's, as sent). */
export const SERVICE_AREA_CACHE_BYTES = 64 * 1024 * 1024;
/**
 * A service area whose grid cannot exceed this many cells is computed on the event loop: a 15-minute
 * walk (about 8,500 cells) takes 2-3 ms there and the trip to a worker would only add a queue; anything
 * larger (a 30-minute walk is 15 ms, a 30-minute drive 350 ms on the demo district) goes to a worker.
 */
const INLINE_CELLS = 16_000;

const Minutes = Type.String({
  pattern: '^[0-9.]+(,[0-9.]+)*$',
  maxLength: 50,
  description: 'minutes, one band each: 15 or 15,10,5',
});
const Mode = StringEnum(TRAVEL_MODES);
const Offroad = Type.Number({
  minimum: 0,
  maximum: 500,
  description: 'metres walked straight off the street (default 100)',
});

export const serviceAreaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const cache = new ByteCache<Buffer>(SERVICE_AREA_CACHE_BYTES, (b) => b.byteLength);
  const buildId = app.network ? networkBuildId(app.network) : 'none';

  const area = async (request: ServiceAreaRequest): Promise<Buffer> => {
    const { lon, lat, minutes, mode, offroadM } = request;
    return cache.getOrCompute(`area|${lon}|${lat}|${minutes.join()}|${mode}|${offroadM}|${buildId}`, async () => {
      const small = !app.network || serviceAreaCellBound(app.network.modes[mode], request) <= INLINE_CELLS;
      const task = { kind: 'isochrone' as const, request };
      const { json } = small ? app.heavy.inline(task) : await app.heavy.run(task);
      return bufferOf(json);
    });
  };
  const run = async (raw: Record<string, string | number | undefined>) => {
    const parsed = parseServiceAreaRequest(raw);
    if (!parsed.ok) throw badRequest(`querystring.${parsed.message}`);
    return area(parsed.value);
  };
  const sendJson = (reply: FastifyReply, body: Buffer) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(body as never);

  app.get(
    '/isochrone',
    {
      schema: {
        summary: 'Service area (isochrone) from a point: one MultiPolygon per band',
        tags: [TAGS.serviceAreas],
        operationId: 'getIsochrone',
        querystring: Type.Object(
          {
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            minutes: Type.Optional(Minutes),
            mode: Type.Optional(Mode),
            offroad: Type.Optional(Offroad),
          },
          { additionalProperties: false },
        ),
        response: { 200: BandCollection, ...errors(400), 422: TooFarFromStreetError },
      },
    },
    async (request, reply) => sendJson(reply, await run(request.query)),
  );

  app.get(
    '/stations/:id/service-area',
    {
      schema: {
        summary: "A station's service area",
        tags: [TAGS.serviceAreas],
        operationId: 'getStationServiceArea',
        params: IdParams,
        querystring: Type.Object(
          { minutes: Type.Optional(Minutes), mode: Type.Optional(Mode), offroad: Type.Optional(Offroad) },
          { additionalProperties: false },
        ),
        response: { 200: BandCollection, ...errors(400, 404), 422: TooFarFromStreetError },
      },
    },
    async (request, reply) => {
      const station = await liveStations(app.db)
        .select(['lon', 'lat'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!station) throw notFound(`No station with id ${request.params.id}`);
      return sendJson(reply, await run({ ...request.query, lon: station.lon, lat: station.lat }));
    },
  );

  // Every station's area for the map layer, cached under the station table's fingerprint.
  app.get(
    '/service-areas',
    {
      schema: {
        summary: "Every station's service area (one band), for the map layer",
        tags: [TAGS.serviceAreas],
        operationId: 'listServiceAreas',
        querystring: Type.Object(
          {
            minutes: Type.Optional(Type.Number({ minimum: 1, maximum: 60 })),
            mode: Type.Optional(Mode),
            levels: Type.Optional(CommaList(STATION_LEVELS, 'comma-separated levels')),
          },
          { additionalProperties: false },
        ),
        response: {
          200: mediaResponse('One band per station near a street, labelled with its station', {
            [GEOJSON]: StationBandCollection,
          }),
          ...errors(400),
        },
      },
    },
    async (request, reply) => {
      const minutes = parseMinutes(request.query.minutes);
      if (!minutes.ok) throw badRequest(`querystring.${minutes.message}`);
      const mode = request.query.mode ?? 'walk';
      const preset = stationAreaPresetError(minutes.value[0], mode);
      if (preset) throw badRequest(`querystring.${preset}`);
      const levels = (request.query.levels ?? 'center,institute,station').split(',') as StationLevel[];
      const stations = await liveStations(app.db)
        .select(['id', 'level', 'lon', 'lat', 'updated_at'])
        .where('level', 'in', levels)
        .orderBy('id')
        .execute();
      const key = `stations|${minutes.value[0]}|${mode}|${levels.join()}|${stations.map((s) => `${s.id}@${s.updated_at}:${s.lon},${s.lat}`).join()}|${buildId}`;
      const body = await cache.getOrCompute(key, async () => {
        const places: StationPlace[] = stations.map(({ id, level, lon, lat }) => ({ id, level, lon, lat }));
        // One share per worker thread, joined in station order.
        const shares = Math.max(1, Math.min(app.heavy.threads, Math.ceil(places.length / 25)));
        const size = Math.ceil(places.length / shares);
        const parts = await Promise.all(
          Array.from({ length: shares }, (_, i) =>
            app.heavy.run({
              kind: 'stationAreas',
              stations: places.slice(i * size, (i + 1) * size),
              minutes: minutes.value[0],
              mode,
            }),
          ),
        );
        const pieces: Buffer[] = [Buffer.from('{"type":"FeatureCollection","features":[')];
        parts.forEach((p, i) => {
          if (p.json.byteLength === 0) return;
          if (pieces.length > 1 && i > 0) pieces.push(Buffer.from(','));
          pieces.push(bufferOf(p.json));
        });
        pieces.push(Buffer.from(']}'));
        return Buffer.concat(pieces);
      });
      return reply.header('content-type', 'application/geo+json; charset=utf-8').send(body as never);
    },
  );
};
