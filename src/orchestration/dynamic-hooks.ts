// The result hooks every engine runs by default: decision points and batches on completion, fail_fast on failure.
import type { TaskerConfig } from '../config/schema.ts';
import { createBatchHook, createFailFastHook } from './batches.ts';
import { createDecisionHook } from './decisions.ts';
import type { CompletionHook } from './result-processor.ts';

/** Limits the default hooks read from `[orchestration]`. */
export type DynamicLimits = Pick<TaskerConfig['orchestration'], 'max_steps_per_decision' | 'max_batch_workers'>;

/** Hooks run for each step that just became `complete`: decision points (§6.7), then batches (§6.8). */
export function defaultCompletionHooks(limits: DynamicLimits = { max_steps_per_decision: 100, max_batch_workers: 1000 }): CompletionHook[] {
  return [
    createDecisionHook({ maxStepsPerDecision: limits.max_steps_per_decision }),
    createBatchHook({ maxBatchWorkers: limits.max_batch_workers }),
  ];
}

/** Hooks run for each step that just became `error` (permanently): fail_fast batches. */
export function defaultFailureHooks(): CompletionHook[] {
  return [createFailFastHook()];
}
