// Batch processing types and helpers with the original worker's names and shapes: camelCase handler-side outcomes,
// snake_case shapes that cross into orchestration (RustCursorConfig, BatchProcessingOutcome, RustBatchWorkerInputs).
import type { FailureStrategy } from '../templates/types.ts';
import type { StepHandlerResult } from './step-handler-result.ts';

export type { FailureStrategy } from '../templates/types.ts';

/** A range `[startCursor, endCursor)` walked by `stepSize` (the original's handler-side cursor). */
export interface CursorConfig {
  startCursor: number;
  endCursor: number;
  stepSize: number;
  metadata: Record<string, unknown>;
}

/** One worker's slice as the orchestrator stores it: the worker step is named `<worker_template>_<batch_id>`. */
export interface RustCursorConfig {
  batch_id: string;
  start_cursor: unknown;
  end_cursor: unknown;
  batch_size: number;
  [key: string]: unknown;
}

/** What `createCursorConfigs(totalItems, workerCount)` returns per worker. */
export interface BatchWorkerConfig {
  batch_id: string;
  cursor_start: number;
  cursor_end: number;
  row_count: number;
  worker_index: number;
  total_workers: number;
}

/** An analyzer's plan: cursor ranges, item total and metadata for every worker. */
export interface BatchAnalyzerOutcome {
  cursorConfigs: CursorConfig[];
  totalItems: number | null;
  batchMetadata: Record<string, unknown>;
}

/** A worker's report: counts, per-item results and errors, last cursor. */
export interface BatchWorkerOutcome {
  itemsProcessed: number;
  itemsSucceeded: number;
  itemsFailed: number;
  itemsSkipped: number;
  results: Array<Record<string, unknown>>;
  errors: Array<Record<string, unknown>>;
  lastCursor: number | null;
  batchMetadata: Record<string, unknown>;
}

/** Template batch settings a worker receives in `stepInputs.batch_metadata`. */
export interface BatchMetadata {
  cursor_field: string;
  failure_strategy: FailureStrategy;
}

/** A batch worker's `stepInputs` as orchestration writes them. */
export interface RustBatchWorkerInputs {
  cursor: RustCursorConfig;
  batch_metadata: BatchMetadata;
  is_no_op: boolean;
}

/** `{type: 'no_batches'}`: nothing to split (one no-op worker still runs so convergence happens). */
export interface NoBatchesOutcome {
  type: 'no_batches';
}

/** `{type: 'create_batches', ...}`: one worker per cursor config of template step `worker_template_name`. */
export interface CreateBatchesOutcome {
  type: 'create_batches';
  worker_template_name: string;
  worker_count: number;
  cursor_configs: RustCursorConfig[];
  total_items: number;
}

/** `batch_processing_outcome` of a batchable step's result, read by the orchestrator (DESIGN §6.8). */
export type BatchProcessingOutcome = NoBatchesOutcome | CreateBatchesOutcome;

/** A batchable handler's result (a StepHandlerResult carrying `batch_processing_outcome`). */
export type BatchableResult = StepHandlerResult;

/** Totals over a set of worker results (see {@link aggregateBatchResults}). */
export interface BatchAggregationResult {
  total_processed: number;
  total_succeeded: number;
  total_failed: number;
  total_skipped: number;
  batch_count: number;
  success_rate: number;
  errors: Array<Record<string, unknown>>;
  error_count: number;
}

/** `{type: 'no_batches'}`. */
export function noBatches(): NoBatchesOutcome {
  return { type: 'no_batches' };
}

/** A create_batches outcome; throws when `cursorConfigs.length` differs from `workerCount`. */
export function createBatches(workerTemplateName: string, workerCount: number, cursorConfigs: RustCursorConfig[], totalItems: number): CreateBatchesOutcome {
  if (cursorConfigs.length !== workerCount) {
    throw new Error(`cursor_configs length (${cursorConfigs.length}) must equal worker_count (${workerCount})`);
  }
  return { type: 'create_batches', worker_template_name: workerTemplateName, worker_count: workerCount, cursor_configs: cursorConfigs, total_items: totalItems };
}

/** True for a no_batches outcome. */
export function isNoBatches(outcome: BatchProcessingOutcome): outcome is NoBatchesOutcome {
  return outcome.type === 'no_batches';
}

/** True for a create_batches outcome. */
export function isCreateBatches(outcome: BatchProcessingOutcome): outcome is CreateBatchesOutcome {
  return outcome.type === 'create_batches';
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Sums worker results: `items_processed`, `items_succeeded`, `items_failed`, `items_skipped` and `errors` (at most
 * `maxErrors` kept, `error_count` counts all); null entries are skipped. A result wrapping them in
 * `batch_worker_outcome` (what `batchWorkerSuccess` returns) or in a stored `{result: ...}` is unwrapped.
 */
export function aggregateBatchResults(workerResults: Array<Record<string, unknown> | null | undefined>, maxErrors = 100): BatchAggregationResult {
  const totals = { processed: 0, succeeded: 0, failed: 0, skipped: 0, batches: 0 };
  const errors: Array<Record<string, unknown>> = [];
  for (const raw of workerResults) {
    if (raw === null || raw === undefined) continue;
    const stored = asObject(raw.result) && typeof raw.success === 'boolean' ? asObject(raw.result)! : raw;
    const r = asObject(stored.batch_worker_outcome) ?? stored;
    totals.batches++;
    totals.processed += Number(r.items_processed ?? 0);
    totals.succeeded += Number(r.items_succeeded ?? 0);
    totals.failed += Number(r.items_failed ?? 0);
    totals.skipped += Number(r.items_skipped ?? 0);
    if (Array.isArray(r.errors)) errors.push(...(r.errors as Array<Record<string, unknown>>));
  }
  return {
    total_processed: totals.processed,
    total_succeeded: totals.succeeded,
    total_failed: totals.failed,
    total_skipped: totals.skipped,
    batch_count: totals.batches,
    success_rate: totals.processed > 0 ? totals.succeeded / totals.processed : 0,
    errors: errors.slice(0, maxErrors),
    error_count: errors.length,
  };
}
