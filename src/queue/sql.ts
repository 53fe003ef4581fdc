// The queue as the engine's hot path uses it: SQL building blocks that the engine's statements splice in,
// so that creating a task, enqueueing steps, claiming, completing and taking results each stay ONE statement
// (one round trip) and share the transaction that changes the steps. This file is the only place outside
// the migrations that names the message table, the message shapes and the `tq_` channel prefix; the
// operator-facing pgmq-style functions (send, read, archive, …) are in ./admin/ and are not used by the engine.
//
// Arguments are SQL expressions (column names, `$n` parameters), never values: every value reaches
// PostgreSQL as a bound parameter of the statement that splices the block in.

import { RESULTS_QUEUE } from './names.ts';

export { RESULTS_QUEUE };

/** Prefix of a queue's NOTIFY channel (`tq_<queue>`, see names.ts `notifyChannel`). */
const CHANNEL_PREFIX = 'tq_';

/** A worker message: the step to run, its task and the task's correlation id (for logs before the claim). */
export function workerMessage(task = 'task_uuid', step = 'step_uuid', correlation = 'correlation_id'): string {
  return `jsonb_build_object('task_uuid', ${task}, 'step_uuid', ${step}, 'correlation_id', ${correlation})`;
}

/** A results message: which step of which task has a result to process. */
export function resultMessage(task = 'task_uuid', step = 'step_uuid'): string {
  return `jsonb_build_object('task_uuid', ${task}, 'step_uuid', ${step})`;
}

/**
 * `INSERT … SELECT <queue>, <message> <from> RETURNING msg_id, queue_name`: sends one message per source row,
 * visible from `vt` (default now(); see {@link priorityVt}).
 */
export function insertMessages(queue: string, message: string, from: string, vt?: string): string {
  if (vt) return `INSERT INTO queue_messages (queue_name, message, vt) SELECT ${queue}, ${message}, ${vt} ${from} RETURNING msg_id, queue_name`;
  return `INSERT INTO queue_messages (queue_name, message) SELECT ${queue}, ${message} ${from} RETURNING msg_id, queue_name`;
}

/**
 * The vt of a worker message for a task of priority `priority` (an SQL expression). Workers take visible messages
 * in (vt, msg_id) order, so a message of priority p > 0 is stamped p seconds in the past: it is claimed as if it had
 * waited p seconds longer (issue 17). That is also the anti-starvation rule: an older message always goes first once
 * it has waited p seconds more than a newer one of priority p. Priority ≤ 0 is plain FIFO (never a delay);
 * p counts up to 1000.
 */
export function priorityVt(priority: string): string {
  return `now() - make_interval(secs => least(greatest(${priority}, 0), 1000))`;
}

/**
 * A subquery over the visible messages of `queue`, oldest first, at most `limit`, row-locked with SKIP LOCKED
 * so that concurrent consumers take disjoint messages. It walks the (queue_name, vt, msg_id) index and stops
 * after `limit` rows instead of sorting a large backlog.
 */
export function takeVisible(queue: string, limit: string, columns = 'msg_id, message'): string {
  return `SELECT ${columns} FROM queue_messages WHERE queue_name = ${queue} AND vt <= now()
      ORDER BY vt, msg_id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

/** `DELETE` the messages `ids` (a subquery of msg_ids), returning their step and task ids. */
export function deleteTaken(ids: string): string {
  return `DELETE FROM queue_messages WHERE msg_id IN (${ids})
      RETURNING (message->>'task_uuid')::uuid AS task_uuid, (message->>'step_uuid')::uuid AS step_uuid`;
}

/** `DELETE` the messages whose msg_id is `<from>.<column>` for the rows of `from` matching `where`. */
export function deleteMessagesById(from: string, column = 'msg_id', where = 'true'): string {
  return `DELETE FROM queue_messages m USING ${from} WHERE m.msg_id = ${from}.${column} AND (${where})`;
}

/** `DELETE` the message of step `step` in queue `queue` (both expressions over `using`). */
export function deleteStepMessages(using: string, queue: string, step: string, where = 'true'): string {
  return `DELETE FROM queue_messages m USING ${using}
      WHERE (${where}) AND m.queue_name = ${queue} AND m.message->>'step_uuid' = (${step})::text`;
}

/**
 * `UPDATE` the visibility of the messages whose msg_id is `<from>.msg_id` (rows of `from` matching `where`)
 * to `vt`; `countRead` also counts a delivery (pgmq's read_ct).
 */
export function setVisibility(from: string, vt: string, where = 'true', countRead = false): string {
  return `UPDATE queue_messages m SET vt = ${vt}${countRead ? ', read_ct = m.read_ct + 1' : ''}
      FROM ${from} WHERE m.msg_id = ${from}.msg_id AND (${where})`;
}

/** `EXISTS`: is there a message in `queue` for step `step`? (Crash recovery looks for missing ones.) */
export function stepMessageExists(queue: string, step: string): string {
  return `EXISTS (SELECT 1 FROM queue_messages m WHERE m.queue_name = ${queue} AND m.message->>'step_uuid' = (${step})::text)`;
}

/** `EXISTS`: does `queue` hold a visible message? */
export function anyVisible(queue: string): string {
  return `EXISTS (SELECT 1 FROM queue_messages WHERE queue_name = ${queue} AND vt <= now())`;
}

/**
 * `pg_notify` on the channel of `queue` with payload `<queue>:<sender>`, so a consumer in the sending process
 * (already woken in-process) can ignore its own echo. PostgreSQL folds identical notifications of one
 * transaction, so a statement notifying once per row wakes each queue's consumers once, at commit.
 */
export function notifyQueue(queue: string, sender: string): string {
  return `pg_notify('${CHANNEL_PREFIX}' || ${queue}, ${queue} || ':' || ${sender})`;
}

/** {@link notifyQueue} for the results queue. */
export function notifyResults(sender: string): string {
  return notifyQueue(`'${RESULTS_QUEUE}'`, sender);
}
