/** A message claimed by `read` (or returned by `setVt`), with pgmq's columns. */
export interface QueueMessage<T = unknown> {
  msgId: number;
  /** How many times the message has been read, this read included. */
  readCt: number;
  enqueuedAt: Date;
  /** Until when the message stays invisible to other readers. */
  vt: Date;
  message: T;
}

/** Depth and age figures of one queue, as pgmq's `metrics`. */
export interface QueueMetrics {
  queueName: string;
  /** Messages in the queue, visible or not. */
  queueLength: number;
  /** Messages a `read` could claim now. */
  visibleLength: number;
  /** Age in seconds of the oldest message, null when the queue is empty. */
  oldestMsgAgeSeconds: number | null;
  /** Age in seconds of the newest message, null when the queue is empty. */
  newestMsgAgeSeconds: number | null;
  /** Messages ever sent to the queue (queues.total_sent). */
  totalMessages: number;
}

/** A queue message row as SQL returns it (int8 ids cast to float8). */
export interface MessageRow {
  msg_id: number;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  message: unknown;
}

/** Converts a {@link MessageRow} into a {@link QueueMessage}. */
export function toQueueMessage<T>(row: MessageRow): QueueMessage<T> {
  return { msgId: row.msg_id, readCt: row.read_ct, enqueuedAt: row.enqueued_at, vt: row.vt, message: row.message as T };
}

/** Encodes message ids as a PostgreSQL `bigint[]` literal, after checking each one is an integer. */
export function idArrayParam(msgIds: readonly number[]): string {
  for (const id of msgIds) {
    if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`invalid message id ${JSON.stringify(id)}: expected a positive integer`);
  }
  return `{${msgIds.join(',')}}`;
}
