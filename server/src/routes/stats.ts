/**
 * The big screen's figures in one request: the network by level, volunteers and teams, activities
 * and participants this month against last month (whole and to the same day), coverage, township
 * ranking, categories, and twelve weeks of trend. Months and weeks are China time.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SERVICE_CATEGORIES, STATION_LEVELS, type ServiceCategory, type StationLevel } from '../db/schema.js';
import { coverageSummary } from '../network/coverage-service.js';
import { DEFAULT_COVERAGE_LEVELS } from '../network/coverage-cache.js';
import { chinaDayStart, chinaMonthStart, chinaWeekStart, DAY_MS, WEEK_MS } from '../live/china-time.js';
import { daysSinceEpoch } from '../db/dialect.js';
import { MAX_ACTIVITY_MS } from '../live/activities.js';
import { sql } from 'kysely';
import { TAGS } from './schemas.js';
import { Overview } from './stats.schema.js';
import { liveStations } from '../db/stations.js';

const TREND_WEEKS = 12;

export const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/stats/overview',
    {
      schema: {
        summary: 'Headline figures for the big screen',
        tags: [TAGS.statistics],
        operationId: 'getStatsOverview',
        response: { 200: Overview },
      },
    },
    async () => {
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

      // Activities done (started by now, not cancelled) since the earlier of the trend's first week and
      // last month, summed in the database by township, category, period and week.
      const PERIOD_THIS = 0;
      const PERIOD_LAST_TO_DATE = 1;
      const PERIOD_LAST_REST = 2;
      const days = daysSinceEpoch(app.db, 'activities.starts_at');
      const [stations, teams, regions, groups, current] = await Promise.all([
        liveStations(app.db).select(['level', 'region_code']).execute(),
        app.db
          .selectFrom('teams')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('members').as('members')])
          .executeTakeFirst(),
        app.db
          .selectFrom('regions')
          .select(['code', 'name', 'population'])
          .where('level', '=', 'township')
          .orderBy('code')
          .execute(),
        app.db
          .selectFrom('activities')
          .innerJoin('stations', 'stations.id', 'activities.station_id')
          .select([
            'stations.region_code',
            'activities.category',
            sql<number>`case when activities.starts_at >= ${iso(monthStart)} then ${PERIOD_THIS}
            when activities.starts_at < ${iso(lastMonthStart)} then -1
            when activities.starts_at < ${iso(lastMonthSameDay)} then ${PERIOD_LAST_TO_DATE}
            else ${PERIOD_LAST_REST} end`.as('period'),
            sql<number>`floor((${days} - ${trendStart / DAY_MS}) / 7 + 1e-9)`.as('week'),
            sql<number>`count(*)`.as('n'),
            sql<number>`sum(coalesce(activities.participants, 0))`.as('people'),
          ])
          .where('activities.cancelled', '=', 0)
          .where('activities.starts_at', '>=', iso(since))
          .where('activities.starts_at', '<=', nowIso)
          .groupBy([sql`1`, sql`2`, sql`3`, sql`4`])
          .execute(),
        app.db
          .selectFrom('activities')
          .select([
            sql<number>`sum(case when ends_at > ${nowIso} then 1 else 0 end)`.as('live'),
            sql<number>`sum(case when starts_at >= ${iso(todayStart)} then 1 else 0 end)`.as('today'),
          ])
          .where('cancelled', '=', 0)
          .where('starts_at', '>=', iso(Math.min(todayStart, now - MAX_ACTIVITY_MS)))
          .where('starts_at', '<=', nowIso)
          .executeTakeFirst(),
      ]);

      const byLevel = Object.fromEntries(STATION_LEVELS.map((l) => [l, 0])) as Record<StationLevel, number>;
      const stationsIn = new Map<string, number>();
      for (const s of stations) {
        byLevel[s.level]++;
        stationsIn.set(s.region_code, (stationsIn.get(s.region_code) ?? 0) + 1);
      }
      const period = () => ({ activities: 0, participants: 0 });
      const thisMonth = period();
      const lastMonth = period();
      const lastMonthToDate = period();
      const perTownship = new Map(regions.map((r) => [r.code, { activities: 0, participants: 0 }]));
      const categories = new Map<ServiceCategory, { thisMonth: number; lastMonth: number }>(
        SERVICE_CATEGORIES.map((c) => [c, { thisMonth: 0, lastMonth: 0 }]),
      );
      const weeks = Array.from({ length: TREND_WEEKS }, (_, k) => ({
        start: iso(trendStart + k * WEEK_MS),
        activities: 0,
        participants: 0,
      }));
      for (const g of groups) {
        const n = Number(g.n);
        const people = Number(g.people ?? 0);
        const p = Number(g.period);
        const category = categories.get(g.category);
        if (p === PERIOD_THIS) {
          thisMonth.activities += n;
          thisMonth.participants += people;
          if (category) category.thisMonth += n;
          const township = perTownship.get(g.region_code);
          if (township) {
            township.activities += n;
            township.participants += people;
          }
        } else if (p === PERIOD_LAST_TO_DATE || p === PERIOD_LAST_REST) {
          lastMonth.activities += n;
          lastMonth.participants += people;
          if (category) category.lastMonth += n;
          if (p === PERIOD_LAST_TO_DATE) {
            lastMonthToDate.activities += n;
            lastMonthToDate.participants += people;
          }
        }
        const week = Number(g.week);
        if (week >= 0 && week < TREND_WEEKS) {
          weeks[week].activities += n;
          weeks[week].participants += people;
        }
      }
      const live = Number(current?.live ?? 0);
      const today = Number(current?.today ?? 0);

      let coverage: { minutes: number; population: number; coveredPopulation: number } | null = null;
      let coveredByTownship = new Map<string, number>();
      if (app.network) {
        const summary = coverageSummary(
          await app.coverage.saved({ minutes: 15, mode: 'walk', levels: DEFAULT_COVERAGE_LEVELS }),
        );
        coverage = {
          minutes: 15,
          population: summary.totals.population,
          coveredPopulation: summary.totals.coveredPopulation,
        };
        coveredByTownship = new Map(summary.regions.map((r) => [r.code, r.coveredPopulation]));
      }

      return {
        now: nowIso,
        periods: {
          monthStart: iso(monthStart),
          lastMonthStart: iso(lastMonthStart),
          lastMonthSameDay: iso(lastMonthSameDay),
        },
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
            stations: stationsIn.get(r.code) ?? 0,
            activitiesThisMonth: perTownship.get(r.code)!.activities,
            participantsThisMonth: perTownship.get(r.code)!.participants,
            coveredPopulation: coveredByTownship.get(r.code) ?? null,
          }))
          .sort((a, b) => b.activitiesThisMonth - a.activitiesThisMonth || a.code.localeCompare(b.code)),
        categories: [...categories]
          .map(([category, c]) => ({ category, ...c }))
          .sort((a, b) => b.thisMonth - a.thisMonth),
        weeks,
      };
    },
  );
};
