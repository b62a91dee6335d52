/**
 * Heatmaps: activity density weighted by participants or by count, per week for the time slider, or
 * the density of people outside every service circle. Always aggregated onto a grid of `cell`
 * metres, so the payload follows the number of places and weeks, not the number of activities.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../db/schema.js';
import { COVERED } from '../geo/coverage.js';
import { badRequest } from '../plugins/errors.js';
import { chinaWeekStart, DAY_MS, WEEK_MS } from '../live/china-time.js';
import { daysSinceEpoch } from '../db/dialect.js';
import { sql } from 'kysely';
import { DEFAULT_COVERAGE_LEVELS } from '../network/coverage-cache.js';
import { CommaList, StringEnum, TAGS, TimeQuery, errorWhen, errors } from './schemas.js';
import { HEAT_SOURCES, HeatmapResponse } from './heatmap.schema.js';
import { parseTimeQuery } from './query.js';
import { liveStations } from '../db/stations.js';

const HEAT_WEIGHTS = ['participants', 'count'] as const;
const HEAT_BUCKETS = ['none', 'week'] as const;

const HeatmapQuery = Type.Object(
  {
    source: Type.Optional(StringEnum(HEAT_SOURCES, { description: 'activities (default) or uncovered population' })),
    from: Type.Optional(TimeQuery('activities starting at or after (default: the Monday 12 weeks ago)')),
    to: Type.Optional(TimeQuery('activities starting before (default: now)')),
    category: Type.Optional(CommaList(SERVICE_CATEGORIES, 'comma-separated categories')),
    weight: Type.Optional(
      StringEnum(HEAT_WEIGHTS, { description: 'participants (default: actual, else expected) or count' }),
    ),
    bucket: Type.Optional(
      StringEnum(HEAT_BUCKETS, {
        description: 'one grid for the period (default) or one per week (China time, from Monday)',
      }),
    ),
    cell: Type.Optional(Type.Integer({ minimum: 25, maximum: 5000, description: 'grid cell in metres (default 100)' })),
    minutes: Type.Optional(
      Type.Number({ minimum: 1, maximum: 60, description: 'for source=uncovered: the walking budget (default 15)' }),
    ),
  },
  { additionalProperties: false },
);

/** Sums weights into grid cells of about `cellM` metres, one grid per bucket. */
class HeatGrid {
  private readonly cells = new Map<string, { lon: number; lat: number; bucket: number; w: number }>();
  readonly dLon: number;
  readonly dLat: number;
  total = 0;
  items = 0;

  constructor(cellM: number, refLat: number) {
    this.dLat = cellM / 110_574;
    this.dLon = cellM / (111_320 * Math.cos((refLat * Math.PI) / 180));
  }

  add(lon: number, lat: number, bucket: number, w: number) {
    this.addCell(Math.floor((lon + 180) / this.dLon), Math.floor((lat + 90) / this.dLat), bucket, w, 1);
  }

  /** Cells are counted from (-180, -90), so every index is positive in both databases' floor(). */
  addCell(ix: number, iy: number, bucket: number, w: number, items: number) {
    const key = `${bucket}:${ix}:${iy}`;
    const cell = this.cells.get(key);
    if (cell) cell.w += w;
    else this.cells.set(key, { lon: (ix + 0.5) * this.dLon - 180, lat: (iy + 0.5) * this.dLat - 90, bucket, w });
    this.total += w;
    this.items += items;
  }

  points() {
    let max = 0;
    const points: [number, number, number, number][] = [];
    for (const c of this.cells.values()) {
      if (c.w <= 0) continue;
      max = Math.max(max, c.w);
      points.push([Math.round(c.lon * 1e6) / 1e6, Math.round(c.lat * 1e6) / 1e6, c.bucket, c.w]);
    }
    return { points, maxWeight: max };
  }
}

export const heatmapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function referenceLatitude(): Promise<number> {
    const row = await liveStations(app.db)
      .select((eb) => eb.fn.avg<number>('lat').as('lat'))
      .executeTakeFirst();
    return Number(row?.lat ?? 0) || 0;
  }

  app.get(
    '/heatmap',
    {
      schema: {
        summary: 'Activity density (per week for the time slider) or uncovered population, aggregated on a grid',
        tags: [TAGS.statistics],
        operationId: 'getHeatmap',
        querystring: HeatmapQuery,
        response: {
          200: HeatmapResponse,
          ...errors(400),
          409: errorWhen('NO_NETWORK: source=uncovered needs a street network, and none is loaded'),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const cellM = q.cell ?? 100;
      const grid = new HeatGrid(cellM, await referenceLatitude());
      if (q.source === 'uncovered') {
        if (q.from || q.to || q.category || q.weight || q.bucket) {
          throw badRequest(
            'querystring.source: uncovered population has no time, category, weight or bucket; pass only minutes and cell',
          );
        }
        const run = await app.coverage.saved({
          minutes: q.minutes ?? 15,
          mode: 'walk',
          levels: DEFAULT_COVERAGE_LEVELS,
        });
        run.data.population.forEach((p, i) => {
          if (run.result.pointStatus[i] !== COVERED) grid.add(p.lon, p.lat, 0, p.population);
        });
        return {
          source: 'uncovered' as const,
          weight: 'population',
          from: null,
          to: null,
          cellM,
          buckets: [],
          ...grid.points(),
          total: grid.total,
          items: grid.items,
        };
      }

      const now = app.clock();
      const to = q.to ? parseTimeQuery(q.to, 'querystring.to') : new Date(now).toISOString();
      const from = q.from
        ? parseTimeQuery(q.from, 'querystring.from')
        : new Date(chinaWeekStart(now) - 12 * WEEK_MS).toISOString();
      if (to <= from) throw badRequest(`querystring.to: must be after from (${from} – ${to})`);
      const weekly = q.bucket === 'week';
      const buckets: { start: string; end: string }[] = [];
      const firstWeek = chinaWeekStart(Date.parse(from));
      if (weekly) {
        if (Date.parse(to) - firstWeek > 60 * WEEK_MS)
          throw badRequest('querystring.from: weekly buckets cover at most 60 weeks');
        for (let w = firstWeek; w < Date.parse(to); w += WEEK_MS)
          buckets.push({ start: new Date(w).toISOString(), end: new Date(w + WEEK_MS).toISOString() });
      } else {
        buckets.push({ start: from, end: to });
      }

      // Summed in the database: one row per (cell, week), whatever the number of activities.
      // (1e-9 of a week keeps an activity at exactly Monday midnight out of the week before.)
      const byCount = q.weight === 'count';
      const { dLon, dLat } = grid;
      const days = daysSinceEpoch(app.db, 'starts_at');
      const week0 = firstWeek / DAY_MS;
      let query = app.db
        .selectFrom('activities')
        .select([
          sql<number>`floor((lon + 180) / ${dLon})`.as('x'),
          sql<number>`floor((lat + 90) / ${dLat})`.as('y'),
          (weekly ? sql<number>`floor((${days} - ${week0}) / 7 + 1e-9)` : sql<number>`0`).as('b'),
          (byCount ? sql<number>`count(*)` : sql<number>`sum(coalesce(participants, expected_participants, 0))`).as(
            'w',
          ),
          sql<number>`count(*)`.as('n'),
        ])
        .where('cancelled', '=', 0)
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to)
        .groupBy([sql`1`, sql`2`, sql`3`]);
      if (q.category) query = query.where('category', 'in', q.category.split(',') as ServiceCategory[]);
      for (const c of await query.execute())
        grid.addCell(Number(c.x), Number(c.y), Number(c.b), Number(c.w), Number(c.n));
      return {
        source: 'activities' as const,
        weight: byCount ? 'count' : 'participants',
        from,
        to,
        cellM,
        buckets,
        ...grid.points(),
        total: grid.total,
        items: grid.items,
      };
    },
  );
};
