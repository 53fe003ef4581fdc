// src/queue/: tasker's queues. names.ts names them (one TS function per queue name), sql.ts holds the SQL
// building blocks the engine's hot path splices into its statements, admin/ is the pgmq-style operator API,
// and waker.ts / wake-bus.ts wake consumers (LISTEN/NOTIFY, in-process, polling fallback).
export { validateQueueName, workerQueueName, notifyChannel, RESULTS_QUEUE, QUEUE_NAME_PATTERN, QUEUE_NAME_MAX_LENGTH } from './names.ts';
export type { QueueMessage, QueueMetrics } from './types.ts';
export { createQueue, send, sendBatch, read, setVt, deleteMessages, archive, metrics, allMetrics, oldestVisibleAges, queuesWithMessages } from './admin/index.ts';
export { createWaker, type Waker, type WakerOptions, type WakeReason, type WorkSignal } from './waker.ts';
export { createWakeBus, type WakeBus, type Wakeable } from './wake-bus.ts';
