import type { Queryable } from '../../db/types.ts';
import { validateQueueName } from '../names.ts';
import { toQueueMessage, type MessageRow, type QueueMessage } from '../types.ts';

// Claim and lease in one statement. SKIP LOCKED lets concurrent readers pass over rows another
// reader is claiming; when a row it waited on was re-leased meanwhile, PostgreSQL re-checks
// `vt <= now()` against the new version and drops it, so a message is never handed out twice
// within one lease. Visibility compares with now() (stable, so the index applies); the new vt
// is based on clock_timestamp() so a lease is never shortened by a long caller transaction.
const READ = `
WITH claimable AS (
  SELECT msg_id FROM queue_messages
  WHERE queue_name = $1 AND vt <= now()
  ORDER BY msg_id
  LIMIT $3::int
  FOR UPDATE SKIP LOCKED
)
UPDATE queue_messages m
SET vt = clock_timestamp() + make_interval(secs => $2::float8), read_ct = m.read_ct + 1
FROM claimable
WHERE m.msg_id = claimable.msg_id
RETURNING m.msg_id::float8 AS msg_id, m.read_ct, m.enqueued_at, m.vt, m.message`;

const SET_VT = `
UPDATE queue_messages
SET vt = clock_timestamp() + make_interval(secs => $3::float8)
WHERE queue_name = $1 AND msg_id = $2::bigint
RETURNING msg_id::float8 AS msg_id, read_ct, enqueued_at, vt, message`;

function checkSeconds(what: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`invalid ${what} ${value}: expected a finite number of seconds >= 0`);
}

/**
 * Claims up to `qty` visible messages in msg_id order, hiding them for `vtSeconds` and
 * incrementing their read_ct. Resolves to the claimed messages in msg_id order.
 */
export async function read<T = unknown>(q: Queryable, queue: string, vtSeconds: number, qty: number): Promise<QueueMessage<T>[]> {
  validateQueueName(queue);
  checkSeconds('visibility timeout', vtSeconds);
  if (!Number.isInteger(qty) || qty < 0) throw new RangeError(`invalid read quantity ${qty}: expected an integer >= 0`);
  if (qty === 0) return [];
  const rows = await q.query<MessageRow>(READ, [queue, vtSeconds, qty]);
  return rows.sort((a, b) => a.msg_id - b.msg_id).map((r) => toQueueMessage<T>(r));
}

/**
 * Sets a message's visibility timeout to `vtSeconds` from now (0 = visible again at once; a
 * positive value extends a lease). Resolves to the updated message, or null when it is gone.
 */
export async function setVt<T = unknown>(q: Queryable, queue: string, msgId: number, vtSeconds: number): Promise<QueueMessage<T> | null> {
  validateQueueName(queue);
  checkSeconds('visibility timeout', vtSeconds);
  if (!Number.isSafeInteger(msgId)) throw new TypeError(`invalid message id ${JSON.stringify(msgId)}: expected an integer`);
  const rows = await q.query<MessageRow>(SET_VT, [queue, msgId, vtSeconds]);
  return rows.length ? toQueueMessage<T>(rows[0]) : null;
}
