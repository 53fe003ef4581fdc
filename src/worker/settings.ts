import type { TaskerConfig } from '../config/schema.ts';

/** The numbers the loop uses, taken from `[worker]` and `[common.queues]` by {@link workerSettings}. */
export interface WorkerSettings {
  /** Handlers running at once; the loop claims nothing while this many run (load shedding). */
  maxConcurrent: number;
  /** Most steps claimed per round trip. */
  claimBatchSize: number;
  /** Lease length; the heartbeat renews every min(heartbeatMs, lease / 3). */
  leaseSeconds: number;
  heartbeatMs: number;
  /** Handler timeout for steps whose template sets none. */
  handlerTimeoutMs: number;
  /** Largest encoded result accepted (RESULT_TOO_LARGE above it). */
  maxResultBytes: number;
  /** How long `stop()` waits for in-flight handlers before aborting them and releasing their leases. */
  shutdownTimeoutMs: number;
}

/** {@link WorkerSettings} from a configuration. */
export function workerSettings(config: TaskerConfig): WorkerSettings {
  return {
    maxConcurrent: config.worker.max_concurrent_handlers,
    claimBatchSize: config.common.queues.claim_batch_size,
    leaseSeconds: config.common.queues.visibility_timeout_seconds,
    heartbeatMs: config.worker.heartbeat_interval_ms,
    handlerTimeoutMs: config.worker.handler_timeout_ms,
    maxResultBytes: config.worker.max_result_bytes,
    shutdownTimeoutMs: config.worker.shutdown_timeout_ms,
  };
}
