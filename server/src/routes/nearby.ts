/**
 * Nearest stations by travel time from a point (the public "which station is near me"), each with its
 * time, distance, whether it is open now and the route to walk. One search per request; the stations'
 * snapped points are computed once per (stations, network, mode).
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SERVICE_CATEGORIES, STATION_LEVELS, type StationLevel } from '../db/schema.js';
import { parseOpeningHours, weekOpenAt, type Week } from '../domain/opening-hours.js';
import { nearestStations, snapStations, type NearbyHit } from '../geo/nearby.js';
import { TRAVEL_MODES, type TravelMode } from '../geo/osm.js';
import type { Snap } from '../geo/snap.js';
import { DEFAULT_MAX_SNAP_M } from '../geo/service-area.js';
import { seesPersonalData } from '../plugins/auth.js';
import { HttpError } from '../plugins/errors.js';
import { noNetwork } from '../network/coverage-cache.js';
import { shareStationSnaps, type SharedStationSnaps } from '../workers/tasks.js';
import { CommaList, NoNetworkError, StringEnum, TAGS, TooFarFromStreetError, errors } from './schemas.js';
import { toFeature } from './stations.js';
import { NearbyResponse } from './nearby.schema.js';
import { stationRowsQuery, stationsFingerprint, type StationRow } from '../db/stations.js';

const NearbyQuery = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'how many stations (default 5)' })),
    mode: Type.Optional(StringEnum(TRAVEL_MODES)),
    service: Type.Optional(StringEnum(SERVICE_CATEGORIES, { description: 'only stations offering this service' })),
    openNow: Type.Optional(Type.Boolean({ description: 'only stations open at the current time (China time)' })),
    levels: Type.Optional(CommaList(STATION_LEVELS, 'comma-separated levels (default all four)')),
  },
  { additionalProperties: false },
);

/** The station table as the search wants it, kept while the table and the network stay the same. */
interface StationSet {
  key: string;
  rows: StationRow[];
  services: Set<string>[];
  weeks: (Week | null)[];
  snaps: Map<TravelMode, (Snap | null)[]>;
  /** The same in shared memory, for searches in a worker. */
  shared: Map<TravelMode, SharedStationSnaps>;
}

/** Networks up to this many edges are searched on the event loop (a whole search: under 10 ms). */
export const NEARBY_INLINE_EDGES = 50_000;

export const nearbyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const heap = app.searchHeap;
  let cached: StationSet | null = null;

  async function stationSet(builtAt: string): Promise<StationSet> {
    const key = `${await stationsFingerprint(app.db)}|${builtAt}`;
    if (cached?.key !== key) {
      const rows = (await stationRowsQuery(app.db).orderBy('stations.id').execute()) as StationRow[];
      cached = {
        key,
        rows,
        services: rows.map((r) => new Set(JSON.parse(r.services) as string[])),
        weeks: rows.map((r) => parseOpeningHours(r.hours)),
        snaps: new Map(),
        shared: new Map(),
      };
    }
    return cached;
  }

  /**
   * The search, on this thread where the whole network is small enough to search in a few
   * milliseconds, else in a worker: a 20-station search can settle every street (87 ms at 100,000
   * edges by car, about half a second at a prefecture's million).
   */
  async function nearest(
    set: StationSet,
    mode: TravelMode,
    snaps: (Snap | null)[],
    q: { lon: number; lat: number; limit: number; candidates: number[] },
  ): Promise<{ snapDistance: number; hits: NearbyHit[] } | null> {
    const net = app.network!.modes[mode];
    if (net.graph.edgeCount <= NEARBY_INLINE_EDGES) {
      const found = nearestStations(net, q.lon, q.lat, set.rows, snaps, q.candidates, { limit: q.limit, heap });
      return found.ok ? { snapDistance: found.snap.distance, hits: found.hits } : null;
    }
    let shared = set.shared.get(mode);
    if (!shared) set.shared.set(mode, (shared = shareStationSnaps(`${set.key}|${mode}`, set.rows, snaps)));
    const found = await app.heavy.run({ kind: 'nearby', mode, ...q, stations: shared });
    return 'tooFar' in found ? null : found;
  }

  app.get(
    '/nearby',
    {
      schema: {
        summary: 'The nearest stations by travel time on the street network, with the route to each',
        tags: [TAGS.serviceAreas],
        operationId: 'findNearbyStations',
        querystring: NearbyQuery,
        response: { 200: NearbyResponse, ...errors(400), 409: NoNetworkError, 422: TooFarFromStreetError },
      },
    },
    async (request) => {
      const { lon, lat, limit = 5, mode = 'walk', service, openNow = false } = request.query;
      const levels = new Set((request.query.levels ?? STATION_LEVELS.join(',')).split(',') as StationLevel[]);
      const network = app.network;
      if (!network) throw noNetwork('finding nearby stations by travel time');
      const net = network.modes[mode];
      const set = await stationSet(network.report.builtAt);
      let snaps = set.snaps.get(mode);
      if (!snaps) set.snaps.set(mode, (snaps = snapStations(net, set.rows)));
      const now = app.clock();
      const candidates: number[] = [];
      set.rows.forEach((row, i) => {
        if (!levels.has(row.level)) return;
        if (service && !set.services[i].has(service)) return;
        if (openNow && weekOpenAt(set.weeks[i], now) !== true) return;
        candidates.push(i);
      });
      const found = await nearest(set, mode, snaps, { lon, lat, limit, candidates });
      if (!found) {
        throw new HttpError(
          422,
          'TOO_FAR_FROM_STREET',
          `(${lon}, ${lat}) is more than ${DEFAULT_MAX_SNAP_M} m from any street the ${mode} network has: no nearby stations are computed for it`,
        );
      }
      const personal = seesPersonalData(request);
      return {
        origin: { lon, lat, snapDistanceM: Math.round(found.snapDistance * 10) / 10 },
        mode,
        method: 'network' as const,
        results: found.hits.map((hit) => {
          const row = set.rows[hit.station];
          return {
            station: toFeature(row, personal),
            seconds: Math.round(hit.seconds * 10) / 10,
            meters: Math.round(hit.metres * 10) / 10,
            openNow: weekOpenAt(set.weeks[hit.station], now),
            route: {
              type: 'Feature' as const,
              properties: { stationId: row.id },
              geometry: { type: 'LineString' as const, coordinates: hit.route as [number, number][] },
            },
          };
        }),
      };
    },
  );
};
