// Public handler API (DESIGN §8), compatible with the original tasker TypeScript worker.
export { ErrorType, isStandardErrorType, isTypicallyRetryable } from './error-type.ts';
export {
  StepHandlerResult,
  isResultShaped,
  type BackoffHint,
  type OrchestrationMetadata,
  type StepHandlerResultJSON,
  type StepHandlerResultParams,
} from './step-handler-result.ts';
export {
  StepContext,
  createStepContext,
  silentLogger,
  type StepCheckpoint,
  type StepContextData,
  type StepLogger,
} from './step-context.ts';
export { StepHandler, HandlerType, isHandlerClass, type StepHandlerClass } from './step-handler.ts';
export { ApiResponse, classifyHttpStatus, parseRetryAfter, HTTP_ERROR_TYPES } from './api-response.ts';
export { ApiHandler, type ApiRequestOptions } from './api-handler.ts';
export {
  DecisionHandler,
  DecisionStepHandler,
  decisionRouteResult,
  decisionSkipResult,
  type DecisionPointOutcome,
} from './decision-handler.ts';
export {
  batchSuccess,
  createCursorConfigs,
  createCursorRanges,
  noBatchesResult,
  type BatchProcessingOutcome,
  type CursorConfig,
} from './batch-analyzer.ts';
export {
  batchWorkerSuccess,
  checkpointYield,
  extractCheckpointYield,
  getBatchContext,
  handleNoOpWorker,
  type BatchWorkerContext,
  type CheckpointYield,
} from './batch-worker.ts';
export {
  aggregateBatchWorkerResults,
  detectAggregationScenario,
  noBatchesAggregationResult,
  type BatchAggregationScenario,
} from './batch-aggregation.ts';
export { Batchable, BatchableStepHandler, isBatchableClass } from './batchable.ts';
export { PermanentError, RetryableError } from './handler-errors.ts';
export { resultFromError, wrapReturnValue } from './outcome.ts';
export {
  Decision,
  defineApiHandler,
  defineBatchAnalyzer,
  defineBatchWorker,
  defineDecisionHandler,
  defineHandler,
  type ApiHandlerOptions,
  type BatchConfig,
  type HandlerArgs,
  type HandlerFn,
  type HandlerOptions,
} from './functional.ts';
export { describeHandler, type HandlerInfo } from './handler-info.ts';
export {
  ExplicitMappingResolver,
  ModulePathResolver,
  type HandlerLookup,
  type HandlerResolver,
  type HandlerSpec,
  type ModulePathResolverOptions,
  type ResolvedHandler,
} from './resolvers.ts';
export { HandlerRegistry, type HandlerRegistryOptions } from './registry.ts';
