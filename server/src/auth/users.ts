/** Creating accounts, shared by the CLI and the demo. */
import type { Kysely } from 'kysely';
import { ROLES, type Database, type Role } from '../db/schema.js';
import { generatePassword, hashPassword } from './password.js';
import { liveStations } from '../db/stations.js';

export class UserInputError extends Error {}

export async function createUser(
  db: Kysely<Database>,
  input: { username: string; role: string; stationId?: number | null; password?: string },
): Promise<{ id: number; username: string; role: Role; password: string; generated: boolean }> {
  const username = input.username.trim();
  if (!/^[\p{L}\p{N}_.-]{2,64}$/u.test(username))
    throw new UserInputError(`Invalid username "${input.username}": 2-64 letters, digits, _ . -`);
  if (!(ROLES as readonly string[]).includes(input.role))
    throw new UserInputError(`Invalid role "${input.role}": expected one of ${ROLES.join(', ')}`);
  const role = input.role as Role;
  const stationId = input.stationId ?? null;
  if (role === 'organizer' && stationId === null)
    throw new UserInputError('An organizer must be bound to a station: --station ID');
  if (role !== 'organizer' && stationId !== null)
    throw new UserInputError(`Only organizers are bound to a station (role ${role})`);
  if (stationId !== null) {
    const station = await liveStations(db).select('id').where('id', '=', stationId).executeTakeFirst();
    if (!station) throw new UserInputError(`No station with id ${stationId}`);
  }
  if (input.password !== undefined && input.password.length < 8)
    throw new UserInputError('Password too short: at least 8 characters');
  const existing = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (existing) throw new UserInputError(`User "${username}" already exists`);
  const password = input.password ?? generatePassword();
  const row = await db
    .insertInto('users')
    .values({
      username,
      password_hash: await hashPassword(password),
      role,
      station_id: stationId,
      created_at: new Date().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, username, role, password, generated: input.password === undefined };
}
