import type { Queryable } from '../db/types.ts';

/** A claimed step with everything needed to run its handler (one round trip). */
export interface ClaimedStep {
  msg_id: string;
  step_uuid: string;
  task_uuid: string;
  name: string;
  template_step_name: string;
  attempts: number;
  max_attempts: number;
  inputs: Record<string, unknown> | null;
  checkpoint: Record<string, unknown> | null;
  claim_token: string;
  lease_expires_at: Date;
  named_task_id: number;
  namespace: string;
  correlation_id: string;
  context: Record<string, unknown>;
  /** Stored results of every complete (or resolved) ancestor, by step name. */
  dependency_results: Record<string, unknown> | null;
}

// One statement: take visible messages (SKIP LOCKED, hidden for the lease), claim their steps with a
// fresh token (enqueued → in_progress, or in_progress whose lease expired → in_progress), audit it,
// drop messages whose step is already finished, and return each claimed step with its task input and
// the results of all completed ancestors. The message itself stays until completion: it is the
// crash-recovery net (DESIGN §6.6.2).
const CLAIM_SQL = `
  WITH RECURSIVE msgs AS (
    -- per queue, in (vt, msg_id) order so the scan walks the (queue_name, vt, msg_id) index and stops
    -- after $2 rows instead of sorting every visible message of a large backlog
    SELECT m.msg_id FROM unnest($1::text[]) AS q(name)
    CROSS JOIN LATERAL (
      SELECT msg_id FROM queue_messages
      WHERE queue_name = q.name AND vt <= now()
      ORDER BY vt, msg_id LIMIT $2
      FOR UPDATE SKIP LOCKED
    ) m
    LIMIT $2
  ), touched AS (
    UPDATE queue_messages m SET vt = now() + make_interval(secs => $3), read_ct = m.read_ct + 1
    FROM msgs WHERE m.msg_id = msgs.msg_id
    RETURNING m.msg_id, (m.message->>'step_uuid')::uuid AS step_uuid
  ), old AS (
    SELECT s.step_uuid, s.state, t.msg_id FROM workflow_steps s JOIN touched t ON t.step_uuid = s.step_uuid
  ), claimed AS (
    UPDATE workflow_steps s SET state = 'in_progress', claim_token = gen_random_uuid(), claimed_by = $4,
      lease_expires_at = now() + make_interval(secs => $3), attempts = s.attempts + 1,
      last_attempted_at = now(), in_process = true, updated_at = now()
    FROM old
    WHERE s.step_uuid = old.step_uuid
      AND (s.state = 'enqueued' OR (s.state = 'in_progress' AND s.lease_expires_at < now()))
    RETURNING s.step_uuid, s.task_uuid, s.name, s.template_step_name, s.attempts, s.max_attempts, s.inputs,
      s.checkpoint, s.claim_token, s.lease_expires_at, old.state AS old_state, old.msg_id
  ), tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
    SELECT step_uuid, task_uuid, old_state, 'in_progress', jsonb_build_object('worker', $4::text, 'attempt', attempts)
    FROM claimed
  ), stale AS (
    DELETE FROM queue_messages m USING old
    WHERE m.msg_id = old.msg_id AND old.state NOT IN ('enqueued', 'in_progress')
  ), anc AS (
    SELECT c.step_uuid AS target, e.from_step_uuid AS ancestor
    FROM claimed c JOIN workflow_step_edges e ON e.to_step_uuid = c.step_uuid
    UNION
    SELECT a.target, e.from_step_uuid FROM anc a JOIN workflow_step_edges e ON e.to_step_uuid = a.ancestor
  )
  SELECT c.msg_id::text AS msg_id, c.step_uuid, c.task_uuid, c.name, c.template_step_name, c.attempts, c.max_attempts,
    c.inputs, c.checkpoint, c.claim_token, c.lease_expires_at, t.named_task_id, t.namespace, t.correlation_id, t.context,
    (SELECT jsonb_object_agg(p.name, p.results) FROM anc a JOIN workflow_steps p ON p.step_uuid = a.ancestor
      WHERE a.target = c.step_uuid AND (p.state IN ('complete', 'resolved_manually')
        -- a failed continue_on_failure batch worker: its convergence step sees the failure (§6.8)
        OR (p.state = 'error' AND p.inputs->'batch_metadata'->>'failure_strategy' = 'continue_on_failure'))) AS dependency_results
  FROM claimed c JOIN tasks t ON t.task_uuid = c.task_uuid
  ORDER BY c.msg_id`;

/** Claims up to `limit` steps from the given worker queues for `workerId`, leasing them for `leaseSeconds`. */
export function claimSteps(q: Queryable, queues: readonly string[], limit: number, leaseSeconds: number, workerId: string): Promise<ClaimedStep[]> {
  return q.query<ClaimedStep>(CLAIM_SQL, [queues, limit, leaseSeconds, workerId]);
}
