import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { TAGS } from './schemas.js';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and what is loaded',
        tags: [TAGS.system],
        operationId: 'getHealth',
        response: {
          200: Type.Object(
            {
              status: Type.Literal('ok'),
              database: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
              demo: Type.Boolean(),
              network: Type.Union([
                Type.Object({
                  source: Type.String(),
                  nodes: Type.Integer(),
                  edges: Type.Integer(),
                  components: Type.Integer(),
                }),
                Type.Null(),
              ]),
            },
            { description: 'The server answers and its database too' },
          ),
        },
      },
    },
    async () => {
      await sql`select 1`.execute(app.db);
      const demo = await app.db.selectFrom('meta').select('value').where('key', '=', 'demo_seed').executeTakeFirst();
      const n = app.network;
      return {
        status: 'ok' as const,
        database: app.dialect,
        demo: demo !== undefined,
        network: n
          ? {
              source: n.source,
              nodes: n.modes.walk.graph.nodeCount,
              edges: n.modes.walk.graph.edgeCount,
              components: n.components,
            }
          : null,
      };
    },
  );
};
