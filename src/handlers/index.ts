// Public handler API (DESIGN §8), compatible with the original tasker TypeScript worker.
export { ErrorType, isStandardErrorType, isTypicallyRetryable } from './error-type.ts';
export {
  StepHandlerResult,
  type BackoffHint,
  type OrchestrationMetadata,
  type StepHandlerResultJSON,
  type StepHandlerResultParams,
} from './step-handler-result.ts';
export {
  StepContext,
  createStepContext,
  type StepCheckpoint,
  type StepContextData,
  type StepLogger,
} from './step-context.ts';
export { StepHandler, HandlerType, isHandlerClass, type StepHandlerClass } from './step-handler.ts';
export { ApiResponse, classifyHttpStatus, parseRetryAfter, HTTP_ERROR_TYPES } from './api-response.ts';
export { ApiHandler, type ApiRequestOptions } from './api-handler.ts';
export { APIMixin, applyAPI, type APICapable, type ApiSettings } from './api-mixin.ts';
export { DecisionHandler, DecisionStepHandler } from './decision-handler.ts';
export {
  DecisionType,
  decisionRouteResult,
  decisionSkipResult,
  type DecisionPointOutcome,
  type DecisionPointOutcomeJSON,
} from './decision-outcome.ts';
export { DecisionMixin, applyDecision, type DecisionCapable } from './decision-mixin.ts';
export {
  aggregateBatchResults,
  createBatches,
  isCreateBatches,
  isNoBatches,
  noBatches,
  type BatchableResult,
  type BatchAggregationResult,
  type BatchAnalyzerOutcome,
  type BatchMetadata,
  type BatchProcessingOutcome,
  type BatchWorkerConfig,
  type BatchWorkerOutcome,
  type CreateBatchesOutcome,
  type CursorConfig,
  type FailureStrategy,
  type NoBatchesOutcome,
  type RustBatchWorkerInputs,
  type RustCursorConfig,
} from './batch-types.ts';
export {
  batchAnalyzerSuccess,
  batchSuccess,
  createBatchOutcome,
  createCursorConfig,
  createCursorConfigs,
  createCursorRanges,
  cursorConfigsForWorkers,
  cursorConfigsOfSize,
  noBatchesResult,
} from './batch-analyzer.ts';
export {
  batchWorkerResult,
  batchWorkerSuccess,
  checkpointYield,
  createBatchWorkerContext,
  createWorkerOutcome,
  getBatchContext,
  getBatchWorkerInputs,
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
export { BatchableMixin, applyBatchable } from './batchable-mixin.ts';
export { PermanentError, RetryableError } from './handler-errors.ts';
export {
  Decision,
  defineApiHandler,
  defineBatchAnalyzer,
  defineBatchWorker,
  defineDecisionHandler,
  defineHandler,
  type ApiHandlerArgs,
  type ApiHandlerOptions,
  type BatchConfig,
  type HandlerArgs,
  type HandlerFn,
  type HandlerOptions,
} from './functional.ts';
export type { HandlerInfo } from './handler-info.ts';
export {
  ExplicitMappingResolver,
  type BaseResolver,
  type HandlerEntry,
  type HandlerFactory,
  type HandlerLookup,
  type HandlerResolver,
  type ResolvedHandler,
  type ResolverConfig,
  type ResolverOutcome,
} from './resolvers.ts';
export { ClassLookupResolver, ModulePathResolver, type ModulePathResolverOptions } from './module-path-resolver.ts';
export { RegistryResolver, type RegistryResolverStatic } from './registry-resolver.ts';
export { ResolverChain } from './resolver-chain.ts';
export { MethodDispatchWrapper, ResolvedStepHandler, type ExecutableHandler } from './executable.ts';
export {
  effectiveMethod,
  fromCallable,
  fromDto,
  hasResolverHint,
  normalizeToDefinition,
  usesMethodDispatch,
  type HandlerDefinition,
  type HandlerSpec,
} from './handler-definition.ts';
export { MethodDispatchError, NoResolverMatchError, ResolutionError, ResolverNotFoundError } from './registry-errors.ts';
export { HandlerRegistry, type HandlerRegistryOptions } from './registry.ts';
export { createFieldLogger, logDebug, logError, logInfo, logTrace, logWarn, type FieldLogger, type LogFields } from './log-helpers.ts';
