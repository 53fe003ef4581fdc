// Worker side of batch processing: where my slice is, no-op placeholders, outcomes, checkpoints.
import type { BatchWorkerOutcome, CursorConfig, RustBatchWorkerInputs } from './batch-types.ts';
import type { StepContext } from './step-context.ts';
import { StepHandlerResult } from './step-handler-result.ts';

/**
 * A batch worker's slice. The original worker's fields (`batchId`, `cursorConfig`, `batchIndex`, `totalBatches`,
 * `batchMetadata`, `checkpoint`, `startCursor`, `endCursor`, `stepSize`, `checkpointCursor`, `accumulatedResults`,
 * `checkpointItemsProcessed`, `hasCheckpoint()`) plus tasker's (`batchSize`, `cursorField`, `failureStrategy`,
 * `isNoOp`, `resumeCursor`: where to (re)start, the checkpoint cursor when there is one).
 */
export interface BatchWorkerContext {
  batchId: string;
  cursorConfig: CursorConfig;
  batchIndex: number;
  totalBatches: number;
  batchMetadata: Record<string, unknown>;
  checkpoint: Record<string, unknown>;
  startCursor: number;
  endCursor: number;
  stepSize: number;
  batchSize: number;
  cursorField: string | null;
  failureStrategy: string | null;
  isNoOp: boolean;
  resumeCursor: unknown;
  checkpointCursor: unknown;
  checkpointItemsProcessed: number;
  accumulatedResults: Record<string, unknown> | null;
  hasCheckpoint(): boolean;
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
 * Builds a {@link BatchWorkerContext} from batch data: `{batch_id, start_cursor, end_cursor, batch_size?, step_size?,
 * batch_index?, total_batches?, batch_metadata?}`, or the same with the cursor nested in `cursor_config`.
 */
export function createBatchWorkerContext(batchData: Record<string, unknown>, checkpoint?: Record<string, unknown> | null): BatchWorkerContext {
  const cursor = asObject(batchData.cursor_config) ?? batchData;
  const start = Number(cursor.start_cursor ?? 0);
  const end = Number(cursor.end_cursor ?? start);
  const batchId = String(batchData.batch_id ?? cursor.batch_id ?? '');
  const meta = asObject(batchData.batch_metadata) ?? {};
  const cp = checkpoint ?? {};
  const has = cp.cursor !== undefined && cp.cursor !== null;
  return {
    batchId,
    cursorConfig: { startCursor: start, endCursor: end, stepSize: Number(cursor.step_size ?? 1), metadata: asObject(cursor.metadata) ?? {} },
    batchIndex: Number(batchData.batch_index ?? (/^\d+$/.test(batchId) ? Number(batchId) - 1 : 0)),
    totalBatches: Number(batchData.total_batches ?? 1),
    batchMetadata: meta,
    checkpoint: cp,
    startCursor: start,
    endCursor: end,
    stepSize: Number(cursor.step_size ?? 1),
    batchSize: Number(cursor.batch_size ?? end - start),
    cursorField: typeof meta.cursor_field === 'string' ? meta.cursor_field : null,
    failureStrategy: typeof meta.failure_strategy === 'string' ? meta.failure_strategy : null,
    isNoOp: batchData.is_no_op === true,
    resumeCursor: has ? cp.cursor : start,
    checkpointCursor: has ? cp.cursor : undefined,
    checkpointItemsProcessed: Number(cp.items_processed ?? 0),
    accumulatedResults: asObject(cp.accumulated_results),
    hasCheckpoint: () => has,
  };
}

/**
 * The step's batch slice: from `stepInputs = {cursor: {batch_id, start_cursor, end_cursor, batch_size}, batch_metadata,
 * is_no_op}` (what orchestration writes), else from a `batch_context` object in stepConfig, inputData or stepInputs
 * (the original worker's other source); null when there is neither (not a batch worker). Includes the checkpoint.
 */
export function getBatchContext(context: StepContext): BatchWorkerContext | null {
  const inputs = context.stepInputs ?? {};
  const checkpoint = context.checkpoint as unknown as Record<string, unknown> | null;
  const cursor = asObject(inputs.cursor);
  if (cursor || inputs.is_no_op === true) {
    return createBatchWorkerContext({ ...(cursor ?? { batch_id: 'no_op' }), batch_metadata: inputs.batch_metadata, is_no_op: inputs.is_no_op === true }, checkpoint);
  }
  const data = asObject(context.stepConfig?.batch_context) ?? asObject(context.inputData?.batch_context) ?? asObject(inputs.batch_context);
  return data ? createBatchWorkerContext(data, checkpoint) : null;
}

/** The step's raw batch inputs (`{cursor, batch_metadata, is_no_op}`), or null when the step has no inputs. */
export function getBatchWorkerInputs(context: StepContext): Partial<RustBatchWorkerInputs> | null {
  const inputs = context.stepInputs;
  return inputs && Object.keys(inputs).length > 0 ? (inputs as Partial<RustBatchWorkerInputs>) : null;
}

/** For the placeholder worker of a `no_batches` outcome: success `{batch_id, no_op: true, processed_count: 0, message, processed_at}`; else null. */
export function handleNoOpWorker(context: StepContext): StepHandlerResult | null {
  if (context.stepInputs?.is_no_op !== true) return null;
  const cursor = asObject(context.stepInputs.cursor);
  return StepHandlerResult.success(
    { batch_id: String(cursor?.batch_id ?? 'no_op'), no_op: true, processed_count: 0, message: 'No batches to process', processed_at: new Date().toISOString() },
    { batch_worker: true, no_op: true },
  );
}

/** A worker outcome; `itemsSucceeded` 0 (the default) means all `itemsProcessed` succeeded. */
export function createWorkerOutcome(
  itemsProcessed: number,
  itemsSucceeded = 0,
  itemsFailed = 0,
  itemsSkipped = 0,
  results?: Array<Record<string, unknown>>,
  errors?: Array<Record<string, unknown>>,
  lastCursor?: number | null,
  batchMetadata?: Record<string, unknown>,
): BatchWorkerOutcome {
  return {
    itemsProcessed,
    itemsSucceeded: itemsSucceeded || itemsProcessed,
    itemsFailed,
    itemsSkipped,
    results: results ?? [],
    errors: errors ?? [],
    lastCursor: lastCursor ?? null,
    batchMetadata: batchMetadata ?? {},
  };
}

/** Worker success `{batch_worker_outcome: {items_processed, items_succeeded, items_failed, items_skipped, results, errors, last_cursor, batch_metadata}}`. */
export function batchWorkerSuccess(outcome: BatchWorkerOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
  return StepHandlerResult.success(
    {
      batch_worker_outcome: {
        items_processed: outcome.itemsProcessed,
        items_succeeded: outcome.itemsSucceeded,
        items_failed: outcome.itemsFailed,
        items_skipped: outcome.itemsSkipped,
        results: outcome.results,
        errors: outcome.errors,
        last_cursor: outcome.lastCursor,
        batch_metadata: outcome.batchMetadata,
      },
    },
    metadata,
  );
}

/** tasker's worker success: `result` plus `batch_id` (when a batch context is given), flagged `batch_worker` in metadata. */
export function batchWorkerResult(
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
export function checkpointYield(cursor: unknown, itemsProcessed: number, accumulatedResults?: Record<string, unknown>): StepHandlerResult {
  const checkpoint: CheckpointYield = { cursor, items_processed: itemsProcessed, accumulated_results: accumulatedResults ?? null };
  return StepHandlerResult.success({ checkpoint_yield: checkpoint }, { checkpoint_yield: true, batch_worker: true });
}

/**
 * The checkpoint of a successful result (instance or stored JSON), or null when it is a normal completion. Reads
 * tasker's `{checkpoint_yield: {...}}` and the original worker's flat `{type: 'checkpoint_yield', cursor, ...}`.
 */
export function extractCheckpointYield(result: StepHandlerResult | Record<string, unknown>): CheckpointYield | null {
  if (result.success !== true) return null;
  const data = asObject(result.result);
  const cp = asObject(data?.checkpoint_yield) ?? (data?.type === 'checkpoint_yield' ? data : null);
  if (!cp || !('cursor' in cp)) return null;
  return { cursor: cp.cursor, items_processed: Number(cp.items_processed ?? 0), accumulated_results: asObject(cp.accumulated_results) };
}
