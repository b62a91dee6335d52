/** Login, logout and who am I. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword } from '../auth/password.js';
import { SESSION_COOKIE, hashToken, startSession } from '../plugins/auth.js';
import { unauthorized } from '../plugins/errors.js';
import { tooManyRequests, type Hits } from '../plugins/rate-limits.js';
import { TAGS, errorWhen, errors } from './schemas.js';
import { LoggedIn, LoggedOut, Me } from './auth.schema.js';

// A fixed hash at today's cost to verify against when the user does not exist, so timing does not reveal usernames.
const { N, r, p } = SCRYPT_PARAMS;
const DUMMY_HASH = `scrypt$${N}$${r}$${p}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

/**
 * Login throttling, counted in the database so that every instance and a restarted one agree: every
 * attempt counts against the address (RATE_LIMITS login, per minute), and every attempt that does not
 * succeed against the account (login-account, per 15 minutes; it is counted before the password is
 * checked, so parallel guesses cannot slip past, and given back when the password was right). Both
 * answer 429 without checking the password.
 */
const ADDRESS_WINDOW_MS = 60_000;
const ACCOUNT_WINDOW_MS = 15 * 60_000;

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/login',
    {
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
      const name = username.trim();
      const { limits, shared } = app.rateLimits;
      const refuse = (hits: Hits) => {
        reply.header('retry-after', Math.max(1, Math.ceil(hits.resetMs / 1000)));
        return tooManyRequests(hits.resetMs);
      };
      if (limits.login) {
        const byAddress = await shared.hit(`login|ip:${request.ip}`, ADDRESS_WINDOW_MS);
        if (byAddress.count > limits.login) throw refuse(byAddress);
      }
      const accountKey = `login-account|${name}`;
      if (limits['login-account']) {
        const byAccount = await shared.hit(accountKey, ACCOUNT_WINDOW_MS);
        if (byAccount.count > limits['login-account']) throw refuse(byAccount);
      }
      const user = await app.db.selectFrom('users').selectAll().where('username', '=', name).executeTakeFirst();
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok) throw unauthorized('Wrong username or password');
      if (limits['login-account']) await shared.refund(accountKey);
      // A hash made at an older cost is replaced now that the password is at hand.
      if (needsRehash(user.password_hash))
        await app.db
          .updateTable('users')
          .set({ password_hash: await hashPassword(password) })
          .where('id', '=', user.id)
          .execute();
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
