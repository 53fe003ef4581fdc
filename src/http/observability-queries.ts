import { TERMINAL_TASK_SQL } from '../orchestration/state-machine.ts';
import type { Queryable } from '../db/types.ts';
import { allMetrics, metrics, queuesWithMessages, RESULTS_QUEUE, validateQueueName, workerQueueName, type QueueMetrics } from '../queue/index.ts';

/** Work counts per namespace for the `tasker_*_count` gauges. */
export interface NamespaceCounts {
  namespace: string;
  /** Steps of active tasks waiting to run: pending, enqueued, waiting_for_retry. */
  pending: number;
  /** Steps running or with a result awaiting orchestration. */
  in_flight: number;
  /** Tasks that completed (or were resolved manually). */
  completed: number;
  /** Tasks that ended in error. */
  failed: number;
}

// Step counts are driven from the partial index over active tasks, so their cost follows live work, not
// history; the task totals scan `tasks` once per scrape.
const COUNTS = `
WITH steps AS (
  SELECT t.namespace,
         count(*) FILTER (WHERE s.state IN ('pending', 'enqueued', 'waiting_for_retry'))::int AS pending,
         count(*) FILTER (WHERE s.state IN ('in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'))::int AS in_flight
  FROM tasks t JOIN workflow_steps s ON s.task_uuid = t.task_uuid
  WHERE t.state NOT IN (${TERMINAL_TASK_SQL})
  GROUP BY t.namespace
), done AS (
  SELECT namespace,
         count(*) FILTER (WHERE state IN ('complete', 'resolved_manually'))::int AS completed,
         count(*) FILTER (WHERE state = 'error')::int AS failed
  FROM tasks WHERE state IN ('complete', 'resolved_manually', 'error')
  GROUP BY namespace
)
SELECT n.name AS namespace, coalesce(s.pending, 0) AS pending, coalesce(s.in_flight, 0) AS in_flight,
       coalesce(d.completed, 0) AS completed, coalesce(d.failed, 0) AS failed
FROM task_namespaces n LEFT JOIN steps s ON s.namespace = n.name LEFT JOIN done d ON d.namespace = n.name
ORDER BY n.name`;

/** Pending / in-flight steps and completed / failed tasks, per namespace. */
export function namespaceCounts(q: Queryable): Promise<NamespaceCounts[]> {
  return q.query<NamespaceCounts>(COUNTS);
}

/** Round-trip time of `SELECT 1` in milliseconds. */
export async function pingDatabase(q: Queryable): Promise<number> {
  const started = performance.now();
  await q.query('SELECT 1');
  return Math.round((performance.now() - started) * 100) / 100;
}

function validOrNone(make: string | (() => string)): string[] {
  try {
    return [typeof make === 'string' ? validateQueueName(make) : make()];
  } catch {
    return [];
  }
}

/**
 * Depth and ages of every queue tasker uses: those in the queues table, the result queue, the worker queue
 * of every registered namespace and any queue holding messages (the engine writes messages without a
 * queues row), so idle queues report zero instead of vanishing.
 */
export async function queueDepths(q: Queryable): Promise<QueueMetrics[]> {
  const listed = await allMetrics(q);
  const known = new Set(listed.map((m) => m.queueName));
  const [namespaces, present] = await Promise.all([
    q.query<{ name: string }>(`SELECT name FROM task_namespaces`),
    queuesWithMessages(q),
  ]);
  const names = [RESULTS_QUEUE, ...namespaces.flatMap((n) => validOrNone(() => workerQueueName(n.name))), ...present.flatMap((name) => validOrNone(name))];
  const expected = [...new Set(names)].filter((name) => !known.has(name));
  const extra = await Promise.all(expected.map((name) => metrics(q, name)));
  return [...listed, ...extra].sort((a, b) => a.queueName.localeCompare(b.queueName));
}
