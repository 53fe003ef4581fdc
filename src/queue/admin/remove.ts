import type { Queryable } from '../../db/types.ts';
import { validateQueueName } from '../names.ts';
import { idArrayParam } from '../types.ts';

const DELETE = `
WITH gone AS (
  DELETE FROM queue_messages WHERE queue_name = $1 AND msg_id = ANY($2::bigint[]) RETURNING 1
)
SELECT count(*)::int AS n FROM gone`;

// One statement: the DELETE ... RETURNING feeds the INSERT, so a message is either still
// queued or archived, never both or neither.
const ARCHIVE = `
WITH moved AS (
  DELETE FROM queue_messages WHERE queue_name = $1 AND msg_id = ANY($2::bigint[])
  RETURNING msg_id, queue_name, read_ct, enqueued_at, vt, message
), archived AS (
  INSERT INTO queue_archive (msg_id, queue_name, read_ct, enqueued_at, vt, message)
  SELECT msg_id, queue_name, read_ct, enqueued_at, vt, message FROM moved
  RETURNING 1
)
SELECT count(*)::int AS n FROM archived`;

/** Deletes messages of `queue` by id; resolves to how many existed and were deleted. */
export async function deleteMessages(q: Queryable, queue: string, msgIds: readonly number[]): Promise<number> {
  validateQueueName(queue);
  const ids = idArrayParam(msgIds);
  if (msgIds.length === 0) return 0;
  const rows = await q.query<{ n: number }>(DELETE, [queue, ids]);
  return rows[0].n;
}

/** Moves messages of `queue` to queue_archive; resolves to how many were archived. */
export async function archive(q: Queryable, queue: string, msgIds: readonly number[]): Promise<number> {
  validateQueueName(queue);
  const ids = idArrayParam(msgIds);
  if (msgIds.length === 0) return 0;
  const rows = await q.query<{ n: number }>(ARCHIVE, [queue, ids]);
  return rows[0].n;
}
