/**
 * Activities: the public list (GeoJSON) and live stream; organizers write for their own station,
 * planners and admins for any. Every write logs an event that the stream delivers.
 */
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../db/schema.js';
import { insideDistrict } from '../db/regions.js';
import { requireRole, seesPersonalData } from '../plugins/auth.js';
import { badRequest, forbidden, notFound } from '../plugins/errors.js';
import {
  ACTIVITY_STATUSES,
  MAX_ACTIVITY_MS,
  activityFeature,
  activityQuery,
  insertActivity,
  loadActivity,
  updateActivity,
  type ActivityChanges,
  type ActivityRow,
  type ActivityStatus,
  latestEventId,
} from '../live/activities.js';
import { STREAM_HEADERS } from '../live/stream.js';
import {
  BBoxQuery,
  CommaList,
  Id,
  IdParams,
  MAX_ID,
  RegionCode,
  ServiceCategory as CategorySchema,
  Stored,
  StringEnum,
  TAGS,
  sessionFor,
  TimeQuery,
  described,
  errorWhen,
  errors,
  mediaResponse,
} from './schemas.js';
import { ActivityCollection, ActivityFeature } from './activities.schema.js';
import { parseBBox, parseTimeQuery } from './query.js';
import { liveStations } from '../db/stations.js';

const StatusList = CommaList(ACTIVITY_STATUSES, 'comma-separated: upcoming,live,finished,cancelled');
const CategoryList = CommaList(SERVICE_CATEGORIES, 'comma-separated service categories');

const ListQuery = Type.Object(
  {
    status: Type.Optional(StatusList),
    from: Type.Optional(TimeQuery('activities ending after')),
    to: Type.Optional(TimeQuery('activities starting before')),
    region: Type.Optional(RegionCode),
    category: Type.Optional(CategoryList),
    bbox: Type.Optional(BBoxQuery),
    station: Type.Optional(Id),
    sort: Type.Optional(
      StringEnum(['start', '-start'] as const, { description: 'by start time, ascending or (default) descending' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'at most this many (default 1000)' })),
  },
  { additionalProperties: false },
);

const Place = Type.Object(
  { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) },
  { additionalProperties: false },
);
const IsoTime = Type.String({
  format: 'date-time',
  maxLength: 40,
  description: 'ISO 8601 with a zone, e.g. 2026-11-24T09:00:00+08:00',
});
const Count = Type.Integer({ minimum: 0, maximum: 100_000 });
const ActivityWrite = {
  title: Stored('activities.title', { minLength: 1, pattern: '\\S' }),
  category: CategorySchema,
  stationId: Id,
  place: Type.Optional(
    Type.Union([Place, Type.Null()], { description: 'where it happens; omitted or null: at the station' }),
  ),
  startsAt: IsoTime,
  endsAt: IsoTime,
  expectedParticipants: Type.Optional(Type.Union([Count, Type.Null()])),
  participants: Type.Optional(Type.Union([Count, Type.Null()])),
  requester: Type.Optional(Type.Union([Stored('activities.requester'), Type.Null()])),
};
const CreateBody = Type.Object(ActivityWrite, { additionalProperties: false });
const UpdateBody = Type.Partial(Type.Object({ ...ActivityWrite, cancelled: Type.Boolean() }), {
  additionalProperties: false,
  minProperties: 1,
});
const OtherStation = errorWhen('FORBIDDEN: an organizer writing for a station other than their own');
const StreamQuery = Type.Object(
  { lastEventId: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID })) },
  { additionalProperties: false },
);

function statusWhere(statuses: ActivityStatus[], nowIso: string) {
  return (eb: any) =>
    eb.or(
      statuses.map((s) => {
        if (s === 'cancelled') return eb('activities.cancelled', '=', 1);
        if (s === 'upcoming')
          return eb.and([eb('activities.cancelled', '=', 0), eb('activities.starts_at', '>', nowIso)]);
        if (s === 'live')
          return eb.and([
            eb('activities.cancelled', '=', 0),
            eb('activities.starts_at', '<=', nowIso),
            eb('activities.ends_at', '>', nowIso),
          ]);
        return eb.and([eb('activities.cancelled', '=', 0), eb('activities.ends_at', '<=', nowIso)]);
      }),
    );
}

export const activityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const nowIso = () => new Date(app.clock()).toISOString();

  /** Organizers write only for their own station. */
  function assertMayWrite(request: FastifyRequest, stationId: number) {
    const user = request.user!;
    if (user.role !== 'organizer') return;
    if (user.stationId === null) throw forbidden('This organizer account belongs to no station');
    if (user.stationId !== stationId)
      throw forbidden(`Organizers publish only for their own station (${user.stationId}), not station ${stationId}`);
  }

  async function stationOf(id: number) {
    const station = await liveStations(app.db).select(['id', 'lon', 'lat']).where('id', '=', id).executeTakeFirst();
    if (!station) throw badRequest(`body.stationId: no station with id ${id}`);
    return station;
  }

  async function checkPlace(place: { lon: number; lat: number }) {
    if (!(await insideDistrict(app.db, place.lon, place.lat)))
      throw badRequest(`body.place: (${place.lon}, ${place.lat}) lies outside the district`);
  }

  function checkTimes(startsAt: string, endsAt: string) {
    if (endsAt <= startsAt) throw badRequest(`body.endsAt: must be after startsAt (${startsAt} – ${endsAt})`);
    if (Date.parse(endsAt) - Date.parse(startsAt) > MAX_ACTIVITY_MS)
      throw badRequest('body.endsAt: an activity may last at most 31 days');
  }

  const toUtc = (iso: string) => new Date(iso).toISOString();

  app.get(
    '/activities',
    {
      schema: {
        summary: 'Activities as GeoJSON points, filtered by status, time, township, category, place and station',
        tags: [TAGS.activities],
        operationId: 'listActivities',
        querystring: ListQuery,
        response: { 200: ActivityCollection, ...errors(400) },
      },
    },
    async (request) => {
      const q = request.query;
      const now = nowIso();
      let query = activityQuery(app.db);
      if (q.status) query = query.where(statusWhere(q.status.split(',') as ActivityStatus[], now));
      const from = q.from ? parseTimeQuery(q.from, 'querystring.from') : null;
      const to = q.to ? parseTimeQuery(q.to, 'querystring.to') : null;
      if (from && to && to <= from) throw badRequest(`querystring.to: must be after from (${from} – ${to})`);
      if (from) query = query.where('activities.ends_at', '>', from);
      if (to) query = query.where('activities.starts_at', '<', to);
      if (q.region) {
        const region = await app.db
          .selectFrom('regions')
          .select(['level'])
          .where('code', '=', q.region)
          .executeTakeFirst();
        if (!region) throw badRequest(`querystring.region: no region with code ${q.region}`);
        if (region.level === 'township') query = query.where('stations.region_code', '=', q.region);
        else if (region.level === 'village') query = query.where('stations.village_code', '=', q.region);
      }
      if (q.category) query = query.where('activities.category', 'in', q.category.split(',') as ServiceCategory[]);
      if (q.bbox) {
        const [w, s, e, n] = parseBBox(q.bbox);
        query = query
          .where('activities.lon', '>=', w)
          .where('activities.lon', '<=', e)
          .where('activities.lat', '>=', s)
          .where('activities.lat', '<=', n);
      }
      if (q.station) query = query.where('activities.station_id', '=', q.station);
      const rows = (await query
        .orderBy('activities.starts_at', q.sort === 'start' ? 'asc' : 'desc')
        .orderBy('activities.id')
        .limit(q.limit ?? 1000)
        .execute()) as ActivityRow[];
      const personal = seesPersonalData(request);
      return { type: 'FeatureCollection' as const, features: rows.map((r) => activityFeature(r, now, personal)) };
    },
  );

  app.get(
    '/activities/:id',
    {
      schema: {
        summary: 'One activity',
        tags: [TAGS.activities],
        operationId: 'getActivity',
        params: IdParams,
        response: { 200: ActivityFeature, ...errors(400, 404) },
      },
    },
    async (request) => {
      const row = await loadActivity(app.db, request.params.id);
      if (!row) throw notFound(`No activity with id ${request.params.id}`);
      return activityFeature(row, nowIso(), seesPersonalData(request));
    },
  );

  app.post(
    '/activities',
    {
      onRequest: requireRole('organizer', 'planner', 'admin'),
      schema: {
        summary: 'Publish an activity (organizers: own station only)',
        tags: [TAGS.activities],
        operationId: 'createActivity',
        ...sessionFor(['organizer', 'planner', 'admin']),
        body: CreateBody,
        response: {
          201: described(ActivityFeature, 'Published; the Location header names the new activity'),
          ...errors(400, 401),
          403: OtherStation,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      assertMayWrite(request, b.stationId);
      const station = await stationOf(b.stationId);
      const startsAt = toUtc(b.startsAt);
      const endsAt = toUtc(b.endsAt);
      checkTimes(startsAt, endsAt);
      const place = b.place ?? { lon: station.lon, lat: station.lat };
      if (b.place) await checkPlace(b.place);
      const now = nowIso();
      const { id, eventId } = await insertActivity(
        app.db,
        {
          station_id: b.stationId,
          title: b.title.trim(),
          category: b.category,
          lon: place.lon,
          lat: place.lat,
          starts_at: startsAt,
          ends_at: endsAt,
          expected_participants: b.expectedParticipants ?? null,
          participants: b.participants ?? null,
          cancelled: 0,
          requester: b.requester?.trim() || null,
          created_by: request.user!.id,
          created_at: now,
          updated_at: now,
        },
        now,
      );
      await app.live.bus.publish(eventId);
      const row = (await loadActivity(app.db, id))!;
      return reply
        .status(201)
        .header('location', `/api/activities/${id}`)
        .send(activityFeature(row, now, true));
    },
  );

  app.patch(
    '/activities/:id',
    {
      onRequest: requireRole('organizer', 'planner', 'admin'),
      schema: {
        summary: 'Update or cancel an activity (organizers: own station only)',
        tags: [TAGS.activities],
        operationId: 'updateActivity',
        ...sessionFor(['organizer', 'planner', 'admin']),
        params: IdParams,
        body: UpdateBody,
        response: { 200: described(ActivityFeature, 'Updated'), ...errors(400, 401, 404), 403: OtherStation },
      },
    },
    async (request) => {
      const current = await loadActivity(app.db, request.params.id);
      if (!current) throw notFound(`No activity with id ${request.params.id}`);
      assertMayWrite(request, current.station_id);
      const b = request.body;
      const changes: ActivityChanges = {};
      let station = { id: current.station_id, lon: current.station_lon, lat: current.station_lat };
      if (b.stationId !== undefined && b.stationId !== current.station_id) {
        assertMayWrite(request, b.stationId);
        station = await stationOf(b.stationId);
        changes.station_id = b.stationId;
      }
      const wasAtStation = current.lon === current.station_lon && current.lat === current.station_lat;
      if (b.place) {
        await checkPlace(b.place);
        changes.lon = b.place.lon;
        changes.lat = b.place.lat;
      } else if (b.place === null || (changes.station_id !== undefined && wasAtStation)) {
        // Back to the station, or following the station it moved to.
        changes.lon = station.lon;
        changes.lat = station.lat;
      }
      if (b.title !== undefined) changes.title = b.title.trim();
      if (b.category !== undefined) changes.category = b.category;
      const startsAt = b.startsAt !== undefined ? toUtc(b.startsAt) : current.starts_at;
      const endsAt = b.endsAt !== undefined ? toUtc(b.endsAt) : current.ends_at;
      if (b.startsAt !== undefined || b.endsAt !== undefined) {
        checkTimes(startsAt, endsAt);
        changes.starts_at = startsAt;
        changes.ends_at = endsAt;
      }
      if (b.expectedParticipants !== undefined) changes.expected_participants = b.expectedParticipants;
      if (b.participants !== undefined) changes.participants = b.participants;
      if (b.requester !== undefined) changes.requester = b.requester?.trim() || null;
      if (b.cancelled !== undefined) changes.cancelled = b.cancelled ? 1 : 0;
      const now = nowIso();
      const eventId = await updateActivity(app.db, current.id, changes, now);
      await app.live.bus.publish(eventId);
      return activityFeature((await loadActivity(app.db, current.id))!, now, true);
    },
  );

  app.get(
    '/activities/stream',
    {
      schema: {
        summary:
          'Server-Sent Events: `activity` (the feature with its log entry) on create, update, start and finish; `heartbeat`',
        description:
          "Each `activity` event's data is the activity feature with `event: {id, kind, at}` (the log entry, whose id is the SSE id). " +
          'Reconnect with the Last-Event-ID header (EventSource does this) or ?lastEventId= to be sent everything missed ' +
          '(an id beyond the newest event is refused with 400). HEAD answers the headers only.',
        tags: [TAGS.activities],
        operationId: 'streamActivities',
        querystring: StreamQuery,
        response: {
          200: mediaResponse('An endless Server-Sent Events stream', {
            'text/event-stream': Type.String({ description: 'event: activity | heartbeat; id; data: JSON' }),
          }),
          ...errors(400),
        },
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      let lastEventId: number | null = request.query.lastEventId ?? null;
      let source = 'querystring.lastEventId';
      if (typeof header === 'string' && header !== '') {
        if (!/^(0|[1-9][0-9]{0,14})$/.test(header))
          throw badRequest(`headers.last-event-id: expected an event id, got "${header.slice(0, 20)}"`);
        lastEventId = Number(header);
        source = 'headers.last-event-id';
      }
      if (lastEventId !== null) {
        // An id the log never reached (another database, or a forged header) would wait forever: refuse it.
        const newest = await latestEventId(app.db);
        if (lastEventId > newest)
          throw badRequest(
            `${source}: event ${lastEventId} is beyond the newest event (${newest}); reconnect without it`,
          );
      }
      reply.hijack();
      if (request.method === 'HEAD') {
        reply.raw.writeHead(200, STREAM_HEADERS);
        reply.raw.end();
        return;
      }
      await app.live.stream.connect(reply.raw, seesPersonalData(request), lastEventId);
    },
  );
};

export type ActivityFeatureBody = Static<typeof ActivityFeature>;
