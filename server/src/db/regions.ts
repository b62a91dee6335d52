/**
 * Questions about the imported boundaries that several routes ask, and the changes to them that must
 * not leave anything behind: renaming, deleting, and moving what lies in a township to the township
 * that contains it once the set of townships changes.
 *
 * What hangs on a region: villages under a township (regions.parent_code) and townships under the
 * district; stations (stations.region_code, stations.village_code: foreign keys); population points
 * (population_points.township_code and region_code: no foreign keys, so kept right here); activities
 * only through their stations, which these changes move but never delete.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Region } from './schema.js';
import { bboxOf, pointInArea, type AreaGeometry, type BBox } from '../geo/polygon.js';

/** Whether a point lies inside the district; true when no district boundary has been imported. */
export async function insideDistrict(db: Kysely<Database>, lon: number, lat: number): Promise<boolean> {
  const rows = await db.selectFrom('regions').select(['geometry']).where('level', '=', 'district').execute();
  const shapes = rows.filter((r) => r.geometry).map((r) => JSON.parse(r.geometry!) as AreaGeometry);
  return !shapes.length || shapes.some((g) => pointInArea(lon, lat, g));
}

/** What refers to a region. */
export interface RegionDependents {
  /** Villages and communities under a township; townships under the district. */
  children: number;
  /** Stations in it (as their township, village or, for the centre, district). */
  stations: number;
  /** Population points counted in it. */
  populationPoints: number;
  /** Activities at those stations: they stay with their stations. */
  activities: number;
}

const count = (row: { n: string | number } | undefined) => Number(row?.n ?? 0);

export async function regionDependents(db: Kysely<Database>, code: string): Promise<RegionDependents> {
  const [children, stations, points, activities] = await Promise.all([
    db
      .selectFrom('regions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('parent_code', '=', code)
      .executeTakeFirst(),
    db
      .selectFrom('stations')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => eb.or([eb('region_code', '=', code), eb('village_code', '=', code)]))
      .executeTakeFirst(),
    db
      .selectFrom('population_points')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => eb.or([eb('township_code', '=', code), eb('region_code', '=', code)]))
      .executeTakeFirst(),
    db
      .selectFrom('activities')
      .innerJoin('stations', 'stations.id', 'activities.station_id')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => eb.or([eb('stations.region_code', '=', code), eb('stations.village_code', '=', code)]))
      .executeTakeFirst(),
  ]);
  return {
    children: count(children),
    stations: count(stations),
    populationPoints: count(points),
    activities: count(activities),
  };
}

/** A station that no remaining township contains, so it cannot be moved by its place. */
export interface UnplacedStation {
  id: number;
  name: string;
  lon: number;
  lat: number;
}

/** What moved to another township, and what went because no township contains it any more. */
export interface Relocation {
  stations: number;
  villages: number;
  populationPoints: number;
  removedVillages: number;
  removedPopulationPoints: number;
}

/** A refusal: stations would be left in no township. Nothing has been written. */
export class UnplacedStationsError extends Error {
  constructor(readonly stations: UnplacedStation[]) {
    super(
      `${stations.length} station${stations.length === 1 ? '' : 's'} would be left in no township: ` +
        stations
          .slice(0, 10)
          .map((s) => `${s.name} (id ${s.id}, ${s.lon.toFixed(5)}, ${s.lat.toFixed(5)})`)
          .join(', ') +
        (stations.length > 10 ? ', …' : ''),
    );
  }
}

/** The township that contains a point, by box first. */
function locator(townships: { code: string; geometry: AreaGeometry }[]) {
  const boxes: BBox[] = townships.map((t) => bboxOf(t.geometry));
  return (lon: number, lat: number): string | null => {
    for (let i = 0; i < townships.length; i++) {
      const b = boxes[i];
      if (lon < b[0] || lat < b[1] || lon > b[2] || lat > b[3]) continue;
      if (pointInArea(lon, lat, townships[i].geometry)) return townships[i].code;
    }
    return null;
  };
}

/**
 * Once the townships are to be `townships` (and the ones in `removed` go): everything of a removed township
 * moves to the township that contains it: its villages (by their label point), stations and population
 * points. With scope `all` (a new set of boundaries), so does anything that lies in another township than
 * its own. A station keeps its village only while the village is under its township. A village or
 * population point that no township contains is removed, and a point of a removed village is counted in
 * its township; a station that no township contains is never removed (it has its history): the change is
 * refused with UnplacedStationsError before anything is written. Call it in the transaction that then
 * writes the townships and deletes the removed ones. Township populations are summed again from the points.
 */
export async function relocateToTownships(
  trx: Transaction<Database>,
  townships: { code: string; geometry: AreaGeometry }[],
  removed: Set<string>,
  scope: 'removed' | 'all',
  now: string,
): Promise<Relocation> {
  const locate = locator(townships);
  const kept = new Set(townships.map((t) => t.code));
  const township = await trx.selectFrom('regions').select('code').where('level', '=', 'township').execute();
  const townshipCodes = new Set([...township.map((t) => t.code), ...kept]);
  const inScope = (code: string) => removed.has(code) || (scope === 'all' && townshipCodes.has(code));
  /** Where a thing now in `current` at (lon, lat) belongs: the township containing it, else its own if kept. */
  const target = (current: string, lon: number, lat: number) =>
    locate(lon, lat) ?? (removed.has(current) || !kept.has(current) ? null : current);

  // Stations first, without writing: one that would be left in no township refuses the change.
  const stations = (
    await trx.selectFrom('stations').select(['id', 'name', 'lon', 'lat', 'region_code', 'village_code']).execute()
  ).filter((s) => inScope(s.region_code));
  const stationMoves: { id: number; to: string; village: string | null }[] = [];
  const unplaced: UnplacedStation[] = [];
  for (const s of stations) {
    const to = target(s.region_code, s.lon, s.lat);
    if (to === null) unplaced.push({ id: s.id, name: s.name, lon: s.lon, lat: s.lat });
    else if (to !== s.region_code) stationMoves.push({ id: s.id, to, village: s.village_code });
  }
  if (unplaced.length) throw new UnplacedStationsError(unplaced);

  const result: Relocation = {
    stations: 0,
    villages: 0,
    populationPoints: 0,
    removedVillages: 0,
    removedPopulationPoints: 0,
  };
  // Villages: moved by their label point, or removed with nothing pointing at them.
  const villages = (
    await trx
      .selectFrom('regions')
      .select(['code', 'parent_code', 'label_lon', 'label_lat'])
      .where('level', '=', 'village')
      .execute()
  ).filter((v) => v.parent_code !== null && inScope(v.parent_code));
  const parentOf = new Map(
    (await trx.selectFrom('regions').select(['code', 'parent_code']).where('level', '=', 'village').execute()).map(
      (v) => [v.code, v.parent_code],
    ),
  );
  const gone: string[] = [];
  const changed = new Set<string>();
  for (const v of villages) {
    const to = target(v.parent_code!, v.label_lon, v.label_lat);
    if (to === null) {
      gone.push(v.code);
      parentOf.delete(v.code);
      changed.add(v.code);
    } else if (to !== v.parent_code) {
      await trx.updateTable('regions').set({ parent_code: to }).where('code', '=', v.code).execute();
      parentOf.set(v.code, to);
      changed.add(v.code);
      result.villages++;
    }
  }

  for (const m of stationMoves) {
    const village = m.village && parentOf.get(m.village) === m.to ? m.village : null;
    await trx
      .updateTable('stations')
      .set({ region_code: m.to, village_code: village, updated_at: now })
      .where('id', '=', m.id)
      .execute();
    result.stations++;
  }
  // A station that stays whose village moved to another township (or went) loses the village.
  if (changed.size) {
    const stationVillages = await trx
      .selectFrom('stations')
      .select(['id', 'region_code', 'village_code'])
      .where('village_code', 'in', [...changed])
      .execute();
    for (const s of stationVillages)
      if (parentOf.get(s.village_code!) !== s.region_code)
        await trx.updateTable('stations').set({ village_code: null, updated_at: now }).where('id', '=', s.id).execute();
  }

  const goneSet = new Set(gone);
  const points = (
    await trx.selectFrom('population_points').select(['id', 'lon', 'lat', 'region_code', 'township_code']).execute()
  ).filter((p) => inScope(p.township_code) || goneSet.has(p.region_code));
  const dropped: number[] = [];
  for (const p of points) {
    const to = target(p.township_code, p.lon, p.lat);
    if (to === null) {
      dropped.push(p.id);
      continue;
    }
    // Its own village while that village is under the township it is now in; else the township itself.
    const region =
      p.region_code !== p.township_code && !goneSet.has(p.region_code) && parentOf.get(p.region_code) === to
        ? p.region_code
        : to;
    if (to !== p.township_code || region !== p.region_code) {
      await trx
        .updateTable('population_points')
        .set({ township_code: to, region_code: region })
        .where('id', '=', p.id)
        .execute();
      if (to !== p.township_code) result.populationPoints++;
    }
  }
  for (let i = 0; i < dropped.length; i += 1000)
    await trx
      .deleteFrom('population_points')
      .where('id', 'in', dropped.slice(i, i + 1000))
      .execute();
  result.removedPopulationPoints = dropped.length;

  for (let i = 0; i < gone.length; i += 1000)
    await trx
      .deleteFrom('regions')
      .where('code', 'in', gone.slice(i, i + 1000))
      .execute();
  result.removedVillages = gone.length;

  if (result.populationPoints || dropped.length) await sumTownshipPopulations(trx, [...kept]);
  return result;
}

/** Each township's population as the sum of its population points. */
export async function sumTownshipPopulations(trx: Kysely<Database>, codes: string[]): Promise<void> {
  const sums = await trx
    .selectFrom('population_points')
    .select(['township_code', (eb) => eb.fn.sum<string | number>('population').as('n')])
    .groupBy('township_code')
    .execute();
  const byCode = new Map(sums.map((s) => [s.township_code, Number(s.n)]));
  for (const code of codes)
    await trx
      .updateTable('regions')
      .set({ population: byCode.get(code) ?? 0 })
      .where('code', '=', code)
      .execute();
}

/** A refusal to delete: what still refers to the region, and for a forced delete the stations it cannot move. */
export class RegionInUseError extends Error {
  constructor(
    message: string,
    readonly dependents: RegionDependents,
    readonly unplaced: UnplacedStation[] = [],
  ) {
    super(message);
  }
}

export interface RegionDeleted {
  region: Pick<Region, 'code' | 'name' | 'level'>;
  relocated: Relocation;
}

const LEVEL_NAMES = { district: 'district', township: 'township', village: 'village or community' } as const;

/**
 * Deletes a region. Without `force`, only one nothing refers to (else RegionInUseError with the counts).
 * With `force`, a township's villages, stations and population points move to the township that
 * contains them (villages and points that none contains go; a station that none contains refuses the
 * delete), and a village's stations keep their township without the village, its points counted in the
 * township. The district is deleted only when nothing refers to it, forced or not. Null when there is no
 * such region.
 */
export async function deleteRegion(
  db: Kysely<Database>,
  code: string,
  options: { force: boolean; now: string },
): Promise<RegionDeleted | null> {
  return db.transaction().execute(async (trx) => {
    const region = await trx
      .selectFrom('regions')
      .select(['code', 'name', 'level', 'parent_code'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (!region) return null;
    const dependents = await regionDependents(trx, code);
    const relocated: Relocation = {
      stations: 0,
      villages: 0,
      populationPoints: 0,
      removedVillages: 0,
      removedPopulationPoints: 0,
    };
    const inUse = dependents.children + dependents.stations + dependents.populationPoints > 0;
    if (inUse && (!options.force || region.level === 'district'))
      throw new RegionInUseError(
        `${region.name} (${code}) is in use: ${describeDependents(dependents, region.level)}` +
          (region.level === 'district'
            ? '; delete its townships and stations first'
            : '; delete with force=true to move them to the township that contains them'),
        dependents,
      );
    if (inUse && region.level === 'township') {
      const others = (
        await trx
          .selectFrom('regions')
          .select(['code', 'geometry'])
          .where('level', '=', 'township')
          .where('code', '!=', code)
          .execute()
      )
        .filter((t) => t.geometry)
        .map((t) => ({ code: t.code, geometry: JSON.parse(t.geometry!) as AreaGeometry }));
      try {
        Object.assign(relocated, await relocateToTownships(trx, others, new Set([code]), 'removed', options.now));
      } catch (err) {
        if (err instanceof UnplacedStationsError)
          throw new RegionInUseError(
            `${region.name} (${code}) cannot be deleted: ${err.message}; move or delete those stations first, or import new boundaries that contain them (mode=replace)`,
            dependents,
            err.stations,
          );
        throw err;
      }
    } else if (inUse && region.level === 'village') {
      const stations = await trx
        .updateTable('stations')
        .set({ village_code: null, updated_at: options.now })
        .where('village_code', '=', code)
        .executeTakeFirst();
      relocated.stations = Number(stations.numUpdatedRows);
      const points = await trx
        .updateTable('population_points')
        .set((eb) => ({ region_code: eb.ref('township_code') }))
        .where('region_code', '=', code)
        .executeTakeFirst();
      relocated.populationPoints = Number(points.numUpdatedRows);
    }
    await trx.deleteFrom('regions').where('code', '=', code).execute();
    return { region: { code: region.code, name: region.name, level: region.level }, relocated };
  });
}

/** `3 villages, 12 stations (40 activities), 25 population points` */
export function describeDependents(d: RegionDependents, level: Region['level']): string {
  const parts: string[] = [];
  if (d.children) parts.push(`${d.children} ${level === 'district' ? 'townships' : 'villages or communities'}`);
  if (d.stations) parts.push(`${d.stations} stations${d.activities ? ` (with ${d.activities} activities)` : ''}`);
  if (d.populationPoints) parts.push(`${d.populationPoints} population points`);
  return parts.join(', ') || 'nothing';
}

/** A refusal to rename: another region under the same parent has the name. */
export class RegionNameTakenError extends Error {}

/**
 * Renames a region. A township's kind follows its name (…街道 is a subdistrict, else a town). Its stations
 * are marked updated, since the township's name is part of what the station list shows. Null when there is
 * no such region.
 */
export async function renameRegion(
  db: Kysely<Database>,
  code: string,
  name: string,
  now: string,
): Promise<Region | null> {
  return db.transaction().execute(async (trx) => {
    const region = await trx.selectFrom('regions').selectAll().where('code', '=', code).executeTakeFirst();
    if (!region) return null;
    // Names are how station and population files name townships: unique among a parent's regions.
    const taken = await trx
      .selectFrom('regions')
      .select('code')
      .where('name', '=', name)
      .where('level', '=', region.level)
      .where((eb) =>
        region.parent_code === null ? eb('parent_code', 'is', null) : eb('parent_code', '=', region.parent_code),
      )
      .where('code', '!=', code)
      .executeTakeFirst();
    if (taken)
      throw new RegionNameTakenError(`${name} is already the name of ${LEVEL_NAMES[region.level]} ${taken.code}`);
    const kind = region.level === 'township' ? (name.endsWith('街道') ? 'subdistrict' : 'town') : region.kind;
    await trx.updateTable('regions').set({ name, kind }).where('code', '=', code).execute();
    await trx
      .updateTable('stations')
      .set({ updated_at: now })
      .where((eb) => eb.or([eb('region_code', '=', code), eb('village_code', '=', code)]))
      .execute();
    return { ...region, name, kind };
  });
}
