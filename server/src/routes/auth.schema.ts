/** The session user as the auth routes answer it, shared with the client's types. */
import { Type } from '@sinclair/typebox';
import { ROLES } from '../db/schema.js';
import { NullableInteger, StringEnum } from './schemas.js';

export const SessionUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: StringEnum(ROLES),
  stationId: NullableInteger(),
});
export const Me = Type.Object(
  { user: Type.Union([SessionUser, Type.Null()]) },
  { description: 'The logged-in user, or null' },
);
export const LoggedIn = Type.Object({ user: SessionUser }, { description: 'Logged in; the session cookie is set' });
export const LoggedOut = Type.Object(
  { user: Type.Null() },
  { description: 'Logged out; the session cookie is cleared' },
);
