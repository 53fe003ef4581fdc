// tasker's public API: the engine as a library, the handler API, templates, configuration, errors.
export * from './handlers/index.ts';
export { createTasker, resolveConfig, type Tasker, type TaskerOptions, type FinishedTask } from './engine.ts';
export type { CreateTaskRequest, CreatedTask } from './orchestration/task-creator.ts';
export type { TaskView, StepView, TaskFilter } from './orchestration/task-queries.ts';
export { TaskState, StepState } from './orchestration/states.ts';
export { cancelTask, type CancelTaskOptions, type CancelTaskResult } from './orchestration/task-cancel.ts';
export { applyStepAction, StepActions, type StepAction, type StepActionRequest, type StepActionResult } from './orchestration/step-actions.ts';
export { listDlq, getDlqEntry, resolveDlqEntry, DlqResolutions, type DlqEntry, type DlqFilter, type DlqResolution } from './orchestration/dlq.ts';
export { sweepStaleTasks, stalenessThresholds, type StaleTask } from './orchestration/staleness.ts';
export { renderTemplateMermaid, renderTaskMermaid, templateGraph, taskGraph, type Graph, type GraphNode, type VisualStep, type RenderOptions } from './orchestration/visualize.ts';
export { createDecisionHook } from './orchestration/decisions.ts';
export { createBatchHook, createFailFastHook } from './orchestration/batches.ts';
export type { CompletionHook, FailureHook } from './orchestration/result-processor.ts';
export { loadConfig, redactConfig, type TaskerConfig, type TaskerConfigInput } from './config/index.ts';
export { parseTemplate, validateTemplate, loadTemplates, type TaskTemplate, type StepTemplate, type Problem } from './templates/index.ts';
export { discoverHandlers, type DiscoveryFailure, type DiscoveryOptions, type DiscoveryResult } from './worker/discovery.ts';
export { TaskerError, isTaskerError, ErrorCode } from './errors.ts';
export { createLogger as createTaskerLogger, silentLogger as silentTaskerLogger, setDefaultLogger, getDefaultLogger, type Logger } from './logging.ts';
export { getRuntime, type Runtime } from './runtime/index.ts';
export { createHttpApp, startHttpServer, type HttpApp, type HttpAppOptions } from './http/index.ts';

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
  type CancelTaskResponse, type CreateTaskOptions, type HealthCheckResponse, type HttpTransportOptions, type ListTasksOptions,
  type PaginationInfo, type StepAuditResponse, type StepReadinessStatus, type StepResponse, type TaskerClientTarget,
  type TaskListResponse, type TaskResponse,
} from './client/index.ts';
