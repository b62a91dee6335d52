/**
 * The API document (OpenAPI 3.1 from the routes' TypeBox schemas, at /api/openapi.json) and a
 * browsable Swagger UI at /api/docs, served from the package's own files: no CDN, no validator badge,
 * so it works offline and under the app's Content-Security-Policy.
 */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import { SESSION_COOKIE } from './auth.js';
import { TAGS, TAG_DESCRIPTIONS, mediaResponse } from '../routes/schemas.js';

export const DOCS_PREFIX = '/api/docs';

export const openapiPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        // 3.1: the schemas are JSON Schema as TypeBox writes it (`type: ["string", "null"]`, `const`).
        openapi: '3.1.0',
        info: {
          title: 'Practice Map API (文明实践服务地图)',
          version: '0.1.0',
          description:
            'Stations, service areas and coverage of a New Era Civilization Practice network. Reads are public; ' +
            'routes marked with the `session` scheme need a logged-in role: `POST /api/auth/login` sets the ' +
            `httpOnly \`${SESSION_COOKIE}\` cookie, which the browser (and this page's "Try it out") then sends. ` +
            'Every error answers `{"error": {"code", "message"}}`. Coordinates are WGS-84 [lon, lat].',
        },
        tags: (Object.keys(TAGS) as (keyof typeof TAGS)[]).map((key) => ({
          name: TAGS[key],
          description: TAG_DESCRIPTIONS[key],
        })),
        components: {
          securitySchemes: {
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: SESSION_COOKIE,
              description: 'The session cookie set by POST /api/auth/login',
            },
          },
        },
      },
    });
    await app.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      theme: { title: 'Practice Map API' },
      // No request to validator.swagger.io: the document is checked by the test suite instead.
      validatorUrl: false,
      // showExtensions: the roles (x-roles) that may call each session route.
      uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0, showExtensions: true },
    });
    app.get(
      '/api/openapi.json',
      {
        schema: {
          summary: 'This document (OpenAPI 3.1); browse it at /api/docs',
          tags: [TAGS.system],
          operationId: 'getOpenApiDocument',
          response: {
            200: mediaResponse('The OpenAPI document', {
              'application/json': Type.Object({ openapi: Type.String() }, { additionalProperties: true }),
            }),
          },
        },
      },
      // Sent as text: the document is not for the response serializer to filter.
      async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
    );
  },
  { name: 'openapi' },
);
