import { deleteMessagesById, notifyResults, setVisibility, takeVisible } from '../queue/sql.ts';
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
  /** Stored results of the completed (or resolved) ancestors within the depth limit, by step name. */
  dependency_results: Record<string, unknown> | null;
}

/** What one claim round found. */
export interface ClaimOutcome {
  claimed: ClaimedStep[];
  /**
   * Steps whose worker died on their last allowed attempt (lease expired, no completion): the claim
   * recorded them as a permanent `worker_lost` failure for the orchestrator instead of running them again.
   */
  lost: number;
}

// The failure recorded for a step whose lease expired on its last allowed attempt (DESIGN §1.3: a worker
// that dies mid-step costs that step an attempt, like any other failure).
const WORKER_LOST_RESULT = `jsonb_build_object(
  'success', false, 'result', NULL, 'error_type', 'worker_lost', 'error_code', 'WORKER_LOST', 'retryable', false,
  'error_message', 'the worker running this step died or lost its lease without reporting a result (attempt '
    || s.attempts || ' of ' || s.max_attempts || '); it is not run again',
  'metadata', jsonb_build_object('previous_worker', old.claimed_by, 'lease_expired_at', old.lease_expires_at,
    'attempts', s.attempts, 'max_attempts', s.max_attempts),
  'orchestration_metadata', NULL)`;

// One statement. Take visible messages (SKIP LOCKED) and decide per message from its step's row:
//   claim   enqueued                                    → in_progress with a fresh token, attempts + 1
//   reclaim in_progress, lease expired, attempts left  → the same, audited as a worker_lost attempt
//   lost    in_progress, lease expired, none left      → enqueued_as_error_for_orchestration (worker_lost)
//   busy    in_progress, lease still running           → message hidden for another lease period
//   stale   anything else (finished, cancelled, gone)  → message deleted
// The message of a claimed step stays until completion: it is the crash-recovery net (DESIGN §6.6.2).
// Every UPDATE re-checks its guard, so a step a concurrent writer moved is simply not taken. Messages are
// only locked by `msgs`, and each is then touched by exactly one of `touched`/`dropped` (a row modified
// twice in one statement would silently keep the first change).
// Dependency results: the completed ancestors up to $5 levels up (a recursion over the edges of the
// claimed steps only), so the cost per claim does not grow with the depth of a long chain.
const CLAIM_SQL = `
  WITH RECURSIVE msgs AS (
    -- per queue, in (vt, msg_id) order so the scan walks the (queue_name, vt, msg_id) index and stops
    -- after $2 rows instead of sorting every visible message of a large backlog
    SELECT m.msg_id, (m.message->>'step_uuid')::uuid AS step_uuid FROM unnest($1::text[]) AS q(name)
    CROSS JOIN LATERAL (${takeVisible('q.name', '$2')}) m
    LIMIT $2
  ), old AS (
    SELECT msgs.msg_id, s.step_uuid, s.state, s.claim_token, s.claimed_by, s.lease_expires_at,
      CASE
        WHEN s.state = 'enqueued' THEN 'claim'
        WHEN s.state = 'in_progress' AND s.lease_expires_at < now() THEN
          CASE WHEN s.retryable AND s.attempts < s.max_attempts THEN 'reclaim' ELSE 'lost' END
        WHEN s.state = 'in_progress' THEN 'busy'
        ELSE 'stale'
      END AS action
    FROM msgs LEFT JOIN workflow_steps s ON s.step_uuid = msgs.step_uuid
  ), claimed AS (
    UPDATE workflow_steps s SET state = 'in_progress', claim_token = gen_random_uuid(), claimed_by = $4,
      lease_expires_at = now() + make_interval(secs => $3), attempts = s.attempts + 1,
      last_attempted_at = now(), in_process = true, updated_at = now()
    FROM old
    WHERE s.step_uuid = old.step_uuid AND old.action IN ('claim', 'reclaim')
      AND (s.state = 'enqueued'
        OR (s.state = 'in_progress' AND s.lease_expires_at < now() AND s.retryable AND s.attempts < s.max_attempts))
    RETURNING s.step_uuid, s.task_uuid, s.name, s.template_step_name, s.attempts, s.max_attempts, s.inputs,
      s.checkpoint, s.claim_token, s.lease_expires_at, old.state AS old_state, old.msg_id, old.action,
      old.claimed_by AS previous_worker
  ), lost AS (
    UPDATE workflow_steps s SET state = 'enqueued_as_error_for_orchestration', results = ${WORKER_LOST_RESULT},
      claim_token = NULL, claimed_by = NULL, lease_expires_at = NULL, in_process = false, updated_at = now()
    FROM old
    WHERE s.step_uuid = old.step_uuid AND old.action = 'lost'
      AND s.state = 'in_progress' AND s.claim_token = old.claim_token AND s.lease_expires_at < now()
    RETURNING s.step_uuid, s.task_uuid, s.attempts, old.msg_id, old.claimed_by AS previous_worker
  ), tr AS (
    INSERT INTO workflow_step_transitions (step_uuid, task_uuid, from_state, to_state, metadata)
    SELECT step_uuid, task_uuid, old_state, 'in_progress',
      jsonb_build_object('worker', $4::text, 'attempt', attempts) || CASE WHEN action = 'reclaim'
        THEN jsonb_build_object('reason', 'worker_lost', 'previous_worker', previous_worker) ELSE '{}'::jsonb END
    FROM claimed
    UNION ALL
    SELECT step_uuid, task_uuid, 'in_progress', 'enqueued_as_error_for_orchestration',
      jsonb_build_object('reason', 'worker_lost', 'previous_worker', previous_worker, 'attempt', attempts)
    FROM lost
  ), touched AS (
    ${setVisibility('old', 'now() + make_interval(secs => $3)', "old.action IN ('claim', 'reclaim', 'busy')", true)}
  ), dropped AS (
    ${deleteMessagesById('old', 'msg_id', "old.action IN ('stale', 'lost')")}
  ), anc AS (
    SELECT c.step_uuid AS target, e.from_step_uuid AS ancestor, 1 AS depth
    FROM claimed c JOIN workflow_step_edges e ON e.to_step_uuid = c.step_uuid
    UNION
    SELECT a.target, e.from_step_uuid, a.depth + 1 FROM anc a JOIN workflow_step_edges e ON e.to_step_uuid = a.ancestor
    WHERE a.depth < $5
  )
  SELECT false AS lost, c.msg_id::text AS msg_id, c.step_uuid, c.task_uuid, c.name, c.template_step_name, c.attempts,
    c.max_attempts, c.inputs, c.checkpoint, c.claim_token, c.lease_expires_at, t.named_task_id, t.namespace,
    t.correlation_id, t.context,
    (SELECT jsonb_object_agg(p.name, p.results) FROM workflow_steps p
      WHERE p.step_uuid IN (SELECT a.ancestor FROM anc a WHERE a.target = c.step_uuid)
        AND (p.state IN ('complete', 'resolved_manually')
        -- a failed continue_on_failure batch worker: its convergence step sees the failure (§6.8)
        OR (p.state = 'error' AND p.inputs->'batch_metadata'->>'failure_strategy' = 'continue_on_failure'))) AS dependency_results
  FROM claimed c JOIN tasks t ON t.task_uuid = c.task_uuid
  UNION ALL
  SELECT true, l.msg_id::text, l.step_uuid, l.task_uuid, NULL, NULL, l.attempts, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL
  FROM lost l`;

/** Options of {@link claimSteps}. */
export interface ClaimOptions {
  queues: readonly string[];
  limit: number;
  leaseSeconds: number;
  workerId: string;
  /** How many levels of ancestors' results a claimed step receives (1 = direct parents only). */
  ancestorDepth: number;
  /** NOTIFY the orchestrators when a claim recorded worker_lost failures. */
  notify: boolean;
}

/** Claims up to `limit` steps from the given worker queues (see CLAIM_SQL for what happens to each message). */
export async function claimSteps(q: Queryable, o: ClaimOptions): Promise<ClaimOutcome> {
  const rows = await q.query<ClaimedStep & { lost: boolean }>(CLAIM_SQL, [o.queues, o.limit, o.leaseSeconds, o.workerId, o.ancestorDepth]);
  const claimed: ClaimedStep[] = [];
  let lost = 0;
  for (const row of rows) {
    if (row.lost) lost++;
    else claimed.push(row);
  }
  // oldest message first, so a batch starts its steps in the order they were enqueued
  claimed.sort((a, b) => Number(a.msg_id) - Number(b.msg_id));
  if (lost > 0 && o.notify) {
    await q.query(`SELECT ${notifyResults('$1::text')}`, [o.workerId]);
  }
  return { claimed, lost };
}
