/**
 * The offline base map: its configuration and its layers from our own data. With BASEMAP_STYLE set,
 * the client draws that online style instead and adds our layers on top.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PreparedLayer } from '../network/state.js';
import { bboxOf, type AreaGeometry } from '../geo/polygon.js';
import { ErrorResponse } from './schemas.js';

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
        response: {
          200: Type.Object({
            basemapStyle: Type.Union([Type.String(), Type.Null()]),
            demo: Type.Union([Type.Object({ seed: Type.Integer() }), Type.Null()]),
            district: Type.Union([
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                bbox: Type.Array(Type.Number()),
                center: Type.Array(Type.Number()),
              }),
              Type.Null(),
            ]),
            network: Type.Boolean(),
          }),
        },
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
      let districtInfo = null;
      if (district?.geometry) {
        districtInfo = {
          code: district.code,
          name: district.name,
          bbox: bboxOf(JSON.parse(district.geometry) as AreaGeometry),
          center: [district.label_lon, district.label_lat],
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

  for (const layer of ['streets', 'water'] as const) {
    app.get(
      `/basemap/${layer}`,
      {
        schema: {
          summary: `Base map ${layer} (GeoJSON, from the loaded street network)`,
          response: { 404: ErrorResponse },
        },
      },
      async (request, reply) => {
        if (!app.network)
          return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No street network is loaded' } });
        return sendLayer(request, reply, app.network.basemap[layer]);
      },
    );
  }
};
