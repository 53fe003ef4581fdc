// The original worker's BatchableMixin (method binding / applyBatchable) and the Batchable interface it implements.
import {
  batchAnalyzerSuccess,
  batchSuccess,
  createBatchOutcome,
  createCursorConfig,
  createCursorConfigs,
  createCursorRanges,
  noBatchesResult,
} from './batch-analyzer.ts';
import {
  aggregateBatchWorkerResults,
  detectAggregationScenario,
  noBatchesAggregationResult,
  type BatchAggregationScenario,
} from './batch-aggregation.ts';
import {
  aggregateBatchResults,
  type BatchAggregationResult,
  type BatchAnalyzerOutcome,
  type BatchWorkerConfig,
  type BatchWorkerOutcome,
  type CursorConfig,
  type RustBatchWorkerInputs,
  type RustCursorConfig,
} from './batch-types.ts';
import {
  batchWorkerResult,
  batchWorkerSuccess,
  checkpointYield,
  createWorkerOutcome,
  getBatchContext,
  getBatchWorkerInputs,
  handleNoOpWorker,
  type BatchWorkerContext,
} from './batch-worker.ts';
import type { StepContext } from './step-context.ts';
import type { StepHandlerResult } from './step-handler-result.ts';

type Aggregator = (batchResults: Record<string, Record<string, unknown>>) => Record<string, unknown>;

/** The batch helpers a batchable handler has (analyzer, worker and aggregator side); see the functions of the same names. */
export interface Batchable {
  createCursorConfig(start: number, end: number, stepSize?: number, metadata?: Record<string, unknown>): CursorConfig;
  createCursorRanges(totalItems: number, batchSize: number, stepSize?: number, maxBatches?: number): CursorConfig[];
  createCursorConfigs(totalItems: number, workerCount: number): BatchWorkerConfig[];
  createBatchOutcome(totalItems: number, batchSize: number, stepSize?: number, batchMetadata?: Record<string, unknown>): BatchAnalyzerOutcome;
  createWorkerOutcome(
    itemsProcessed: number, itemsSucceeded?: number, itemsFailed?: number, itemsSkipped?: number,
    results?: Array<Record<string, unknown>>, errors?: Array<Record<string, unknown>>, lastCursor?: number | null, batchMetadata?: Record<string, unknown>,
  ): BatchWorkerOutcome;
  getBatchContext(context: StepContext): BatchWorkerContext | null;
  getBatchWorkerInputs(context: StepContext): Partial<RustBatchWorkerInputs> | null;
  handleNoOpWorker(context: StepContext): StepHandlerResult | null;
  batchAnalyzerSuccess(outcome: BatchAnalyzerOutcome, metadata?: Record<string, unknown>): StepHandlerResult;
  batchWorkerSuccess(outcome: BatchWorkerOutcome, metadata?: Record<string, unknown>): StepHandlerResult;
  checkpointYield(cursor: unknown, itemsProcessed: number, accumulatedResults?: Record<string, unknown>): StepHandlerResult;
  detectAggregationScenario(dependencyResults: Record<string, unknown>, batchableStepName: string | null, batchWorkerPrefix: string): BatchAggregationScenario;
  noBatchesAggregationResult(zeroMetrics?: Record<string, unknown>): StepHandlerResult;
  aggregateBatchWorkerResults(scenario: BatchAggregationScenario, zeroMetrics?: Record<string, unknown>, aggregationFn?: Aggregator): StepHandlerResult;
  batchSuccess(workerTemplateName: string, configs: Array<BatchWorkerConfig | RustCursorConfig>, metadata?: Record<string, unknown>): StepHandlerResult;
  noBatchesResult(reason?: string, metadata?: Record<string, unknown>): StepHandlerResult;
  batchWorkerResult(result: Record<string, unknown>, batch?: Pick<BatchWorkerContext, 'batchId'> | null, metadata?: Record<string, unknown>): StepHandlerResult;
}

/**
 * The batch helpers as a class: bind its prototype methods onto a handler, call {@link applyBatchable} in a constructor,
 * or extend `Batchable(Base)` / `BatchableStepHandler`. `BatchableMixin.aggregateWorkerResults` sums worker outcomes.
 */
export class BatchableMixin implements Batchable {
  /** Sums worker results (see `aggregateBatchResults`), keeping at most `maxErrors` errors. */
  static aggregateWorkerResults(workerResults: Array<Record<string, unknown> | null | undefined>, maxErrors = 100): BatchAggregationResult {
    return aggregateBatchResults(workerResults, maxErrors);
  }

  /** See the function `createCursorConfig`. */
  createCursorConfig(start: number, end: number, stepSize?: number, metadata?: Record<string, unknown>): CursorConfig {
    return createCursorConfig(start, end, stepSize, metadata);
  }

  /** See the function `createCursorRanges`. */
  createCursorRanges(totalItems: number, batchSize: number, stepSize?: number, maxBatches?: number): CursorConfig[] {
    return createCursorRanges(totalItems, batchSize, stepSize, maxBatches);
  }

  /** See the function `createCursorConfigs`. */
  createCursorConfigs(totalItems: number, workerCount: number): BatchWorkerConfig[] {
    return createCursorConfigs(totalItems, workerCount);
  }

  /** See the function `createBatchOutcome`. */
  createBatchOutcome(totalItems: number, batchSize: number, stepSize?: number, batchMetadata?: Record<string, unknown>): BatchAnalyzerOutcome {
    return createBatchOutcome(totalItems, batchSize, stepSize, batchMetadata);
  }

  /** See the function `createWorkerOutcome`. */
  createWorkerOutcome(
    itemsProcessed: number, itemsSucceeded?: number, itemsFailed?: number, itemsSkipped?: number,
    results?: Array<Record<string, unknown>>, errors?: Array<Record<string, unknown>>, lastCursor?: number | null, batchMetadata?: Record<string, unknown>,
  ): BatchWorkerOutcome {
    return createWorkerOutcome(itemsProcessed, itemsSucceeded, itemsFailed, itemsSkipped, results, errors, lastCursor, batchMetadata);
  }

  /** See the function `getBatchContext`. */
  getBatchContext(context: StepContext): BatchWorkerContext | null {
    return getBatchContext(context);
  }

  /** See the function `getBatchWorkerInputs`. */
  getBatchWorkerInputs(context: StepContext): Partial<RustBatchWorkerInputs> | null {
    return getBatchWorkerInputs(context);
  }

  /** See the function `handleNoOpWorker`. */
  handleNoOpWorker(context: StepContext): StepHandlerResult | null {
    return handleNoOpWorker(context);
  }

  /** See the function `batchAnalyzerSuccess`. */
  batchAnalyzerSuccess(outcome: BatchAnalyzerOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
    return batchAnalyzerSuccess(outcome, metadata);
  }

  /** See the function `batchWorkerSuccess`. */
  batchWorkerSuccess(outcome: BatchWorkerOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
    return batchWorkerSuccess(outcome, metadata);
  }

  /** See the function `checkpointYield`. */
  checkpointYield(cursor: unknown, itemsProcessed: number, accumulatedResults?: Record<string, unknown>): StepHandlerResult {
    return checkpointYield(cursor, itemsProcessed, accumulatedResults);
  }

  /** See the function `detectAggregationScenario`. */
  detectAggregationScenario(dependencyResults: Record<string, unknown>, batchableStepName: string | null, batchWorkerPrefix: string): BatchAggregationScenario {
    return detectAggregationScenario(dependencyResults, batchableStepName, batchWorkerPrefix);
  }

  /** See the function `noBatchesAggregationResult`. */
  noBatchesAggregationResult(zeroMetrics?: Record<string, unknown>): StepHandlerResult {
    return noBatchesAggregationResult(zeroMetrics);
  }

  /** See the function `aggregateBatchWorkerResults`. */
  aggregateBatchWorkerResults(scenario: BatchAggregationScenario, zeroMetrics?: Record<string, unknown>, aggregationFn?: Aggregator): StepHandlerResult {
    return aggregateBatchWorkerResults(scenario, zeroMetrics, aggregationFn);
  }

  /** See the function `batchSuccess`. */
  batchSuccess(workerTemplateName: string, configs: Array<BatchWorkerConfig | RustCursorConfig>, metadata?: Record<string, unknown>): StepHandlerResult {
    return batchSuccess(workerTemplateName, configs, metadata);
  }

  /** See the function `noBatchesResult`. */
  noBatchesResult(reason?: string, metadata?: Record<string, unknown>): StepHandlerResult {
    return noBatchesResult(reason, metadata);
  }

  /** See the function `batchWorkerResult`. */
  batchWorkerResult(result: Record<string, unknown>, batch?: Pick<BatchWorkerContext, 'batchId'> | null, metadata?: Record<string, unknown>): StepHandlerResult {
    return batchWorkerResult(result, batch, metadata);
  }
}

/** The names of the {@link Batchable} methods. */
export const BATCHABLE_METHODS = Object.getOwnPropertyNames(BatchableMixin.prototype).filter((k) => k !== 'constructor') as Array<keyof Batchable>;

/** Adds every {@link Batchable} method to `target` (e.g. `applyBatchable(this)` in a handler's constructor). */
export function applyBatchable<T extends object>(target: T): T & Batchable {
  const mixin = new BatchableMixin();
  const out = target as unknown as Record<string, unknown>;
  for (const key of BATCHABLE_METHODS) out[key] = (mixin[key] as (...args: unknown[]) => unknown).bind(mixin);
  return target as T & Batchable;
}
