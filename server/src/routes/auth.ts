/** Login, logout and who am I. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../db/schema.js';
import { verifyPassword } from '../auth/password.js';
import { SESSION_COOKIE, hashToken, startSession } from '../plugins/auth.js';
import { unauthorized } from '../plugins/errors.js';
import { errorResponses } from './schemas.js';

const Me = Type.Object({
  user: Type.Union([
    Type.Object({
      id: Type.Integer(),
      username: Type.String(),
      role: Type.Union(ROLES.map((r) => Type.Literal(r))),
      stationId: Type.Union([Type.Integer(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});

// A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        summary: 'Log in; sets an httpOnly session cookie',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await app.db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username.trim())
        .executeTakeFirst();
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok) throw unauthorized('Wrong username or password');
      await startSession(app, reply, user.id);
      return { user: { id: user.id, username: user.username, role: user.role, stationId: user.station_id } };
    },
  );

  app.post('/auth/logout', { schema: { summary: 'Log out', response: { 200: Me } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await app.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { user: null };
  });

  app.get(
    '/auth/me',
    { schema: { summary: 'The logged-in user, or null', response: { 200: Me } } },
    async (request) => ({
      user: request.user,
    }),
  );
};
