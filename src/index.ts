// tasker's public API, the package entry: every name a user may import, listed explicitly (no `export *`)
// and sorted by module, so an internal helper never becomes public by accident. Each name is documented
// where it is defined; tests/package/public-api.test.ts checks that, and that the packed declarations compile.

// the engine as a library
export { createTasker, type FinishedTask, type Tasker, type TaskerOptions } from './engine/index.ts';

// configuration
export type { LoadConfigOptions, LoadedConfig } from './config/load.ts';
export { loadConfig } from './config/load.ts';
export { redactConfig } from './config/redact.ts';
export type { TaskerConfig, TaskerConfigInput } from './config/schema.ts';

// errors and logging
export { ErrorCode, TaskerError, isTaskerError, type TaskerErrorOptions } from './errors.ts';
export { createLogger as createTaskerLogger, getDefaultLogger, setDefaultLogger, silentLogger, type Logger, type LoggerOptions } from './logging.ts';

// the handler API
export { ApiHandler, type ApiRequestOptions } from './handlers/api-handler.ts';
export { ApiResponse } from './handlers/api-response.ts';
export {
  aggregateBatchWorkerResults,
  detectAggregationScenario,
  noBatchesAggregationResult,
  type BatchAggregationScenario,
} from './handlers/batch-aggregation.ts';

export type { CheckpointYield } from './handlers/batch-worker.ts';
export { DecisionHandler, DecisionStepHandler } from './handlers/decision-handler.ts';
export { ErrorType, isStandardErrorType, isTypicallyRetryable } from './handlers/error-type.ts';
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
} from './handlers/functional.ts';
export { PermanentError, RetryableError } from './handlers/handler-errors.ts';
export { HandlerRegistry, type HandlerRegistryOptions } from './handlers/registry.ts';
export type { HandlerLookup, HandlerResolver, ResolvedHandler } from './handlers/resolvers.ts';
export type { ModulePathResolverOptions } from './handlers/module-path-resolver.ts';
export { StepContext, createStepContext, type StepCheckpoint, type StepContextData, type StepLogger } from './handlers/step-context.ts';
export {
  StepHandlerResult,
  type BackoffHint,
  type OrchestrationMetadata,
  type StepHandlerResultJSON,
  type StepHandlerResultParams,
} from './handlers/step-handler-result.ts';
export { HandlerType, StepHandler, type StepHandlerClass } from './handlers/step-handler.ts';
export { discoverHandlers, type DiscoveredHandler, type DiscoveryResult } from './worker/discovery.ts';

// HTTP API
export { createHttpApp, type HttpApp, type HttpAppOptions } from './http/app.ts';
export { startHttpServer } from './http/server.ts';

// operations on tasks, steps and the dead-letter queue
export { DlqResolutions, getDlqEntry, listDlq, resolveDlqEntry, type DlqEntry, type DlqFilter, type DlqResolution } from './orchestration/dlq.ts';
export type { CompletionHook, FailureHook } from './orchestration/result-processor.ts';
export { StepState, TaskState } from './orchestration/state-machine.ts';
export { StepActions, type StepAction, type StepActionRequest, type StepActionResult } from './orchestration/step-actions.ts';
export type { CancelTaskOptions, CancelTaskResult } from './orchestration/task-cancel.ts';
export type { CreateTaskRequest, CreatedTask } from './orchestration/task-creator.ts';
export type { BatchItemError } from './orchestration/task-bulk-creator.ts';
export type { StepView, TaskFilter, TaskView } from './orchestration/task-queries.ts';
export {
  renderTaskMermaid,
  renderTemplateMermaid,
  taskGraph,
  templateGraph,
  type Graph,
  type GraphNode,
  type RenderOptions,
  type VisualStep,
} from './orchestration/visualize.ts';

// the runtime layer (Node.js, Bun, Deno)
export type { FetchHandler, Runtime, ServerHandle } from './runtime/index.ts';
export { getRuntime } from './runtime/index.ts';

// task templates
export { loadTemplates, type LoadResult } from './templates/load.ts';
export { parseTemplate, type ParseResult } from './templates/parse.ts';
export type { Problem, StepTemplate, TaskTemplate, TemplateLoadOptions } from './templates/types.ts';
export { validateTemplate, type ValidateOptions } from './templates/validate.ts';

// ---- Compatibility with the original worker (@tasker-systems/tasker), issue 14: names exported explicitly ----
export {
  BatchableMixin, applyBatchable, Batchable, BatchableStepHandler,
  aggregateBatchResults, createBatches, isCreateBatches, isNoBatches, noBatches, createBatchWorkerContext,
  batchAnalyzerSuccess, batchSuccess, createBatchOutcome, createCursorConfig, createCursorConfigs, createCursorRanges,
  cursorConfigsForWorkers, cursorConfigsOfSize, noBatchesResult,
  batchWorkerResult, batchWorkerSuccess, createWorkerOutcome, getBatchWorkerInputs, getBatchContext, handleNoOpWorker, checkpointYield,
  type BatchableResult, type BatchAggregationResult, type BatchAnalyzerOutcome, type BatchMetadata, type BatchProcessingOutcome,
  type BatchWorkerConfig, type BatchWorkerContext, type BatchWorkerOutcome, type CreateBatchesOutcome, type CursorConfig,
  type FailureStrategy, type NoBatchesOutcome, type RustBatchWorkerInputs, type RustCursorConfig,
  DecisionType, DecisionMixin, applyDecision, APIMixin, applyAPI,
  type APICapable, type DecisionCapable, type DecisionPointOutcome, type DecisionPointOutcomeJSON, type ApiHandlerArgs,
  ResolverChain, ExplicitMappingResolver, ClassLookupResolver, ModulePathResolver, RegistryResolver, MethodDispatchWrapper, ResolvedStepHandler,
  effectiveMethod, fromCallable, fromDto, hasResolverHint, normalizeToDefinition, usesMethodDispatch,
  MethodDispatchError, NoResolverMatchError, ResolutionError, ResolverNotFoundError,
  type BaseResolver, type ExecutableHandler, type HandlerDefinition, type HandlerEntry, type HandlerFactory, type HandlerSpec,
  type RegistryResolverStatic, type ResolverConfig,
  logDebug, logError, logInfo, logTrace, logWarn, createFieldLogger as createLogger, type FieldLogger, type LogFields,
} from './handlers/index.ts';
export {
  TaskerClient, TaskerClientError, getTaskerClient,
  type CancelTaskResponse, type CreateTaskOptions, type CreatedTaskResponse, type HealthCheckResponse, type HttpTransportOptions, type ListTasksOptions,
  type PaginationInfo, type StepAuditResponse, type StepReadinessStatus, type StepResponse, type TaskerClientTarget,
  type TaskListResponse, type TaskResponse,
} from './client/index.ts';
// ---- Domain events (issue 15): the original worker's names and shapes ----
export { BasePublisher, DefaultPublisher, type PreparedPublication } from './events/publisher.ts';
export { DuplicatePublisherError, PublisherNotFoundError, PublisherRegistry, PublisherValidationError, RegistryFrozenError } from './events/publisher-registry.ts';
export { BaseSubscriber, SubscriberRegistry, matchesPattern, type SubscriberClass } from './events/subscriber.ts';
export { createDomainEvent, createStepEventContext } from './events/factories.ts';
export { DeliveryModes, EventConditions } from './events/types.ts';
export type {
  DeliveryMode, DomainEvent, DomainEventMetadata, DomainEventRecord, EventCatalogEntry, EventCondition, EventDeclaration,
  PublishContext, StepEventContext, StepResult,
} from './events/types.ts';
export { listEvents, type EventFilter } from './events/queries.ts';
export type { DomainEvents, DomainEventStats } from './events/service.ts';
