/**
 * Sessions: an httpOnly, SameSite=Lax cookie holding a random token; the database keeps only its
 * SHA-256, so sessions work across several stateless instances. `requireRole` guards write routes.
 */
import { createHash, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../db/schema.js';
import { forbidden, unauthorized } from './errors.js';

export const SESSION_COOKIE = 'pm_session';
const SESSION_DAYS = 14;

export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  stationId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const authPlugin = fp(
  async (app) => {
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      if (!token || token.length > 100) return;
      const row = await app.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['users.id', 'users.username', 'users.role', 'users.station_id', 'sessions.expires_at'])
        .where('sessions.token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!row || row.expires_at < new Date().toISOString()) return;
      request.user = { id: row.id, username: row.username, role: row.role, stationId: row.station_id };
    });
  },
  { name: 'auth', dependencies: ['database'] },
);

export async function startSession(app: FastifyInstance, reply: FastifyReply, userId: number): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await app.db.deleteFrom('sessions').where('expires_at', '<', new Date().toISOString()).execute();
  await app.db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: userId, expires_at: expires.toISOString() })
    .execute();
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: app.config.secureCookies,
    expires,
  });
}

/** onRequest hook: the request must come from a logged-in user with one of these roles. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest) => {
    if (!request.user) throw unauthorized();
    if (!roles.includes(request.user.role))
      throw forbidden(`Role ${request.user.role} may not do this; needs ${roles.join(' or ')}`);
  };
}

/** Whether the request may see personal data (contacts, requesters): any logged-in role. */
export const seesPersonalData = (request: FastifyRequest) => request.user !== null;
