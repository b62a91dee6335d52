/**
 * The offline base map: its configuration and its layers from our own data. With BASEMAP_STYLE set,
 * the client draws that online style instead and adds our layers on top.
 */
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PreparedLayer } from '../network/state.js';
import { bboxOf, type AreaGeometry } from '../geo/polygon.js';
import { GEOJSON, TAGS, errorWhen, mediaResponse } from './schemas.js';
import { AppConfig, StreetsLayer, WaterLayer } from './basemap.schema.js';

function sendLayer(request: FastifyRequest, reply: FastifyReply, layer: PreparedLayer) {
  reply.header('cache-control', 'public, max-age=300').header('etag', layer.etag);
  if (request.headers['if-none-match'] === layer.etag) return reply.status(304).send();
  return reply.header('content-type', 'application/geo+json; charset=utf-8').send(layer.json);
}

export const basemapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/config',
    {
      schema: {
        summary: 'What the client needs to draw the map',
        tags: [TAGS.system],
        operationId: 'getConfig',
        response: { 200: AppConfig },
      },
    },
    async () => {
      const demo = await app.db.selectFrom('meta').select('value').where('key', '=', 'demo_seed').executeTakeFirst();
      const district = await app.db
        .selectFrom('regions')
        .selectAll()
        .where('level', '=', 'district')
        .orderBy('code')
        .executeTakeFirst();
      let districtInfo: Static<typeof AppConfig>['district'] = null;
      if (district?.geometry) {
        districtInfo = {
          code: district.code,
          name: district.name,
          bbox: bboxOf(JSON.parse(district.geometry) as AreaGeometry),
          center: [district.label_lon, district.label_lat] as [number, number],
        };
      }
      return {
        basemapStyle: app.config.basemapStyle,
        demo: demo ? { seed: Number(demo.value) } : null,
        district: districtInfo,
        network: app.network !== null,
      };
    },
  );

  const layers = {
    streets: { schema: StreetsLayer, operationId: 'getBasemapStreets' },
    water: { schema: WaterLayer, operationId: 'getBasemapWater' },
  };
  for (const [layer, { schema, operationId }] of Object.entries(layers)) {
    app.get(
      `/basemap/${layer}`,
      {
        schema: {
          summary: `Base map ${layer} (GeoJSON, from the loaded street network)`,
          description: 'Cached for 5 minutes with an ETag; revalidate with If-None-Match.',
          tags: [TAGS.basemap],
          operationId,
          response: {
            200: mediaResponse(`The ${layer} layer`, { [GEOJSON]: schema }),
            304: Type.Null({ description: 'Not modified: the network has not changed since the ETag' }),
            404: errorWhen('NOT_FOUND: no street network is loaded'),
          },
        },
      },
      async (request, reply) => {
        if (!app.network)
          return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No street network is loaded' } });
        return sendLayer(request, reply, app.network.basemap[layer as keyof typeof layers]);
      },
    );
  }
};
