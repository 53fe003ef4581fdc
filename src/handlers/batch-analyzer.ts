import { StepHandlerResult } from './step-handler-result.ts';

/** One batch worker's slice: items `[start_cursor, end_cursor)`; the worker step is named `<worker_template>_<batch_id>`. */
export interface CursorConfig {
  batch_id: string;
  start_cursor: number;
  end_cursor: number;
  batch_size: number;
}

/** `batch_processing_outcome` of a batchable step's result, read by the orchestrator (DESIGN §6.8). */
export type BatchProcessingOutcome =
  | {
      type: 'create_batches';
      worker_template_name: string;
      worker_count: number;
      cursor_configs: CursorConfig[];
      total_items: number;
    }
  | { type: 'no_batches' };

function batchId(index: number): string {
  return String(index + 1).padStart(3, '0');
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}

/**
 * Splits `totalItems` into at most `workerCount` contiguous slices of ceil(total/workers) items
 * (1,000 items, 5 workers → 5 × 200). Batch ids are `001`, `002`, ...; 0 items → [].
 */
export function createCursorConfigs(totalItems: number, workerCount: number): CursorConfig[] {
  checkCount('totalItems', totalItems, 0);
  checkCount('workerCount', workerCount, 1);
  if (totalItems === 0) return [];
  return createCursorRanges(totalItems, Math.ceil(totalItems / workerCount));
}

/** Splits `totalItems` into slices of `batchSize` items (the last one may be smaller); 0 items → []. */
export function createCursorRanges(totalItems: number, batchSize: number): CursorConfig[] {
  checkCount('totalItems', totalItems, 0);
  checkCount('batchSize', batchSize, 1);
  const configs: CursorConfig[] = [];
  for (let start = 0; start < totalItems; start += batchSize) {
    const end = Math.min(start + batchSize, totalItems);
    configs.push({ batch_id: batchId(configs.length), start_cursor: start, end_cursor: end, batch_size: end - start });
  }
  return configs;
}

/**
 * Analyzer success creating one worker per cursor config of template step `workerTemplateName`.
 * `total_items` is the sum of the batch sizes. An empty `configs` gives the `no_batches` result instead.
 */
export function batchSuccess(
  workerTemplateName: string,
  configs: CursorConfig[],
  metadata?: Record<string, unknown>,
): StepHandlerResult {
  if (configs.length === 0) return noBatchesResult('no items to process', metadata);
  const outcome: BatchProcessingOutcome = {
    type: 'create_batches',
    worker_template_name: workerTemplateName,
    worker_count: configs.length,
    cursor_configs: configs.map((c) => ({ ...c })),
    total_items: configs.reduce((sum, c) => sum + c.batch_size, 0),
  };
  return StepHandlerResult.success(
    { batch_processing_outcome: outcome },
    { ...(metadata ?? {}), batch_count: configs.length, total_items: outcome.total_items },
  );
}

/** Analyzer success with nothing to split: `{batch_processing_outcome: {type: 'no_batches'}, reason?}`. */
export function noBatchesResult(reason?: string, metadata?: Record<string, unknown>): StepHandlerResult {
  const result: Record<string, unknown> = { batch_processing_outcome: { type: 'no_batches' } satisfies BatchProcessingOutcome };
  if (reason !== undefined) result.reason = reason;
  return StepHandlerResult.success(result, { ...(metadata ?? {}), batch_count: 0, total_items: 0 });
}
