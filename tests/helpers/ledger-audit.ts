// The fault tests' bookkeeping of handler side effects: every execution of a ledger handler appends a row
// (tests/fixtures/engine/ledger.ts), so the ledger says how often each step really ran, and the step rows
// and their audit trail say what the engine applied.
import type postgres from 'postgres';

/** What the ledger and the step rows say about a set of tasks. */
export interface LedgerAudit {
  /** Steps of these tasks. */
  steps: number;
  /** Handler executions recorded (rows of the counted events). */
  executions: number;
  /** Executions beyond the first of their step: at-least-once re-runs. */
  reRuns: number;
  /** `task/step` of complete steps with no execution at all: a lost effect. */
  missing: string[];
  /** `task/step` run more often than the engine counted attempts: a duplicate nobody accounted for. */
  unaccounted: string[];
  /** `task/step` whose move to `complete` was applied other than exactly once. */
  appliedTwice: string[];
}

/**
 * Audits the steps of `taskUuids` against the ledger rows of `events` (default `done`, one per execution
 * of ledger_step): no complete step without an execution, never more executions than attempts (each
 * re-run is an attempt the engine counted — DESIGN §1.3, at-least-once execution), every result applied once.
 */
export async function auditLedger(sql: postgres.Sql, taskUuids: readonly string[], events: readonly string[] = ['done']): Promise<LedgerAudit> {
  const rows = await sql<Array<{ key: string; state: string; attempts: number; runs: number; completions: number }>>`
    SELECT s.task_uuid || '/' || s.name AS key, s.state, s.attempts,
           (SELECT count(*)::int FROM public.ledger l WHERE l.task_uuid = s.task_uuid AND l.step_name = s.name AND l.event = ANY(${events as string[]})) AS runs,
           (SELECT count(*)::int FROM tasker.workflow_step_transitions t WHERE t.step_uuid = s.step_uuid AND t.to_state = 'complete') AS completions
    FROM tasker.workflow_steps s WHERE s.task_uuid = ANY(${taskUuids as string[]}::uuid[])`;
  return {
    steps: rows.length,
    executions: rows.reduce((n, r) => n + r.runs, 0),
    reRuns: rows.reduce((n, r) => n + Math.max(0, r.runs - 1), 0),
    missing: rows.filter((r) => r.state === 'complete' && r.runs === 0).map((r) => r.key),
    unaccounted: rows.filter((r) => r.runs > r.attempts).map((r) => `${r.key} ran ${r.runs}× in ${r.attempts} attempt(s)`),
    appliedTwice: rows.filter((r) => r.state === 'complete' && r.completions !== 1).map((r) => `${r.key} completed ${r.completions}×`),
  };
}
