import { deleteMessagesById, notifyResults, setVisibility } from '../queue/sql.ts';
import type { Queryable } from '../db/types.ts';
import type { OutboxEvent } from '../events/outbox.ts';

/** One finished execution to record. */
export interface Completion {
  stepUuid: string;
  claimToken: string;
  msgId: string;
  success: boolean;
  /** The snake_case StepHandlerResult JSON, already encoded (and size-checked: see result-encoding.ts). */
  resultsJson: string;
  /** Durable domain events of this result, written with it if it is accepted (issue 15). */
  events?: readonly OutboxEvent[];
}

// Fenced on claim_token: a completion from a claim that lost its lease (someone re-claimed the step)
// matches no row and changes nothing. For accepted ones: store the result, move the step to
// enqueued(_as_error)_for_orchestration (where the orchestrator finds it through workflow_steps_results_idx,
// no results message needed), audit, delete the worker message and wake the orchestrators — one
// statement for a whole batch of completions.
const COMPLETE_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::boolean[], $5::text[])
      AS i(step_uuid, claim_token, msg_id, success, results)
  ), upd AS (
    UPDATE workflow_steps s SET
      state = CASE WHEN i.success THEN 'enqueued_for_orchestration' ELSE 'enqueued_as_error_for_orchestration' END,
      results = i.results::jsonb, claim_token = NULL, claimed_by = NULL, lease_expires_at = NULL,
      in_process = false, updated_at = now()
    FROM input i
    WHERE s.step_uuid = i.step_uuid AND s.claim_token = i.claim_token AND s.state = 'in_progress'
    RETURNING s.step_uuid, s.task_uuid, s.state, i.msg_id, i.claim_token
  ), tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state)
    SELECT step_uuid, task_uuid, 'in_progress', state FROM upd
  ), del AS (
    ${deleteMessagesById('upd')}
  )
  SELECT step_uuid, claim_token, CASE WHEN $6 THEN ${notifyResults('$7::text')} END AS n
  FROM upd`;

/** Records a batch of completions; returns the claim tokens that were accepted (the rest lost their lease). */
export async function completeSteps(q: Queryable, completions: readonly Completion[], notify: boolean, sender = ''): Promise<Set<string>> {
  if (completions.length === 0) return new Set();
  const rows = await q.query<{ claim_token: string }>(COMPLETE_SQL, [
    completions.map((c) => c.stepUuid),
    completions.map((c) => c.claimToken),
    completions.map((c) => c.msgId),
    completions.map((c) => c.success),
    completions.map((c) => c.resultsJson),
    notify,
    sender,
  ]);
  return new Set(rows.map((r) => r.claim_token));
}

/** Extends the leases (and message visibility) of running steps; returns the claim tokens whose lease is still ours. */
export async function extendLeases(
  q: Queryable,
  leases: ReadonlyArray<{ stepUuid: string; claimToken: string; msgId: string }>,
  leaseSeconds: number,
): Promise<Set<string>> {
  if (leases.length === 0) return new Set();
  const rows = await q.query<{ claim_token: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS i(step_uuid, claim_token, msg_id)
     ), upd AS (
       UPDATE workflow_steps s SET lease_expires_at = now() + make_interval(secs => $4)
       FROM input i WHERE s.step_uuid = i.step_uuid AND s.claim_token = i.claim_token AND s.state = 'in_progress'
       RETURNING s.claim_token, i.msg_id
     ), vt AS (
       ${setVisibility('upd', 'now() + make_interval(secs => $4)')}
     )
     SELECT claim_token FROM upd`,
    [leases.map((l) => l.stepUuid), leases.map((l) => l.claimToken), leases.map((l) => l.msgId), leaseSeconds],
  );
  return new Set(rows.map((r) => r.claim_token));
}

/**
 * Gives leases back at shutdown so another worker can claim the steps at once instead of waiting for
 * expiry: the step returns to `enqueued` and its message becomes visible now.
 */
export async function releaseLeases(q: Queryable, leases: ReadonlyArray<{ stepUuid: string; claimToken: string; msgId: string }>, workerId: string): Promise<number> {
  if (leases.length === 0) return 0;
  const rows = await q.query<{ step_uuid: string }>(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS i(step_uuid, claim_token, msg_id)
     ), upd AS (
       UPDATE workflow_steps s SET state = 'enqueued', claim_token = NULL, claimed_by = NULL, lease_expires_at = NULL,
         in_process = false, updated_at = now()
       FROM input i WHERE s.step_uuid = i.step_uuid AND s.claim_token = i.claim_token AND s.state = 'in_progress'
       RETURNING s.step_uuid, s.task_uuid, i.msg_id
     ), tr AS (
       INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
       SELECT step_uuid, task_uuid, 'in_progress', 'enqueued', jsonb_build_object('reason', 'lease released at shutdown', 'worker', $4::text) FROM upd
     ), vt AS (
       ${setVisibility('upd', 'now()')}
     )
     SELECT step_uuid FROM upd`,
    [leases.map((l) => l.stepUuid), leases.map((l) => l.claimToken), leases.map((l) => l.msgId), workerId],
  );
  return rows.length;
}

/** Stores a batch worker's checkpoint on its claimed step (fenced), keeping a short history. */
export async function saveCheckpoint(q: Queryable, stepUuid: string, claimToken: string, checkpoint: Record<string, unknown>): Promise<boolean> {
  const rows = await q.query(
    `UPDATE workflow_steps SET checkpoint = $3::jsonb || jsonb_build_object('history',
        coalesce(checkpoint->'history', '[]'::jsonb) || jsonb_build_array(jsonb_build_object(
          'cursor', $3::jsonb->'cursor', 'items_processed', $3::jsonb->'items_processed', 'at', now()))),
       updated_at = now()
     WHERE step_uuid = $1 AND claim_token = $2 AND state = 'in_progress'
     RETURNING step_uuid`,
    [stepUuid, claimToken, JSON.stringify(checkpoint)],
  );
  return rows.length > 0;
}
