import type { StepContext } from './step-context.ts';
import { StepHandler } from './step-handler.ts';
import type { StepHandlerResult } from './step-handler-result.ts';
import { batchSuccess, createCursorConfigs, createCursorRanges, noBatchesResult, type CursorConfig } from './batch-analyzer.ts';
import {
  batchWorkerSuccess,
  checkpointYield,
  getBatchContext,
  handleNoOpWorker,
  type BatchWorkerContext,
} from './batch-worker.ts';
import {
  aggregateBatchWorkerResults,
  detectAggregationScenario,
  noBatchesAggregationResult,
  type BatchAggregationScenario,
} from './batch-aggregation.ts';

// A mixin base must accept any constructor arguments (TypeScript requires `any[]` here).
type AbstractHandlerCtor = abstract new (...args: any[]) => StepHandler;

/** Marker set on every class produced by {@link Batchable}, used to list it as `batchable`. */
export const BATCHABLE_MARKER = Symbol.for('tasker.batchable');

/** The helpers {@link Batchable} adds to a handler class (each the exported function of the same name). */
export interface BatchableMethods {
  createCursorConfigs: typeof createCursorConfigs;
  createCursorRanges: typeof createCursorRanges;
  batchSuccess: typeof batchSuccess;
  noBatchesResult: typeof noBatchesResult;
  getBatchContext: typeof getBatchContext;
  handleNoOpWorker: typeof handleNoOpWorker;
  batchWorkerSuccess: typeof batchWorkerSuccess;
  checkpointYield: typeof checkpointYield;
  detectAggregationScenario: typeof detectAggregationScenario;
  noBatchesAggregationResult: typeof noBatchesAggregationResult;
  aggregateBatchWorkerResults: typeof aggregateBatchWorkerResults;
}

/**
 * Mixin adding the batch helpers (analyzer, worker and aggregator side) to a handler base class,
 * e.g. `class Importer extends Batchable(ApiHandler) {...}`. Each method delegates to the exported function of
 * the same name, so the shapes are those documented there. (The return type is spelled out because a
 * declaration file cannot name an anonymous class that inherits protected `success`/`failure`.)
 */
export function Batchable<TBase extends AbstractHandlerCtor>(Base: TBase): TBase & (abstract new (...args: any[]) => BatchableMethods) {
  abstract class BatchableHandler extends Base {
    static readonly [BATCHABLE_MARKER] = true;

    /** See {@link createCursorConfigs}. */
    createCursorConfigs(totalItems: number, workerCount: number): CursorConfig[] {
      return createCursorConfigs(totalItems, workerCount);
    }

    /** See {@link createCursorRanges}. */
    createCursorRanges(totalItems: number, batchSize: number): CursorConfig[] {
      return createCursorRanges(totalItems, batchSize);
    }

    /** See {@link batchSuccess}. */
    batchSuccess(workerTemplateName: string, configs: CursorConfig[], metadata?: Record<string, unknown>): StepHandlerResult {
      return batchSuccess(workerTemplateName, configs, metadata);
    }

    /** See {@link noBatchesResult}. */
    noBatchesResult(reason?: string, metadata?: Record<string, unknown>): StepHandlerResult {
      return noBatchesResult(reason, metadata);
    }

    /** See {@link getBatchContext}. */
    getBatchContext(context: StepContext): BatchWorkerContext | null {
      return getBatchContext(context);
    }

    /** See {@link handleNoOpWorker}. */
    handleNoOpWorker(context: StepContext): StepHandlerResult | null {
      return handleNoOpWorker(context);
    }

    /** See {@link batchWorkerSuccess}. */
    batchWorkerSuccess(
      result: Record<string, unknown>,
      batch?: Pick<BatchWorkerContext, 'batchId'> | null,
      metadata?: Record<string, unknown>,
    ): StepHandlerResult {
      return batchWorkerSuccess(result, batch, metadata);
    }

    /** See {@link checkpointYield}. */
    checkpointYield(cursor: unknown, itemsProcessed: number, accumulatedResults?: Record<string, unknown>): StepHandlerResult {
      return checkpointYield(cursor, itemsProcessed, accumulatedResults);
    }

    /** See {@link detectAggregationScenario}. */
    detectAggregationScenario(
      dependencyResults: Record<string, unknown>,
      batchableStepName: string | null,
      workerTemplateName: string,
    ): BatchAggregationScenario {
      return detectAggregationScenario(dependencyResults, batchableStepName, workerTemplateName);
    }

    /** See {@link noBatchesAggregationResult}. */
    noBatchesAggregationResult(zeroMetrics?: Record<string, unknown>): StepHandlerResult {
      return noBatchesAggregationResult(zeroMetrics);
    }

    /** See {@link aggregateBatchWorkerResults}. */
    aggregateBatchWorkerResults(
      scenario: BatchAggregationScenario,
      zeroMetrics?: Record<string, unknown>,
      aggregationFn?: (batchResults: Record<string, Record<string, unknown>>) => Record<string, unknown>,
    ): StepHandlerResult {
      return aggregateBatchWorkerResults(scenario, zeroMetrics, aggregationFn);
    }
  }
  return BatchableHandler;
}

/** A {@link StepHandler} with the {@link Batchable} helpers, for batch analyzers, workers and aggregators. */
export abstract class BatchableStepHandler extends Batchable(StepHandler) {
  override get capabilities(): string[] {
    return ['process', 'batchable'];
  }
}

/** True when `cls` was built with the {@link Batchable} mixin. */
export function isBatchableClass(cls: unknown): boolean {
  return typeof cls === 'function' && (cls as unknown as Record<symbol, unknown>)[BATCHABLE_MARKER] === true;
}
