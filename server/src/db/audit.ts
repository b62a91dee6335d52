/** The audit log: every state change written with who and when, inside the change's own transaction. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface AuditActor {
  id: number | null;
  username: string;
}

export interface AuditEntry {
  /** `scenario.adopt`, `import.stations`, … */
  action: string;
  /** What it acted on: `scenario:12`, a file name (cut to 200 characters). */
  subject: string;
  detail: unknown;
}

/** Writes one entry; pass the transaction of the change so both land or neither does. */
export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  actor: AuditActor,
  entry: AuditEntry,
  at = new Date().toISOString(),
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      user_id: actor.id,
      username: actor.username,
      action: entry.action,
      subject: entry.subject.slice(0, 200),
      detail: JSON.stringify(entry.detail ?? null),
    })
    .execute();
}

export interface AuditRow {
  id: number;
  at: string;
  userId: number | null;
  username: string;
  action: string;
  subject: string;
  detail: unknown;
}

/** The newest entries first, optionally only actions starting with `prefix` (`import.`). */
export async function listAudit(db: Kysely<Database>, prefix: string | null, limit = 50): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (prefix) q = q.where('action', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    userId: r.user_id,
    username: r.username,
    action: r.action,
    subject: r.subject,
    detail: JSON.parse(r.detail) as unknown,
  }));
}
