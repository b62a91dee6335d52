/**
 * Scenarios (方案): planners' drafts of hypothetical sites, moves and switched-off stations, stored as
 * JSON in `scenarios.changes`. Nothing here writes to `stations` except `adoptScenario`, the explicit
 * adoption: one transaction that first claims the scenario with a compare-and-set on its version, then
 * applies exactly its listed changes (new stations, moves, closings, never deletions) with an audit entry.
 */
import type { Kysely, Transaction } from 'kysely';
import { HttpError, badRequest, conflict, notFound } from '../plugins/errors.js';
import { validateOpeningHours } from '../domain/opening-hours.js';
import { pointInArea, type AreaGeometry } from '../geo/polygon.js';
import { insideDistrict } from './regions.js';
import { liveStations } from './stations.js';
import { recordAudit, type AuditActor } from './audit.js';
import type { Database, ServiceCategory, StationLevel } from './schema.js';
import type { ScenarioSite as SiteChange } from '../network/coverage-service.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A hypothetical site as saved: services are category keys (the schema's enum). */
export type ScenarioSite = Omit<SiteChange, 'services'> & { services?: ServiceCategory[] };

export interface ScenarioMove {
  id: number;
  lon: number;
  lat: number;
}

export interface ScenarioContent {
  add: ScenarioSite[];
  move: ScenarioMove[];
  remove: number[];
}

export interface ScenarioUser {
  id: number;
  username: string;
}

export interface ScenarioHead {
  id: number;
  name: string;
  owner: ScenarioUser;
  version: number;
  createdAt: string;
  updatedAt: string;
  adoptedAt: string | null;
  adoptedBy: ScenarioUser | null;
}

export type ScenarioRecord = ScenarioHead & ScenarioContent;

/** What a site needs to become a station, in the order the messages list them. */
export type SiteField = 'name' | 'level' | 'regionCode' | 'services' | 'hours';

const scenarioQuery = (db: Db) =>
  db
    .selectFrom('scenarios')
    .innerJoin('users as owner', 'owner.id', 'scenarios.owner_id')
    .leftJoin('users as adopter', 'adopter.id', 'scenarios.adopted_by')
    .selectAll('scenarios')
    .select(['owner.username as owner_name', 'adopter.username as adopter_name']);

type ScenarioRow = Awaited<ReturnType<ReturnType<typeof scenarioQuery>['executeTakeFirstOrThrow']>>;

/** The stored JSON, with every list present (an old or hand-written row may lack one). */
export function parseContent(json: string): ScenarioContent {
  const c = JSON.parse(json) as Partial<ScenarioContent>;
  return { add: c.add ?? [], move: c.move ?? [], remove: c.remove ?? [] };
}

function headOf(r: ScenarioRow): ScenarioHead {
  return {
    id: r.id,
    name: r.name,
    owner: { id: r.owner_id, username: r.owner_name },
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    adoptedAt: r.adopted_at,
    adoptedBy: r.adopted_by === null ? null : { id: r.adopted_by, username: r.adopter_name ?? '' },
  };
}

/** Every scenario, newest first, with the number of changes of each kind instead of the changes. */
export async function listScenarios(db: Db) {
  const rows = await scenarioQuery(db)
    .orderBy('scenarios.created_at', 'desc')
    .orderBy('scenarios.id', 'desc')
    .execute();
  return rows.map((r) => {
    const c = parseContent(r.changes);
    return { ...headOf(r), counts: { add: c.add.length, move: c.move.length, remove: c.remove.length } };
  });
}

export async function findScenario(db: Db, id: number): Promise<ScenarioRecord | null> {
  const row = await scenarioQuery(db).where('scenarios.id', '=', id).executeTakeFirst();
  return row ? { ...headOf(row), ...parseContent(row.changes) } : null;
}

export async function getScenario(db: Db, id: number): Promise<ScenarioRecord> {
  const found = await findScenario(db, id);
  if (!found) throw notFound(`No scenario with id ${id}`);
  return found;
}

interface Township {
  code: string;
  name: string;
  geometry: AreaGeometry | null;
}

async function townships(db: Db): Promise<Township[]> {
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'name', 'geometry'])
    .where('level', '=', 'township')
    .orderBy('code')
    .execute();
  return rows.map((t) => ({ ...t, geometry: t.geometry ? (JSON.parse(t.geometry) as AreaGeometry) : null }));
}

/** The township containing the point, as the what-if counts it (network/coverage-service.ts townshipAt). */
function containing(list: Township[], lon: number, lat: number): Township | null {
  return list.find((t) => t.geometry && pointInArea(lon, lat, t.geometry)) ?? null;
}

const pointText = (lon: number, lat: number) => `(${lon}, ${lat})`;

/**
 * Checks a scenario's changes before they are saved; throws a 400 naming the first wrong field
 * (`body.move[2].id`). Moved and switched-off stations must be live, each named once, none both moved
 * and switched off; a site's regionCode must be a township that agrees with where the point lies, its
 * hours readable. Lengths, counts and services are the schema's.
 */
export async function checkContent(db: Db, c: Partial<ScenarioContent>, where = 'body'): Promise<ScenarioContent> {
  const content: ScenarioContent = { add: c.add ?? [], move: c.move ?? [], remove: c.remove ?? [] };
  const named = [...new Set([...content.move.map((m) => m.id), ...content.remove])];
  const live = new Set<number>();
  for (let i = 0; i < named.length; i += 500) {
    const rows = await liveStations(db)
      .select('id')
      .where('id', 'in', named.slice(i, i + 500))
      .execute();
    for (const r of rows) live.add(r.id);
  }
  const movedAt = new Map<number, number>();
  for (const [i, m] of content.move.entries()) {
    if (!live.has(m.id)) throw badRequest(`${where}.move[${i}].id: no open station with id ${m.id}`);
    if (movedAt.has(m.id))
      throw badRequest(`${where}.move[${i}].id: station ${m.id} is already moved at move[${movedAt.get(m.id)}]`);
    movedAt.set(m.id, i);
  }
  const removedAt = new Map<number, number>();
  for (const [i, id] of content.remove.entries()) {
    if (!live.has(id)) throw badRequest(`${where}.remove[${i}]: no open station with id ${id}`);
    if (removedAt.has(id))
      throw badRequest(`${where}.remove[${i}]: station ${id} is already switched off at remove[${removedAt.get(id)}]`);
    if (movedAt.has(id))
      throw badRequest(`${where}.remove[${i}]: station ${id} is moved at move[${movedAt.get(id)}]; it cannot be both`);
    removedAt.set(id, i);
  }
  const list = content.add.some((a) => a.regionCode) ? await townships(db) : [];
  for (const [i, a] of content.add.entries()) {
    if (a.name !== undefined && a.name.trim() === '') throw badRequest(`${where}.add[${i}].name: must not be blank`);
    if (a.hours) {
      const problem = validateOpeningHours(a.hours);
      if (problem) throw badRequest(`${where}.add[${i}].hours: ${problem}`);
    }
    if (a.regionCode) {
      const township = list.find((t) => t.code === a.regionCode);
      if (!township) throw badRequest(`${where}.add[${i}].regionCode: no township with code ${a.regionCode}`);
      const inside = containing(list, a.lon, a.lat);
      if (inside && inside.code !== township.code)
        throw badRequest(
          `${where}.add[${i}].regionCode: ${pointText(a.lon, a.lat)} lies in ${inside.name} (${inside.code}), not ${township.name}`,
        );
    }
  }
  return content;
}

/** The text kept in `scenarios.changes`: only the fields given, names trimmed. */
function contentJson(c: ScenarioContent): string {
  return JSON.stringify({
    add: c.add.map((a) => ({ ...a, ...(a.name !== undefined && { name: a.name.trim() }) })),
    move: c.move.map(({ id, lon, lat }) => ({ id, lon, lat })),
    remove: c.remove,
  });
}

const counts = (c: ScenarioContent) => ({ add: c.add.length, move: c.move.length, remove: c.remove.length });

export async function createScenario(
  db: Kysely<Database>,
  actor: AuditActor & { id: number },
  name: string,
  content: ScenarioContent,
  now: string,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('scenarios')
      .values({
        name,
        owner_id: actor.id,
        changes: contentJson(content),
        version: 1,
        created_at: now,
        updated_at: now,
        adopted_at: null,
        adopted_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      { action: 'scenario.create', subject: `scenario:${row.id}`, detail: { name, version: 1, ...counts(content) } },
      now,
    );
    return row.id;
  });
}

/** Why a write to the scenario was refused: it is gone (404), adopted, or saved since `version` (409). */
export async function refusal(db: Db, id: number, version: number | undefined, doing: string): Promise<HttpError> {
  const current = await findScenario(db, id);
  if (!current) return notFound(`No scenario with id ${id}`);
  if (current.adoptedAt)
    return conflict(
      `Scenario ${id} was adopted at ${current.adoptedAt} by ${current.adoptedBy?.username ?? 'someone'}; ` +
        `it is read-only (duplicate it to ${doing} a copy)`,
    );
  if (version !== undefined && version !== current.version)
    return conflict(
      `Scenario ${id} is at version ${current.version}, not ${version}: it was saved since; reload it and ${doing} again`,
    );
  return conflict(`Scenario ${id} changed while it was being written; try again`);
}

/** Saves a new name and/or changes as the next version (409 when adopted, or `version` given and stale). */
export async function updateScenario(
  db: Kysely<Database>,
  actor: AuditActor,
  id: number,
  patch: { name?: string; content?: ScenarioContent; version?: number },
  now: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    let q = trx
      .updateTable('scenarios')
      .set((eb) => ({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.content && { changes: contentJson(patch.content) }),
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('adopted_at', 'is', null);
    if (patch.version !== undefined) q = q.where('version', '=', patch.version);
    const result = await q.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw await refusal(trx, id, patch.version, 'edit');
    const saved = await getScenario(trx, id);
    await recordAudit(
      trx,
      actor,
      {
        action: 'scenario.update',
        subject: `scenario:${id}`,
        detail: { name: saved.name, version: saved.version, ...counts(saved) },
      },
      now,
    );
  });
}

/** Deletes a draft; an adopted scenario stays on record (409). */
export async function deleteScenario(db: Kysely<Database>, actor: AuditActor, id: number, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await getScenario(trx, id);
    const result = await trx
      .deleteFrom('scenarios')
      .where('id', '=', id)
      .where('adopted_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      const why = await refusal(trx, id, undefined, 'change');
      throw why.statusCode === 409 && current.adoptedAt
        ? conflict(`Scenario ${id} was adopted at ${current.adoptedAt}; it is kept on record and cannot be deleted`)
        : why;
    }
    await recordAudit(
      trx,
      actor,
      {
        action: 'scenario.delete',
        subject: `scenario:${id}`,
        detail: { name: current.name, version: current.version, ...counts(current) },
      },
      now,
    );
  });
}

/** One change adoption makes, as the confirmation lists it. */
export interface AdoptionChange {
  kind: 'add' | 'move' | 'remove';
  index?: number;
  stationId?: number;
  name: string;
  level: StationLevel;
  regionCode: string | null;
  regionName: string | null;
  from?: [number, number];
  to?: [number, number];
  missing: SiteField[];
}

interface Plan {
  changes: AdoptionChange[];
  /** The stations moved or closed, as they are now. */
  stations: Map<
    number,
    {
      id: number;
      name: string;
      level: StationLevel;
      lon: number;
      lat: number;
      region_code: string;
      village_code: string | null;
    }
  >;
  ready: boolean;
}

/**
 * What adopting the content would do, against the stations as they are: every change with its township
 * (a site's regionCode, else the township containing it; a moved station's new township when it was in
 * one and now lies in another), and what each site lacks. A moved or switched-off station that is no
 * longer live refuses it (409 naming them).
 */
async function planAdoption(db: Db, id: number, content: ScenarioContent): Promise<Plan> {
  const list = await townships(db);
  const nameOf = new Map(list.map((t) => [t.code, t.name]));
  const regionNames = new Map(
    (await db.selectFrom('regions').select(['code', 'name']).where('level', '!=', 'village').execute()).map((r) => [
      r.code,
      r.name,
    ]),
  );
  const ids = [...content.move.map((m) => m.id), ...content.remove];
  const stations: Plan['stations'] = new Map();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await liveStations(db)
      .select(['id', 'name', 'level', 'lon', 'lat', 'region_code', 'village_code'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) stations.set(r.id, r);
  }
  const gone = ids.filter((s) => !stations.has(s));
  if (gone.length)
    throw conflict(
      `Scenario ${id} names station${gone.length === 1 ? '' : 's'} ${gone.join(', ')}, ` +
        `closed or deleted since it was saved; edit the scenario first`,
    );
  const changes: AdoptionChange[] = [];
  content.add.forEach((a, index) => {
    // A township named when the site was saved may have gone since: then the one containing the point.
    const given = a.regionCode && nameOf.has(a.regionCode) ? a.regionCode : null;
    const regionCode = given ?? containing(list, a.lon, a.lat)?.code ?? null;
    const missing: SiteField[] = [];
    if (!a.name?.trim()) missing.push('name');
    if (!a.level) missing.push('level');
    if (!regionCode) missing.push('regionCode');
    if (!a.services?.length) missing.push('services');
    if (!a.hours?.trim()) missing.push('hours');
    changes.push({
      kind: 'add',
      index,
      name: a.name?.trim() ?? '',
      level: a.level ?? 'station',
      regionCode,
      regionName: regionCode ? (nameOf.get(regionCode) ?? null) : null,
      to: [a.lon, a.lat],
      missing,
    });
  });
  for (const m of content.move) {
    const s = stations.get(m.id)!;
    const regionCode = nameOf.has(s.region_code)
      ? (containing(list, m.lon, m.lat)?.code ?? s.region_code)
      : s.region_code;
    changes.push({
      kind: 'move',
      stationId: s.id,
      name: s.name,
      level: s.level,
      regionCode,
      regionName: regionNames.get(regionCode) ?? null,
      from: [s.lon, s.lat],
      to: [m.lon, m.lat],
      missing: [],
    });
  }
  for (const sid of content.remove) {
    const s = stations.get(sid)!;
    changes.push({
      kind: 'remove',
      stationId: s.id,
      name: s.name,
      level: s.level,
      regionCode: s.region_code,
      regionName: regionNames.get(s.region_code) ?? null,
      missing: [],
    });
  }
  return { changes, stations, ready: changes.every((c) => c.missing.length === 0) };
}

/** The confirmation of adopting scenario `id` as it is now (409 when adopted or naming a closed station). */
export async function adoptionPreview(db: Kysely<Database>, id: number) {
  const scenario = await getScenario(db, id);
  if (scenario.adoptedAt) throw await refusal(db, id, undefined, 'adopt');
  const plan = await planAdoption(db, id, scenario);
  return { version: scenario.version, ready: plan.ready, changes: plan.changes };
}

const unprocessable = (message: string) => new HttpError(422, 'UNPROCESSABLE', message);

/**
 * Adopts version `version` of scenario `id` in one transaction: claims it (compare-and-set on the
 * version, not yet adopted: 409 otherwise), refuses with 422 naming every incomplete site, 409 for a
 * station closed or deleted since, then inserts the new stations, moves the moved ones (into the
 * township they now lie in) and closes the switched-off ones, and writes the audit entry. On any
 * refusal nothing is written.
 */
export async function adoptScenario(
  db: Kysely<Database>,
  actor: AuditActor & { id: number },
  id: number,
  version: number,
  now: string,
): Promise<{ created: number[]; moved: number[]; closed: number[] }> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('scenarios')
      .set({ adopted_at: now, adopted_by: actor.id })
      .where('id', '=', id)
      .where('adopted_at', 'is', null)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw await refusal(trx, id, version, 'adopt');
    const scenario = await getScenario(trx, id);
    const plan = await planAdoption(trx, id, scenario);
    if (!plan.ready) {
      const incomplete = plan.changes
        .filter((c) => c.missing.length)
        .map((c) => `add[${c.index}]: missing ${c.missing.join(', ')}`);
      throw unprocessable(
        `Scenario ${id} cannot be adopted: a site becomes a station only with name, level, township, ` +
          `services and hours; ${incomplete.join('; ')}`,
      );
    }
    for (const [i, a] of scenario.add.entries())
      if (!(await insideDistrict(trx, a.lon, a.lat)))
        throw unprocessable(
          `Scenario ${id} cannot be adopted: add[${i}] ${pointText(a.lon, a.lat)} lies outside the district`,
        );

    const created: number[] = [];
    const detail = {
      scenario: { id, name: scenario.name, version },
      created: [] as unknown[],
      moved: [] as unknown[],
      closed: [] as unknown[],
    };
    for (const c of plan.changes.filter((x) => x.kind === 'add')) {
      const a = scenario.add[c.index!];
      const row = await trx
        .insertInto('stations')
        .values({
          name: a.name!.trim(),
          level: a.level!,
          region_code: c.regionCode!,
          village_code: null,
          lon: a.lon,
          lat: a.lat,
          address: a.address ?? '',
          hours: a.hours!.trim(),
          services: JSON.stringify(a.services),
          description: '',
          contact_name: '',
          contact_phone: '',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      created.push(row.id);
      detail.created.push({
        stationId: row.id,
        index: c.index,
        name: c.name,
        level: c.level,
        regionCode: c.regionCode,
        lon: a.lon,
        lat: a.lat,
      });
    }
    const moved: number[] = [];
    for (const c of plan.changes.filter((x) => x.kind === 'move')) {
      const s = plan.stations.get(c.stationId!)!;
      const newTownship = c.regionCode !== s.region_code;
      const result = await trx
        .updateTable('stations')
        .set({
          lon: c.to![0],
          lat: c.to![1],
          ...(newTownship && { region_code: c.regionCode!, village_code: null }),
          updated_at: now,
        })
        .where('id', '=', s.id)
        .where('closed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw conflict(`Station ${s.id} was closed or deleted meanwhile`);
      moved.push(s.id);
      detail.moved.push({
        stationId: s.id,
        name: s.name,
        from: c.from,
        to: c.to,
        regionCode: c.regionCode,
        ...(newTownship && { fromRegionCode: s.region_code }),
      });
    }
    const closed: number[] = [];
    for (const c of plan.changes.filter((x) => x.kind === 'remove')) {
      const result = await trx
        .updateTable('stations')
        .set({ closed_at: now, updated_at: now })
        .where('id', '=', c.stationId!)
        .where('closed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw conflict(`Station ${c.stationId} was closed or deleted meanwhile`);
      closed.push(c.stationId!);
      detail.closed.push({ stationId: c.stationId, name: c.name, level: c.level, regionCode: c.regionCode });
    }
    await recordAudit(trx, actor, { action: 'scenario.adopt', subject: `scenario:${id}`, detail }, now);
    return { created, moved, closed };
  });
}
