/**
 * The big screen's figures in one request: the network by level, volunteers and teams, activities
 * and participants this month against last month (whole and to the same day), coverage, township
 * ranking, categories, and twelve weeks of trend. Months and weeks are China time.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SERVICE_CATEGORIES, STATION_LEVELS, type ServiceCategory, type StationLevel } from '../db/schema.js';
import { coverageSummary } from '../network/coverage-service.js';
import { DEFAULT_COVERAGE_LEVELS } from '../network/coverage-cache.js';
import { chinaDayStart, chinaMonthStart, chinaWeekStart, WEEK_MS } from '../live/china-time.js';
import { ServiceCategory as CategorySchema, errorResponses } from './schemas.js';

const Period = Type.Object({ activities: Type.Integer(), participants: Type.Integer() });
const Overview = Type.Object({
  now: Type.String(),
  periods: Type.Object({ monthStart: Type.String(), lastMonthStart: Type.String(), lastMonthSameDay: Type.String() }),
  stations: Type.Object({ ...Object.fromEntries(STATION_LEVELS.map((l) => [l, Type.Integer()])), total: Type.Integer() }),
  teams: Type.Integer(),
  volunteers: Type.Integer(),
  thisMonth: Period,
  lastMonth: Period,
  /** Last month up to the same day and hour: the fair comparison while this month is still running. */
  lastMonthToDate: Period,
  live: Type.Integer(),
  today: Type.Integer(),
  coverage: Type.Union([Type.Object({ minutes: Type.Number(), population: Type.Integer(), coveredPopulation: Type.Integer() }), Type.Null()]),
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
  categories: Type.Array(Type.Object({ category: CategorySchema, thisMonth: Type.Integer(), lastMonth: Type.Integer() })),
  weeks: Type.Array(Type.Object({ start: Type.String(), activities: Type.Integer(), participants: Type.Integer() })),
});

const TREND_WEEKS = 12;

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/stats/overview', { schema: { summary: 'Headline figures for the big screen', response: { 200: Overview, ...errorResponses } } }, async () => {
    const now = app.clock();
    const monthStart = chinaMonthStart(now);
    const lastMonthStart = chinaMonthStart(now, -1);
    // The same moment last month, clipped to its end (31 March → 28/29 February).
    const lastMonthSameDay = Math.min(lastMonthStart + (now - monthStart), monthStart);
    const trendStart = chinaWeekStart(now) - (TREND_WEEKS - 1) * WEEK_MS;
    const since = Math.min(trendStart, lastMonthStart);
    const todayStart = chinaDayStart(now);
    const iso = (ms: number) => new Date(ms).toISOString();
    const nowIso = iso(now);

    const [stations, teams, regions, activities] = await Promise.all([
      app.db.selectFrom('stations').select(['level', 'region_code']).execute(),
      app.db.selectFrom('teams').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('members').as('members')]).executeTakeFirst(),
      app.db.selectFrom('regions').select(['code', 'name', 'population']).where('level', '=', 'township').orderBy('code').execute(),
      app.db
        .selectFrom('activities')
        .innerJoin('stations', 'stations.id', 'activities.station_id')
        .select(['activities.starts_at', 'activities.ends_at', 'activities.category', 'activities.participants', 'stations.region_code'])
        .where('activities.cancelled', '=', 0)
        .where('activities.starts_at', '>=', iso(since))
        .execute(),
    ]);

    const byLevel = Object.fromEntries(STATION_LEVELS.map((l) => [l, 0])) as Record<StationLevel, number>;
    for (const s of stations) byLevel[s.level]++;
    const period = () => ({ activities: 0, participants: 0 });
    const thisMonth = period();
    const lastMonth = period();
    const lastMonthToDate = period();
    const perTownship = new Map(regions.map((r) => [r.code, { activities: 0, participants: 0 }]));
    const categories = new Map<ServiceCategory, { thisMonth: number; lastMonth: number }>(SERVICE_CATEGORIES.map((c) => [c, { thisMonth: 0, lastMonth: 0 }]));
    const weeks = Array.from({ length: TREND_WEEKS }, (_, k) => ({ start: iso(trendStart + k * WEEK_MS), activities: 0, participants: 0 }));
    let live = 0;
    let today = 0;
    for (const a of activities) {
      const t = Date.parse(a.starts_at);
      if (t > now) continue; // upcoming ones are plans, not work done
      const people = a.participants ?? 0;
      if (a.ends_at > nowIso) live++;
      if (t >= todayStart) today++;
      if (t >= monthStart) {
        thisMonth.activities++;
        thisMonth.participants += people;
        categories.get(a.category)!.thisMonth++;
        const township = perTownship.get(a.region_code);
        if (township) {
          township.activities++;
          township.participants += people;
        }
      } else if (t >= lastMonthStart) {
        lastMonth.activities++;
        lastMonth.participants += people;
        categories.get(a.category)!.lastMonth++;
        if (t < lastMonthSameDay) {
          lastMonthToDate.activities++;
          lastMonthToDate.participants += people;
        }
      }
      const week = Math.floor((t - trendStart) / WEEK_MS);
      if (week >= 0 && week < TREND_WEEKS) {
        weeks[week].activities++;
        weeks[week].participants += people;
      }
    }

    let coverage: { minutes: number; population: number; coveredPopulation: number } | null = null;
    let coveredByTownship = new Map<string, number>();
    if (app.network) {
      const summary = coverageSummary(await app.coverage.saved({ minutes: 15, mode: 'walk', levels: DEFAULT_COVERAGE_LEVELS }));
      coverage = { minutes: 15, population: summary.totals.population, coveredPopulation: summary.totals.coveredPopulation };
      coveredByTownship = new Map(summary.regions.map((r) => [r.code, r.coveredPopulation]));
    }

    return {
      now: nowIso,
      periods: { monthStart: iso(monthStart), lastMonthStart: iso(lastMonthStart), lastMonthSameDay: iso(lastMonthSameDay) },
      stations: { ...byLevel, total: stations.length },
      teams: Number(teams?.n ?? 0),
      volunteers: Number(teams?.members ?? 0),
      thisMonth,
      lastMonth,
      lastMonthToDate,
      live,
      today,
      coverage,
      townships: regions
        .map((r) => ({
          code: r.code,
          name: r.name,
          population: r.population,
          stations: stations.filter((s) => s.region_code === r.code).length,
          activitiesThisMonth: perTownship.get(r.code)!.activities,
          participantsThisMonth: perTownship.get(r.code)!.participants,
          coveredPopulation: coveredByTownship.get(r.code) ?? null,
        }))
        .sort((a, b) => b.activitiesThisMonth - a.activitiesThisMonth || a.code.localeCompare(b.code)),
      categories: [...categories].map(([category, c]) => ({ category, ...c })).sort((a, b) => b.thisMonth - a.thisMonth),
      weeks,
    };
  });
};
