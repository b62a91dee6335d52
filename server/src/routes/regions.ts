/**
 * Regions as GeoJSON: district and township polygons, villages and communities as label points. Planners
 * and admins rename and delete them; a delete never leaves anything pointing at a region that is gone
 * (db/regions.ts), and is refused with what depends on it unless forced.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Database, Region } from '../db/schema.js';
import { deleteRegion, RegionInUseError, RegionNameTakenError, renameRegion } from '../db/regions.js';
import { requireRole } from '../plugins/auth.js';
import { HttpError, badRequest, conflict, notFound } from '../plugins/errors.js';
import { RegionCode, Stored, TAGS, described, errorWhen, errors, sessionFor } from './schemas.js';
import {
  RegionCollection,
  RegionDeleted,
  RegionFeature,
  RegionInUse,
  RegionLevelSchema as LevelSchema,
} from './regions.schema.js';
import { liveStations } from '../db/stations.js';

const CodeParams = Type.Object({ code: RegionCode });

/** The number of stations in each region of a level (the district counts all). */
async function stationCounts(db: Kysely<Database>, level: Region['level']) {
  const column = level === 'village' ? 'village_code' : 'region_code';
  const counts = await liveStations(db)
    .select([column, (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(column)
    .execute();
  const countOf = new Map(counts.map((c) => [(c as Record<string, unknown>)[column] as string, Number(c.n)]));
  const total = counts.reduce((s, c) => s + Number(c.n), 0);
  return (code: string) => (level === 'district' ? total : (countOf.get(code) ?? 0));
}

function toFeature(r: Region, stations: number) {
  return {
    type: 'Feature' as const,
    id: r.code,
    properties: {
      code: r.code,
      name: r.name,
      level: r.level,
      kind: r.kind,
      parentCode: r.parent_code,
      population: r.population,
      labelLon: r.label_lon,
      labelLat: r.label_lat,
      stations,
    },
    geometry: r.geometry ? JSON.parse(r.geometry) : { type: 'Point', coordinates: [r.label_lon, r.label_lat] },
  };
}

/** A foreign key refused the write: something was added to the region meanwhile. */
const isForeignKeyViolation = (err: unknown) => {
  const e = err as { code?: string };
  return e.code === '23503' || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
};

export const regionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/regions',
    {
      schema: {
        summary: 'Regions of one level; villages and communities come as label points',
        tags: [TAGS.regions],
        operationId: 'listRegions',
        querystring: Type.Object(
          {
            level: Type.Optional(LevelSchema),
            parent: Type.Optional(RegionCode),
          },
          { additionalProperties: false },
        ),
        response: { 200: RegionCollection, ...errors(400) },
      },
    },
    async (request) => {
      const level = request.query.level ?? 'township';
      let query = app.db.selectFrom('regions').selectAll().where('level', '=', level);
      if (request.query.parent) query = query.where('parent_code', '=', request.query.parent);
      const rows = await query.orderBy('code').execute();
      const stations = await stationCounts(app.db, level);
      return { type: 'FeatureCollection' as const, features: rows.map((r) => toFeature(r, stations(r.code))) };
    },
  );

  app.patch(
    '/regions/:code',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'Rename a region (planner, admin)',
        description:
          'Station and population files name townships by name, so a name is unique among the regions ' +
          'under one parent. A township named …街道 becomes a subdistrict, any other name a town.',
        tags: [TAGS.regions],
        operationId: 'renameRegion',
        ...sessionFor(['planner', 'admin']),
        params: CodeParams,
        body: Type.Object(
          { name: Stored('regions.name', { minLength: 1, description: 'the new name' }) },
          { additionalProperties: false },
        ),
        response: {
          200: described(RegionFeature, 'Renamed'),
          ...errors(400, 401, 403, 404),
          409: errorWhen('CONFLICT: another region under the same parent has this name'),
        },
      },
    },
    async (request) => {
      const { code } = request.params;
      const name = request.body.name.trim();
      if (!name) throw badRequest('body.name: must not be blank');
      if (/\p{Cc}/u.test(name)) throw badRequest('body.name: contains a control character');
      let region: Region | null;
      try {
        region = await renameRegion(app.db, code, name, new Date().toISOString());
      } catch (err) {
        if (err instanceof RegionNameTakenError) throw conflict(err.message);
        throw err;
      }
      if (!region) throw notFound(`No region with code ${code}`);
      request.log.info({ user: request.user?.username, code, name, level: region.level }, 'region renamed');
      return toFeature(region, (await stationCounts(app.db, region.level))(code));
    },
  );

  app.delete(
    '/regions/:code',
    {
      onRequest: requireRole('planner', 'admin'),
      schema: {
        summary: 'Delete a region (planner, admin)',
        description:
          'A region that stations, population points or villages refer to answers 409 REGION_IN_USE with ' +
          'their counts (and the activities at those stations) in error.details.dependents. With ' +
          'force=true a township is deleted all the same: its villages, stations and population points move ' +
          'to the township that contains them, villages and points that none contains are removed, and a ' +
          'station that none contains refuses the delete (error.details.unplaced): stations are never ' +
          'deleted with a region. A village is deleted with force by detaching its stations and counting its ' +
          'population points in the township. The district is deleted only when nothing refers to it.',
        tags: [TAGS.regions],
        operationId: 'deleteRegion',
        ...sessionFor(['planner', 'admin']),
        params: CodeParams,
        querystring: Type.Object(
          {
            force: Type.Optional(
              Type.Boolean({ description: 'move what refers to the region to the township that contains it' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: RegionDeleted, ...errors(400, 401, 403, 404), 409: RegionInUse },
      },
    },
    async (request) => {
      const { code } = request.params;
      const force = request.query.force === true;
      let deleted;
      try {
        deleted = await deleteRegion(app.db, code, { force, now: new Date().toISOString() });
      } catch (err) {
        if (err instanceof RegionInUseError)
          throw new HttpError(409, 'REGION_IN_USE', err.message, {
            dependents: err.dependents,
            unplaced: err.unplaced,
          });
        if (isForeignKeyViolation(err))
          throw conflict(`Something was added to region ${code} while it was being deleted; try again`);
        throw err;
      }
      if (!deleted) throw notFound(`No region with code ${code}`);
      request.log.info(
        { user: request.user?.username, ...deleted.region, force, relocated: deleted.relocated },
        'region deleted',
      );
      return { ...deleted.region, relocated: deleted.relocated };
    },
  );
};
