/** Service areas: from any point, from a station, and every station's at once for the map layer. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TRAVEL_MODES } from '../geo/osm.js';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import {
  computeServiceArea,
  parseMinutes,
  parseServiceAreaRequest,
  type ServiceAreaCollection,
} from '../network/service-areas.js';
import { HttpError, badRequest, notFound } from '../plugins/errors.js';
import { CommaList, GEOJSON, StringEnum, TAGS, TooFarFromStreetError, errors, mediaResponse } from './schemas.js';
import { BandCollection, StationBandCollection } from './service-areas.schema.js';

const Minutes = Type.String({ pattern: '^[0-9.]+(,[0-9.]+)*$', description: 'minutes, one band each: 15 or 15,10,5' });
const Mode = StringEnum(TRAVEL_MODES);
const Offroad = Type.Number({
  minimum: 0,
  maximum: 500,
  description: 'metres walked straight off the street (default 100)',
});

export const serviceAreaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const heap = app.searchHeap;
  const run = (raw: Record<string, string | number | undefined>) => {
    const parsed = parseServiceAreaRequest(raw);
    if (!parsed.ok) throw badRequest(`querystring.${parsed.message}`);
    const result = computeServiceArea(app.network, parsed.value, heap);
    if (!result.ok) throw new HttpError(422, 'TOO_FAR_FROM_STREET', result.message);
    return result.collection;
  };

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
    async (request) => run(request.query),
  );

  app.get(
    '/stations/:id/service-area',
    {
      schema: {
        summary: "A station's service area",
        tags: [TAGS.serviceAreas],
        operationId: 'getStationServiceArea',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object(
          { minutes: Type.Optional(Minutes), mode: Type.Optional(Mode), offroad: Type.Optional(Offroad) },
          { additionalProperties: false },
        ),
        response: { 200: BandCollection, ...errors(400, 404), 422: TooFarFromStreetError },
      },
    },
    async (request) => {
      const station = await app.db
        .selectFrom('stations')
        .select(['lon', 'lat'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!station) throw notFound(`No station with id ${request.params.id}`);
      return run({ ...request.query, lon: station.lon, lat: station.lat });
    },
  );

  // Every station's area for the map layer, cached under the station table's fingerprint.
  const cache = new Map<string, string>();
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
      const levels = (request.query.levels ?? 'center,institute,station').split(',') as StationLevel[];
      const stations = await app.db
        .selectFrom('stations')
        .select(['id', 'level', 'lon', 'lat', 'updated_at'])
        .where('level', 'in', levels)
        .orderBy('id')
        .execute();
      const key = `${minutes.value[0]}:${mode}:${levels.join()}:${stations.map((s) => `${s.id}@${s.updated_at}`).join()}:${app.network?.report.builtAt}`;
      let body = cache.get(key);
      if (!body) {
        const features = [];
        for (const s of stations) {
          const result = computeServiceArea(
            app.network,
            { lon: s.lon, lat: s.lat, minutes: minutes.value, mode, offroadM: 100 },
            heap,
          );
          if (!result.ok) continue; // a station far from every street has no area; the coverage view reports it
          const f = result.collection.features[0];
          features.push({ ...f, properties: { ...f.properties, stationId: s.id, level: s.level } });
        }
        const collection: ServiceAreaCollection & { features: unknown[] } = { type: 'FeatureCollection', features };
        body = JSON.stringify(collection);
        cache.clear();
        cache.set(key, body);
      }
      return reply.header('content-type', 'application/geo+json; charset=utf-8').send(body as never);
    },
  );
};
