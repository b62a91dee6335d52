import { startTestApp } from '/work/main/tests/support/app.ts';
import { sql } from '../node_modules/kysely/dist/esm/index.js';
const t = await startTestApp('sqlite', { live: { heartbeatMs: 60000, tickMs: 60000 } });
const existing = await t.database.db.selectFrom('activities').selectAll().limit(500).execute();
let n = Number((await t.database.db.selectFrom('activities').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n); const end = Date.now();
while (n < 100000) { const batch = Array.from({ length: 500 }, (_, k) => { const { id: _i, ...row } = existing[(n + k) % existing.length]; const s = end - ((n + k) * 7919 % 1000) / 1000 * 84 * 86400000; return { ...row, starts_at: new Date(s).toISOString(), ends_at: new Date(s + 7200000).toISOString() }; }); await t.database.db.insertInto('activities').values(batch).execute(); n += 500; }
await sql`analyze`.execute(t.database.db);
console.log((await sql`select * from pragma_compile_options where compile_options like '%STAT%'`.execute(t.database.db)).rows);
for (let i = 0; i < 2; i++) {
 for (const q of [
  sql`select count(*) from activities`,
  sql`select count(*) from activities where cancelled = 0 and starts_at >= '2026-11-10'`,
  sql`select count(*) from activities where cancelled = 0 and starts_at >= '2026-08-01'`,
  sql`select cast((lon+180)/0.001 as integer) as x, cast((lat+90)/0.0009 as integer) as y, cast((julianday(starts_at) - julianday('2026-08-01T00:00:00Z'))/7 as integer) as b, sum(coalesce(participants, expected_participants, 0)) as w from activities where cancelled = 0 and +starts_at >= '2026-08-01' group by 1,2,3`,
  sql`select lon, lat, starts_at from activities where cancelled = 0 and +starts_at >= '2026-08-01'`,
 ]) { const t0 = performance.now(); const r = await q.execute(t.database.db); console.log(r.rows.length, (performance.now()-t0).toFixed(1)); }
}
await t.close();
