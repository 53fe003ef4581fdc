// Staleness (DESIGN §6.11): tasks that sat in one state too long without any activity are moved to `error`
// with a dead-letter (tasks_dlq) entry holding a snapshot, so nothing hangs forever unnoticed.
import type { TaskerConfig } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { TaskState } from './state-machine.ts';
import { transitionPath } from './state-machine.ts';
import { stalenessPolicy, type TemplateLifecycle } from '../templates/lifecycle.ts';

/** The task states that can go stale, each with a threshold. */
export const STALENESS_STATES = ['waiting_for_dependencies', 'waiting_for_retry', 'steps_in_process', 'enqueuing_steps'] as const;

/**
 * Threshold in seconds per state from `[orchestration.staleness]`: `<state>_seconds` when set, else
 * `<state>_minutes` × 60. A template's `lifecycle` overrides per state with `max_<state>_seconds` or
 * `max_<state>_minutes` (e.g. `max_waiting_for_dependencies_minutes: 120`).
 */
export function stalenessThresholds(config: TaskerConfig): Record<(typeof STALENESS_STATES)[number], number> {
  const s = config.orchestration.staleness as Record<string, number | boolean | undefined>;
  const pick = (state: string) => Number(s[`${state}_seconds`] ?? Number(s[`${state}_minutes`]) * 60);
  return Object.fromEntries(STALENESS_STATES.map((state) => [state, pick(state)])) as Record<(typeof STALENESS_STATES)[number], number>;
}

/** A task the staleness pass acted on: moved to error (`failed`) and/or dead-lettered (`dlqId`). */
export interface StaleTask {
  taskUuid: string;
  originalState: string;
  thresholdSeconds: number;
  dlqId: string | null;
  /** False when the template's lifecycle says `auto_fail_on_timeout: false` (the task keeps its state). */
  failed: boolean;
}

// "Activity" is the latest of: the task's last change, any step's last change, a live lease (a long handler
// heart-beating is not stale) and a scheduled retry. Only that idle time is compared with the threshold.
const STALE_SQL = `
  WITH d AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS d(state, secs))
  SELECT t.task_uuid, t.state, nt.template->'lifecycle' AS lifecycle,
    coalesce((nt.template->'lifecycle'->>('max_' || t.state || '_seconds'))::float8,
             (nt.template->'lifecycle'->>('max_' || t.state || '_minutes'))::float8 * 60, d.secs) AS threshold
  FROM tasks t
  JOIN named_tasks nt ON nt.named_task_id = t.named_task_id
  JOIN d ON d.state = t.state
  WHERE greatest(t.updated_at, (
      SELECT max(greatest(s.updated_at, CASE WHEN s.state = 'in_progress' THEN s.lease_expires_at END, s.next_attempt_at))
      FROM workflow_steps s WHERE s.task_uuid = t.task_uuid))
    < now() - make_interval(secs => coalesce((nt.template->'lifecycle'->>('max_' || t.state || '_seconds'))::float8,
                                             (nt.template->'lifecycle'->>('max_' || t.state || '_minutes'))::float8 * 60, d.secs))
    -- lifecycle staleness_action: none, or neither failing nor dead-lettering: the task is left alone
    AND coalesce(nt.template->'lifecycle'->>'staleness_action', 'dlq') <> 'none'
    AND NOT (coalesce(nt.template->'lifecycle'->>'auto_fail_on_timeout', 'true') = 'false'
             AND (coalesce(nt.template->'lifecycle'->>'auto_dlq_on_timeout', 'true') = 'false'
                  OR coalesce(nt.template->'lifecycle'->>'staleness_action', 'dlq') = 'error'))
    -- dead-lettered but left in its state (auto_fail_on_timeout: false): reported once, until the entry is resolved
    AND NOT (coalesce(nt.template->'lifecycle'->>'auto_fail_on_timeout', 'true') = 'false'
             AND EXISTS (SELECT 1 FROM tasks_dlq q WHERE q.task_uuid = t.task_uuid AND q.resolution_status = 'pending'))
  ORDER BY t.task_uuid LIMIT $3
  FOR UPDATE OF t SKIP LOCKED`;

/**
 * Finds stale tasks (SKIP LOCKED, safe from several orchestrators at once) and, per task in the same
 * transaction, walks it to `error` along allowed moves (audited with reason `staleness`) and opens a DLQ entry
 * `{reason, original_state, snapshot: {task, steps}}`. Steps are left as they are, so an operator can still
 * reset or resolve them (which revives the task) after reading the entry. The template's `lifecycle` decides
 * (see `stalenessPolicy`): `staleness_action: error` or `auto_dlq_on_timeout: false` → no DLQ entry;
 * `auto_fail_on_timeout: false` → the task keeps its state (DLQ entry only); `staleness_action: none` → untouched.
 */
export async function sweepStaleTasks(db: Db, config: TaskerConfig, options: { limit?: number } = {}): Promise<StaleTask[]> {
  const thresholds = stalenessThresholds(config);
  return db.transaction(async (tx) => {
    const stale = await tx.query<{ task_uuid: string; state: TaskState; threshold: number; lifecycle: TemplateLifecycle | null }>(STALE_SQL, [
      Object.keys(thresholds), Object.values(thresholds), options.limit ?? 100,
    ]);
    const moved: StaleTask[] = [];
    for (const t of stale) {
      const policy = stalenessPolicy(t.lifecycle);
      // the same road as a task failed by its steps: … → blocked_by_failures → error
      const toBlocked = transitionPath(t.state, 'blocked_by_failures');
      if (toBlocked.length === 0 && policy.fail) continue;
      const path = [...toBlocked, 'error' as const];
      const reason = `staleness_timeout: no activity for more than ${t.threshold} s in state ${t.state}`;
      const meta = JSON.stringify({ reason: 'staleness', original_state: t.state, threshold_seconds: t.threshold });
      const froms = [t.state, ...path.slice(0, -1)];
      // the snapshot is taken before the move, so it shows the task as it was found
      const dlq = !policy.dlq ? [] : await tx.query<{ dlq_id: string }>(
        `INSERT INTO tasks_dlq (task_uuid, reason, original_state, snapshot)
         SELECT $1, $2, $3, jsonb_build_object(
           'task', (SELECT to_jsonb(t) FROM tasks t WHERE t.task_uuid = $1),
           'steps', coalesce((SELECT jsonb_agg(to_jsonb(s) ORDER BY s.created_at, s.step_uuid) FROM workflow_steps s WHERE s.task_uuid = $1), '[]'::jsonb))
         ON CONFLICT (task_uuid) WHERE resolution_status = 'pending' DO NOTHING
         RETURNING dlq_id`,
        [t.task_uuid, reason, t.state],
      );
      if (policy.fail) await tx.query(
        `WITH upd AS (
           UPDATE tasks SET state = 'error', updated_at = now(), completed_at = now(), next_sweep_at = NULL
           WHERE task_uuid = $1 AND state = $2 RETURNING task_uuid
         ), tr AS (
           INSERT INTO task_transitions (task_uuid, from_state, to_state, metadata, sort_key)
           SELECT $1, x.f, x.t, $5::jsonb, x.i::int - 1 FROM upd, unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(f, t, i)
         )
         SELECT task_uuid FROM upd`,
        [t.task_uuid, t.state, froms, path, meta],
      );
      moved.push({ taskUuid: t.task_uuid, originalState: t.state, thresholdSeconds: t.threshold, dlqId: dlq[0]?.dlq_id ?? null, failed: policy.fail });
    }
    return moved;
  });
}
