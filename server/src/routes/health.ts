import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql, type Kysely } from 'kysely';
import { openSqliteReader } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { TAGS } from './schemas.js';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // On SQLite the check reads through a connection of its own, so a long write transaction on the app's
  // connection does not make the server look unhealthy (opened on first use: the file may not exist yet).
  let sqliteReader: Kysely<Database> | null = null;
  const reader = () => (app.dialect === 'sqlite' ? (sqliteReader ??= openSqliteReader(app.config.dataDir)) : app.db);
  app.addHook('onClose', async () => {
    await sqliteReader?.destroy();
  });
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
      const db = reader();
      await sql`select 1`.execute(db);
      const demo = await db.selectFrom('meta').select('value').where('key', '=', 'demo_seed').executeTakeFirst();
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
