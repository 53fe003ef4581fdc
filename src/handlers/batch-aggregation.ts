import { StepHandlerResult } from './step-handler-result.ts';

/** What a convergence step after a batch sees: either `no_batches`, or the results of every real worker. */
export interface BatchAggregationScenario {
  isNoBatches: boolean;
  /** The batchable step's result object (`{}` when it could not be found). */
  batchableResult: Record<string, unknown>;
  /** Worker step name → its result object (no-op placeholder workers excluded). */
  batchResults: Record<string, Record<string, unknown>>;
  workerCount: number;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A stored dependency result's `.result` object (or the value itself when it has no `result` key). */
function unwrap(stored: unknown): Record<string, unknown> {
  const obj = asObject(stored);
  if (!obj) return {};
  return 'result' in obj ? (asObject(obj.result) ?? {}) : obj;
}

function outcomeType(result: Record<string, unknown>): string | null {
  const outcome = asObject(result.batch_processing_outcome);
  return typeof outcome?.type === 'string' ? outcome.type : null;
}

/**
 * Classifies a convergence step's inputs. Workers are the dependencies named `<workerTemplateName>_<batch_id>`
 * (pass the template step name, with or without the trailing `_`). `batchableStepName` may be null: the
 * dependency carrying a `batch_processing_outcome` is then used. Throws when there is neither a `no_batches`
 * outcome nor any worker result (a template wiring error).
 */
export function detectAggregationScenario(
  dependencyResults: Record<string, unknown>,
  batchableStepName: string | null,
  workerTemplateName: string,
): BatchAggregationScenario {
  let batchableResult: Record<string, unknown> = {};
  if (batchableStepName !== null && dependencyResults[batchableStepName] !== undefined) {
    batchableResult = unwrap(dependencyResults[batchableStepName]);
  } else {
    for (const stored of Object.values(dependencyResults)) {
      const candidate = unwrap(stored);
      if (outcomeType(candidate) !== null) {
        batchableResult = candidate;
        break;
      }
    }
  }
  if (outcomeType(batchableResult) === 'no_batches') {
    return { isNoBatches: true, batchableResult, batchResults: {}, workerCount: 0 };
  }
  const prefix = workerTemplateName.endsWith('_') ? workerTemplateName : `${workerTemplateName}_`;
  const batchResults: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(dependencyResults).sort()) {
    if (!name.startsWith(prefix)) continue;
    const result = unwrap(dependencyResults[name]);
    if (result.no_op === true) continue;
    batchResults[name] = result;
  }
  const workerCount = Object.keys(batchResults).length;
  if (workerCount === 0) {
    throw new Error(
      `No batch worker results named '${prefix}*' and the batchable step ` +
        `${batchableStepName ? `'${batchableStepName}' ` : ''}did not return a no_batches outcome`,
    );
  }
  return { isNoBatches: false, batchableResult, batchResults, workerCount };
}

/** Success for the `no_batches` scenario: `{...zeroMetrics, worker_count: 0, scenario: 'no_batches'}`. */
export function noBatchesAggregationResult(zeroMetrics?: Record<string, unknown>): StepHandlerResult {
  return StepHandlerResult.success({ ...(zeroMetrics ?? {}), worker_count: 0, scenario: 'no_batches' });
}

/**
 * Success combining the workers: `aggregationFn(batchResults)` (default `{batch_results}`) plus
 * `worker_count` and `scenario: 'with_batches'`; for `no_batches`, {@link noBatchesAggregationResult}.
 */
export function aggregateBatchWorkerResults(
  scenario: BatchAggregationScenario,
  zeroMetrics?: Record<string, unknown>,
  aggregationFn?: (batchResults: Record<string, Record<string, unknown>>) => Record<string, unknown>,
): StepHandlerResult {
  if (scenario.isNoBatches) return noBatchesAggregationResult(zeroMetrics);
  const aggregated = aggregationFn ? aggregationFn(scenario.batchResults) : { batch_results: scenario.batchResults };
  return StepHandlerResult.success({ ...aggregated, worker_count: scenario.workerCount, scenario: 'with_batches' });
}
