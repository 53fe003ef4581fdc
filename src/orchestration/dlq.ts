// The dead-letter queue of tasks (DESIGN §6.11): list, inspect and resolve the entries staleness opens.
import type { Queryable } from '../db/types.ts';
import { TaskerError } from '../errors.ts';

/** How an operator closes a DLQ entry (`pending` = still open). */
export const DlqResolutions = ['resolved', 'discarded', 'permanently_failed', 'cancelled'] as const;
/** One of {@link DlqResolutions}. */
export type DlqResolution = (typeof DlqResolutions)[number];

/** A DLQ entry; `snapshot` (the task and its steps when it was dead-lettered) only from {@link getDlqEntry}. */
export interface DlqEntry {
  dlq_id: string;
  task_uuid: string;
  namespace: string;
  name: string;
  version: string;
  task_state: string;
  reason: string;
  original_state: string;
  resolution_status: string;
  resolution_notes: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
  snapshot?: unknown;
}

/** Filters and paging for {@link listDlq}. */
export interface DlqFilter {
  /** `pending` (open), `resolved`, …; all when omitted. */
  status?: string;
  taskUuid?: string;
  limit?: number;
  offset?: number;
}

const COLUMNS = `d.dlq_id, d.task_uuid, t.namespace, t.name, t.version, t.state AS task_state, d.reason, d.original_state,
  d.resolution_status, d.resolution_notes, d.resolved_by, d.resolved_at, d.created_at`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** DLQ entries, newest first, with the total for paging. */
export async function listDlq(q: Queryable, filter: DlqFilter = {}): Promise<{ entries: DlqEntry[]; total: number }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
  const offset = Math.max(filter.offset ?? 0, 0);
  if (filter.taskUuid && !UUID.test(filter.taskUuid)) return { entries: [], total: 0 };
  const where = `($1::text IS NULL OR d.resolution_status = $1) AND ($2::uuid IS NULL OR d.task_uuid = $2)`;
  const params = [filter.status ?? null, filter.taskUuid ?? null];
  const entries = await q.query<DlqEntry>(
    `SELECT ${COLUMNS} FROM tasks_dlq d JOIN tasks t ON t.task_uuid = d.task_uuid WHERE ${where}
     ORDER BY d.created_at DESC, d.dlq_id DESC LIMIT $3 OFFSET $4`,
    [...params, limit, offset],
  );
  const count = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks_dlq d WHERE ${where}`, params);
  return { entries, total: count[0]?.n ?? 0 };
}

/** One DLQ entry with its snapshot; DLQ_ENTRY_NOT_FOUND when absent. */
export async function getDlqEntry(q: Queryable, dlqId: string): Promise<DlqEntry> {
  const rows = UUID.test(dlqId)
    ? await q.query<DlqEntry>(`SELECT ${COLUMNS}, d.snapshot FROM tasks_dlq d JOIN tasks t ON t.task_uuid = d.task_uuid WHERE d.dlq_id = $1`, [dlqId])
    : [];
  if (rows.length === 0) throw new TaskerError('DLQ_ENTRY_NOT_FOUND', `no DLQ entry ${JSON.stringify(dlqId)}`, { hint: 'see tasker dlq list' });
  return rows[0];
}

/**
 * Closes a pending DLQ entry with a resolution, notes and who did it (guarded: an entry is resolved once).
 * Errors: INPUT_INVALID (unknown status), DLQ_ENTRY_NOT_FOUND, STATE_TRANSITION_INVALID (already resolved).
 */
export async function resolveDlqEntry(
  q: Queryable,
  dlqId: string,
  options: { status: DlqResolution; notes?: string | null; actor?: string | null },
): Promise<DlqEntry> {
  if (!DlqResolutions.includes(options.status)) {
    throw new TaskerError('INPUT_INVALID', `unknown DLQ resolution ${JSON.stringify(options.status)}; expected one of ${DlqResolutions.join(', ')}`);
  }
  const current = await getDlqEntry(q, dlqId);
  const rows = await q.query(
    `UPDATE tasks_dlq SET resolution_status = $2, resolution_notes = $3, resolved_by = $4, resolved_at = now()
     WHERE dlq_id = $1 AND resolution_status = 'pending' RETURNING dlq_id`,
    [dlqId, options.status, options.notes ?? null, options.actor ?? null],
  );
  if (rows.length === 0) {
    throw new TaskerError('STATE_TRANSITION_INVALID', `DLQ entry ${dlqId} is already ${current.resolution_status}; only pending entries can be resolved`, {
      details: { dlq_id: dlqId, resolution_status: current.resolution_status },
    });
  }
  return getDlqEntry(q, dlqId);
}
