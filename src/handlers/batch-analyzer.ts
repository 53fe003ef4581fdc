// Analyzer side of batch processing: cursor ranges and the results that tell orchestration which workers to create.
import {
  createBatches,
  noBatches,
  type BatchAnalyzerOutcome,
  type BatchWorkerConfig,
  type CursorConfig,
  type RustCursorConfig,
} from './batch-types.ts';
import { StepHandlerResult } from './step-handler-result.ts';

export type { BatchProcessingOutcome } from './batch-types.ts';

function batchId(index: number): string {
  return String(index + 1).padStart(3, '0');
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}

/** One cursor range `[start, end)` (stepSize 1 unless given). */
export function createCursorConfig(start: number, end: number, stepSize = 1, metadata?: Record<string, unknown>): CursorConfig {
  return { startCursor: start, endCursor: end, stepSize, metadata: metadata ?? {} };
}

/**
 * Ranges of `batchSize` items over `totalItems` (the last may be smaller); with `maxBatches` the batch size grows so at
 * most that many ranges result. 0 items → [].
 */
export function createCursorRanges(totalItems: number, batchSize: number, stepSize = 1, maxBatches?: number): CursorConfig[] {
  checkCount('totalItems', totalItems, 0);
  checkCount('batchSize', batchSize, 1);
  const size = maxBatches && maxBatches > 0 && Math.ceil(totalItems / batchSize) > maxBatches ? Math.ceil(totalItems / maxBatches) : batchSize;
  const ranges: CursorConfig[] = [];
  for (let start = 0; start < totalItems; start += size) ranges.push(createCursorConfig(start, Math.min(start + size, totalItems), stepSize));
  return ranges;
}

/**
 * `workerCount` slices of ceil(total/workers) items: `{batch_id: '001'…, cursor_start, cursor_end, row_count,
 * worker_index, total_workers}` (1,000 items, 3 workers → 334, 334, 332; never an empty worker). 0 items → [].
 */
export function createCursorConfigs(totalItems: number, workerCount: number): BatchWorkerConfig[] {
  checkCount('totalItems', totalItems, 0);
  checkCount('workerCount', workerCount, 1);
  const per = Math.ceil(totalItems / workerCount);
  const configs: BatchWorkerConfig[] = [];
  for (let i = 0; i < workerCount && i * per < totalItems; i++) {
    const start = i * per;
    const end = Math.min(start + per, totalItems);
    configs.push({ batch_id: batchId(i), cursor_start: start, cursor_end: end, row_count: end - start, worker_index: i, total_workers: workerCount });
  }
  return configs;
}

/** tasker's: slices of `batchSize` items as orchestration stores them (`{batch_id, start_cursor, end_cursor, batch_size}`). */
export function cursorConfigsOfSize(totalItems: number, batchSize: number): RustCursorConfig[] {
  return createCursorRanges(totalItems, batchSize).map((r, i) => ({ batch_id: batchId(i), start_cursor: r.startCursor, end_cursor: r.endCursor, batch_size: r.endCursor - r.startCursor }));
}

/** tasker's: `workerCount` slices as orchestration stores them (`{batch_id, start_cursor, end_cursor, batch_size}`). */
export function cursorConfigsForWorkers(totalItems: number, workerCount: number): RustCursorConfig[] {
  return createCursorConfigs(totalItems, workerCount).map(toRustCursor);
}

function toRustCursor(config: BatchWorkerConfig | RustCursorConfig): RustCursorConfig {
  if ('cursor_start' in config) {
    const c = config as BatchWorkerConfig;
    return { batch_id: c.batch_id, start_cursor: c.cursor_start, end_cursor: c.cursor_end, batch_size: c.row_count };
  }
  return { ...config };
}

/**
 * Analyzer success creating one worker per config of template step `workerTemplateName`. Takes the original's
 * `BatchWorkerConfig`s (what `createCursorConfigs` returns) or stored-shape cursors; `total_items` is the sum of the
 * batch sizes. The result is `{batch_processing_outcome, ...metadata}`; no configs gives the `no_batches` result.
 */
export function batchSuccess(
  workerTemplateName: string,
  configs: Array<BatchWorkerConfig | RustCursorConfig>,
  metadata?: Record<string, unknown>,
): StepHandlerResult {
  if (configs.length === 0) return noBatchesResult('no items to process', metadata);
  const cursors = configs.map(toRustCursor);
  const total = cursors.reduce((sum, c) => sum + Number(c.batch_size ?? 0), 0);
  const outcome = createBatches(workerTemplateName, cursors.length, cursors, total);
  return StepHandlerResult.success(
    { batch_processing_outcome: outcome, ...(metadata ?? {}) },
    { ...(metadata ?? {}), batch_count: cursors.length, total_items: total },
  );
}

/** Analyzer success with nothing to split: `{batch_processing_outcome: {type: 'no_batches'}, ...metadata, reason?}`. */
export function noBatchesResult(reason?: string, metadata?: Record<string, unknown>): StepHandlerResult {
  const result: Record<string, unknown> = { batch_processing_outcome: noBatches(), ...(metadata ?? {}) };
  if (reason) result.reason = reason;
  return StepHandlerResult.success(result, { ...(metadata ?? {}), batch_count: 0, total_items: 0 });
}

/** An analyzer outcome over `totalItems` in ranges of `batchSize` (see {@link createCursorRanges}). */
export function createBatchOutcome(totalItems: number, batchSize: number, stepSize = 1, batchMetadata?: Record<string, unknown>): BatchAnalyzerOutcome {
  return { cursorConfigs: createCursorRanges(totalItems, batchSize, stepSize), totalItems, batchMetadata: batchMetadata ?? {} };
}

/**
 * Analyzer success from an outcome: `{batch_analyzer_outcome: {cursor_configs: [{start_cursor, end_cursor, step_size,
 * metadata}], total_items, batch_metadata}}` (the original's shape) plus the `batch_processing_outcome` tasker's
 * orchestrator acts on, with workers `001`, `002`, … of the template's `batch_config.worker_template`.
 */
export function batchAnalyzerSuccess(outcome: BatchAnalyzerOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
  const cursors: RustCursorConfig[] = outcome.cursorConfigs.map((c, i) => ({
    batch_id: batchId(i), start_cursor: c.startCursor, end_cursor: c.endCursor, batch_size: c.endCursor - c.startCursor, step_size: c.stepSize, metadata: c.metadata,
  }));
  const total = outcome.totalItems ?? cursors.reduce((sum, c) => sum + Number(c.batch_size), 0);
  return StepHandlerResult.success(
    {
      batch_analyzer_outcome: {
        cursor_configs: outcome.cursorConfigs.map((c) => ({ start_cursor: c.startCursor, end_cursor: c.endCursor, step_size: c.stepSize, metadata: c.metadata })),
        total_items: outcome.totalItems,
        batch_metadata: outcome.batchMetadata,
      },
      batch_processing_outcome: cursors.length
        ? { type: 'create_batches', worker_count: cursors.length, cursor_configs: cursors, total_items: total }
        : noBatches(),
    },
    metadata,
  );
}
