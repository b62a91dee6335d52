/** Login, logout and who am I. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyPassword } from '../auth/password.js';
import { SESSION_COOKIE, hashToken, startSession } from '../plugins/auth.js';
import { unauthorized } from '../plugins/errors.js';
import { TAGS, errorWhen, errors } from './schemas.js';
import { LoggedIn, LoggedOut, Me } from './auth.schema.js';

// A fixed hash to verify against when the user does not exist, so timing does not reveal usernames.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        summary: 'Log in; sets an httpOnly session cookie',
        description: 'The `pm_session` cookie it sets is what every route marked with the session scheme needs.',
        tags: [TAGS.auth],
        operationId: 'login',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: LoggedIn,
          ...errors(400, 429),
          401: errorWhen('UNAUTHORIZED: wrong username or password'),
        },
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

  app.post(
    '/auth/logout',
    { schema: { summary: 'Log out', tags: [TAGS.auth], operationId: 'logout', response: { 200: LoggedOut } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await app.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { user: null };
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        summary: 'The logged-in user, or null',
        tags: [TAGS.auth],
        operationId: 'getSessionUser',
        response: { 200: Me },
      },
    },
    async (request) => ({
      user: request.user,
    }),
  );
};
