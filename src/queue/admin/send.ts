import type { Queryable } from '../../db/types.ts';
import { notifyChannel, validateQueueName } from '../names.ts';

// Both statements upsert the queue row (so sending to a queue never created works, and
// total_sent counts every message) and call pg_notify with the queue name as the payload:
// PostgreSQL drops a notification identical to one already pending in the transaction, so a
// transaction sending many messages to one queue wakes its consumers once, at commit.
// The message's vt uses clock_timestamp() so a delay counts from the send, not from the start
// of a caller's long transaction.

const SEND = `
WITH counted AS (
  INSERT INTO queues AS q (queue_name, total_sent) VALUES ($1, 1)
  ON CONFLICT (queue_name) DO UPDATE SET total_sent = q.total_sent + 1
), sent AS (
  INSERT INTO queue_messages (queue_name, vt, message)
  VALUES ($1, clock_timestamp() + make_interval(secs => $3::float8), $2::text::jsonb)
  RETURNING msg_id
)
SELECT sent.msg_id::float8 AS msg_id, pg_notify($4, $1) FROM sent`;

const SEND_BATCH = `
WITH counted AS (
  INSERT INTO queues AS q (queue_name, total_sent) VALUES ($1, jsonb_array_length($2::text::jsonb))
  ON CONFLICT (queue_name) DO UPDATE SET total_sent = q.total_sent + EXCLUDED.total_sent
), sent AS (
  INSERT INTO queue_messages (queue_name, vt, message)
  SELECT $1, clock_timestamp() + make_interval(secs => $3::float8), m.value
  FROM jsonb_array_elements($2::text::jsonb) WITH ORDINALITY AS m(value, ord)
  ORDER BY m.ord
  RETURNING msg_id
), notified AS (
  SELECT pg_notify($4, $1)
)
SELECT sent.msg_id::float8 AS msg_id FROM sent, notified ORDER BY sent.msg_id`;

function checkDelay(delaySeconds: number): void {
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) {
    throw new RangeError(`invalid delay ${delaySeconds}: expected a finite number of seconds >= 0`);
  }
}

/** Enqueues one message (any JSON value), visible after `delaySeconds`; resolves to its msg_id. */
export async function send(q: Queryable, queue: string, message: unknown, delaySeconds = 0): Promise<number> {
  validateQueueName(queue);
  checkDelay(delaySeconds);
  const rows = await q.query<{ msg_id: number }>(SEND, [queue, JSON.stringify(message), delaySeconds, notifyChannel(queue)]);
  return rows[0].msg_id;
}

/** Enqueues several messages in one statement; resolves to their msg_ids in the order given. */
export async function sendBatch(q: Queryable, queue: string, messages: readonly unknown[], delaySeconds = 0): Promise<number[]> {
  validateQueueName(queue);
  checkDelay(delaySeconds);
  if (messages.length === 0) return [];
  const rows = await q.query<{ msg_id: number }>(SEND_BATCH, [queue, JSON.stringify(messages), delaySeconds, notifyChannel(queue)]);
  return rows.map((r) => r.msg_id);
}
