import type { Queryable } from '../../db/types.ts';
import { validateQueueName } from '../names.ts';
import type { QueueMetrics } from '../types.ts';

interface MetricsRow {
  queue_name: string;
  queue_length: number;
  visible_length: number;
  oldest_age: number | null;
  newest_age: number | null;
  total_messages: number;
}

// Ages are null for an empty queue and clamped at 0 otherwise: enqueued_at is the sender's transaction start, which can be later
// than this statement's now() when the reader's transaction began first.
const AGGREGATES = `
  count(m.msg_id)::int AS queue_length,
  count(m.msg_id) FILTER (WHERE m.vt <= now())::int AS visible_length,
  CASE WHEN count(m.msg_id) > 0 THEN greatest(extract(epoch FROM now() - min(m.enqueued_at)), 0) END::float8 AS oldest_age,
  CASE WHEN count(m.msg_id) > 0 THEN greatest(extract(epoch FROM now() - max(m.enqueued_at)), 0) END::float8 AS newest_age`;

const ONE = `
SELECT $1::text AS queue_name, ${AGGREGATES},
  coalesce((SELECT total_sent FROM queues WHERE queue_name = $1), 0)::float8 AS total_messages
FROM queue_messages m WHERE m.queue_name = $1`;

const ALL = `
SELECT q.queue_name, ${AGGREGATES}, q.total_sent::float8 AS total_messages
FROM queues q LEFT JOIN queue_messages m ON m.queue_name = q.queue_name
GROUP BY q.queue_name, q.total_sent
ORDER BY q.queue_name`;

function toMetrics(r: MetricsRow): QueueMetrics {
  return {
    queueName: r.queue_name,
    queueLength: r.queue_length,
    visibleLength: r.visible_length,
    oldestMsgAgeSeconds: r.oldest_age,
    newestMsgAgeSeconds: r.newest_age,
    totalMessages: r.total_messages,
  };
}

/** Depth, visible depth, oldest/newest message age and total sent of one queue (zeros for an unknown queue). */
export async function metrics(q: Queryable, queue: string): Promise<QueueMetrics> {
  validateQueueName(queue);
  const rows = await q.query<MetricsRow>(ONE, [queue]);
  return toMetrics(rows[0]);
}

/** {@link metrics} for every queue in the queues table, ordered by name. */
export async function allMetrics(q: Queryable): Promise<QueueMetrics[]> {
  const rows = await q.query<MetricsRow>(ALL);
  return rows.map(toMetrics);
}

/**
 * Age in seconds of the oldest *visible* message of each queue (null when none is visible). Claimed messages
 * stay in the queue, invisible, while their step runs, so the plain oldest-message age would flag long
 * handlers; only a visible message that nobody reads means starvation.
 */
export async function oldestVisibleAges(q: Queryable): Promise<Map<string, number>> {
  const rows = await q.query<{ queue_name: string; age: number }>(
    `SELECT queue_name, greatest(extract(epoch FROM now() - min(enqueued_at)), 0)::float8 AS age
     FROM queue_messages WHERE vt <= now() GROUP BY queue_name`,
  );
  return new Map(rows.map((r) => [r.queue_name, r.age]));
}

/** Names of the queues that hold at least one message (visible or not). */
export async function queuesWithMessages(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ queue_name: string }>(`SELECT DISTINCT queue_name FROM queue_messages`);
  return rows.map((r) => r.queue_name);
}
