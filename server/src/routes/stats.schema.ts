/** The big screen's headline figures, shared by the route, the OpenAPI document and the client's types. */
import { Type, type TInteger } from '@sinclair/typebox';
import { STATION_LEVELS, type StationLevel } from '../db/schema.js';
import { ServiceCategory as CategorySchema } from './schemas.js';

export const Period = Type.Object({ activities: Type.Integer(), participants: Type.Integer() });
export const Overview = Type.Object(
  {
    now: Type.String(),
    periods: Type.Object({ monthStart: Type.String(), lastMonthStart: Type.String(), lastMonthSameDay: Type.String() }),
    stations: Type.Object({
      ...(Object.fromEntries(STATION_LEVELS.map((l) => [l, Type.Integer()])) as Record<StationLevel, TInteger>),
      total: Type.Integer(),
    }),
    teams: Type.Integer(),
    volunteers: Type.Integer(),
    thisMonth: Period,
    lastMonth: Period,
    /** Last month up to the same day and hour: the fair comparison while this month is still running. */
    lastMonthToDate: Period,
    live: Type.Integer(),
    today: Type.Integer(),
    coverage: Type.Union([
      Type.Object({ minutes: Type.Number(), population: Type.Integer(), coveredPopulation: Type.Integer() }),
      Type.Null(),
    ]),
    townships: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        population: Type.Integer(),
        stations: Type.Integer(),
        activitiesThisMonth: Type.Integer(),
        participantsThisMonth: Type.Integer(),
        coveredPopulation: Type.Union([Type.Integer(), Type.Null()]),
      }),
    ),
    categories: Type.Array(
      Type.Object({ category: CategorySchema, thisMonth: Type.Integer(), lastMonth: Type.Integer() }),
    ),
    weeks: Type.Array(Type.Object({ start: Type.String(), activities: Type.Integer(), participants: Type.Integer() })),
  },
  { description: 'Figures for the big screen; months and weeks in China time' },
);
