import { TaskerError } from '../errors.ts';

/** The pattern every queue name must match (DESIGN §7). */
export const QUEUE_NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Longest allowed queue name; keeps `tq_<queue>` and derived identifiers under PostgreSQL's 63-byte limit. */
export const QUEUE_NAME_MAX_LENGTH = 47;

/** The queue workers send step results to (step ids only) and the orchestrators consume. */
export const RESULTS_QUEUE = 'orchestration_step_results';

/** The NOTIFY channel that announces cancelled (or manually finished) running steps to every worker. */
export const CANCEL_CHANNEL = 'tasker_cancel';

/** Returns `name` unchanged when it is a valid queue name; throws QUEUE_NAME_INVALID otherwise. */
export function validateQueueName(name: string): string {
  if (typeof name !== 'string' || name.length > QUEUE_NAME_MAX_LENGTH || !QUEUE_NAME_PATTERN.test(name)) {
    throw new TaskerError(
      'QUEUE_NAME_INVALID',
      `invalid queue name ${JSON.stringify(name)}: it must match ${QUEUE_NAME_PATTERN.source} and be at most ${QUEUE_NAME_MAX_LENGTH} characters`,
      {
        hint: 'use lowercase letters, digits and underscores, starting with a letter or underscore',
        details: { value: name, pattern: QUEUE_NAME_PATTERN.source, maxLength: QUEUE_NAME_MAX_LENGTH },
      },
    );
  }
  return name;
}

/** The queue a namespace's workers consume: `worker_<lowercased namespace>_queue`, validated. */
export function workerQueueName(namespace: string): string {
  return validateQueueName(`worker_${namespace.toLowerCase()}_queue`);
}

/** The NOTIFY channel `send` signals for `queue`: `tq_<queue>`. */
export function notifyChannel(queue: string): string {
  return `tq_${validateQueueName(queue)}`;
}
