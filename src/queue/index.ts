export { validateQueueName, workerQueueName, notifyChannel, ORCHESTRATION_STEP_RESULTS, ORCHESTRATION_TASK_REQUESTS, QUEUE_NAME_PATTERN, QUEUE_NAME_MAX_LENGTH } from './names.ts';
export type { QueueMessage, QueueMetrics } from './types.ts';
export { createQueue } from './create.ts';
export { send, sendBatch } from './send.ts';
export { read, setVt } from './read.ts';
export { deleteMessages, archive } from './remove.ts';
export { metrics, allMetrics } from './metrics.ts';
export { createWaker, type Waker, type WakerOptions, type WakeReason } from './waker.ts';
export { createWakeBus, type WakeBus, type Wakeable } from './wake-bus.ts';
