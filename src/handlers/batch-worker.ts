import type { StepContext } from './step-context.ts';
import { StepHandlerResult } from './step-handler-result.ts';

/** What a batch worker needs to know about its slice, read from `stepInputs` and the step checkpoint. */
export interface BatchWorkerContext {
  batchId: string;
  startCursor: number;
  endCursor: number;
  batchSize: number;
  cursorField: string | null;
  failureStrategy: string | null;
  isNoOp: boolean;
  /** Where to (re)start: the checkpoint cursor when one exists, else `startCursor`. */
  resumeCursor: unknown;
  checkpointItemsProcessed: number;
  accumulatedResults: Record<string, unknown> | null;
}

/** The `checkpoint_yield` object a yielding batch worker puts in its result. */
export interface CheckpointYield {
  cursor: unknown;
  items_processed: number;
  accumulated_results: Record<string, unknown> | null;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Reads `stepInputs = {cursor: {batch_id, start_cursor, end_cursor, batch_size}, batch_metadata: {cursor_field,
 * failure_strategy}, is_no_op}`; null when the step has neither a cursor nor `is_no_op` (not a batch worker).
 */
export function getBatchContext(context: StepContext): BatchWorkerContext | null {
  const inputs = context.stepInputs ?? {};
  const cursor = asObject(inputs.cursor);
  const isNoOp = inputs.is_no_op === true;
  if (!cursor && !isNoOp) return null;
  const meta = asObject(inputs.batch_metadata) ?? {};
  const start = Number(cursor?.start_cursor ?? 0);
  const end = Number(cursor?.end_cursor ?? start);
  return {
    batchId: String(cursor?.batch_id ?? 'no_op'),
    startCursor: start,
    endCursor: end,
    batchSize: Number(cursor?.batch_size ?? end - start),
    cursorField: typeof meta.cursor_field === 'string' ? meta.cursor_field : null,
    failureStrategy: typeof meta.failure_strategy === 'string' ? meta.failure_strategy : null,
    isNoOp,
    resumeCursor: context.hasCheckpoint() ? context.checkpointCursor : start,
    checkpointItemsProcessed: context.checkpointItemsProcessed,
    accumulatedResults: context.accumulatedResults,
  };
}

/** For the placeholder worker of a `no_batches` outcome: a success `{batch_id, no_op: true, processed_count: 0}`; else null. */
export function handleNoOpWorker(context: StepContext): StepHandlerResult | null {
  if (context.stepInputs?.is_no_op !== true) return null;
  const cursor = asObject(context.stepInputs.cursor);
  return StepHandlerResult.success(
    { batch_id: String(cursor?.batch_id ?? 'no_op'), no_op: true, processed_count: 0 },
    { batch_worker: true, no_op: true },
  );
}

/** Worker success: `result` plus `batch_id` (when a batch context is given), flagged `batch_worker` in metadata. */
export function batchWorkerSuccess(
  result: Record<string, unknown>,
  batch?: Pick<BatchWorkerContext, 'batchId'> | null,
  metadata?: Record<string, unknown>,
): StepHandlerResult {
  const data = batch ? { batch_id: batch.batchId, ...result } : { ...result };
  return StepHandlerResult.success(data, { ...(metadata ?? {}), batch_worker: true });
}

/**
 * A checkpoint: success whose result is `{checkpoint_yield: {cursor, items_processed, accumulated_results}}` and
 * metadata `{checkpoint_yield: true}`. The worker stores it on the step and re-runs the step from `cursor`
 * instead of completing it (DESIGN §6.8); `itemsProcessed` is cumulative.
 */
export function checkpointYield(
  cursor: unknown,
  itemsProcessed: number,
  accumulatedResults?: Record<string, unknown>,
): StepHandlerResult {
  const checkpoint: CheckpointYield = {
    cursor,
    items_processed: itemsProcessed,
    accumulated_results: accumulatedResults ?? null,
  };
  return StepHandlerResult.success({ checkpoint_yield: checkpoint }, { checkpoint_yield: true, batch_worker: true });
}

/** The `checkpoint_yield` of a successful result (instance or stored JSON), or null when it is a normal completion. */
export function extractCheckpointYield(result: StepHandlerResult | Record<string, unknown>): CheckpointYield | null {
  if (result.success !== true) return null;
  const data = asObject(result.result);
  const cp = asObject(data?.checkpoint_yield);
  if (!cp || !('cursor' in cp)) return null;
  return {
    cursor: cp.cursor,
    items_processed: Number(cp.items_processed ?? 0),
    accumulated_results: asObject(cp.accumulated_results),
  };
}
