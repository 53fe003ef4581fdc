// tasker's public API, the package entry: every name a user may import, listed explicitly (no `export *`)
// and sorted by module, so an internal helper never becomes public by accident. Each name is documented
// where it is defined; tests/package/public-api.test.ts checks that, and that the packed declarations compile.

// the engine as a library
export { createTasker, type FinishedTask, type Tasker, type TaskerOptions } from './engine.ts';

// configuration
export type { LoadConfigOptions, LoadedConfig } from './config/load.ts';
export { loadConfig } from './config/load.ts';
export { redactConfig } from './config/redact.ts';
export type { TaskerConfig, TaskerConfigInput } from './config/schema.ts';

// errors and logging
export { ErrorCode, TaskerError, isTaskerError, type TaskerErrorOptions } from './errors.ts';
export { createLogger, silentLogger as silentTaskerLogger, type LogFields, type Logger, type LoggerOptions } from './logging.ts';

// the handler API
export { ApiHandler, type ApiRequestOptions } from './handlers/api-handler.ts';
export { ApiResponse } from './handlers/api-response.ts';
export {
  aggregateBatchWorkerResults,
  detectAggregationScenario,
  noBatchesAggregationResult,
  type BatchAggregationScenario,
} from './handlers/batch-aggregation.ts';
export {
  batchSuccess,
  createCursorConfigs,
  createCursorRanges,
  noBatchesResult,
  type BatchProcessingOutcome,
  type CursorConfig,
} from './handlers/batch-analyzer.ts';
export {
  batchWorkerSuccess,
  checkpointYield,
  getBatchContext,
  handleNoOpWorker,
  type BatchWorkerContext,
  type CheckpointYield,
} from './handlers/batch-worker.ts';
export { Batchable, BatchableStepHandler, type BatchableMethods } from './handlers/batchable.ts';
export { DecisionHandler, DecisionStepHandler, type DecisionPointOutcome } from './handlers/decision-handler.ts';
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
export {
  ExplicitMappingResolver,
  ModulePathResolver,
  type HandlerLookup,
  type HandlerResolver,
  type HandlerSpec,
  type ModulePathResolverOptions,
  type ResolvedHandler,
} from './handlers/resolvers.ts';
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
export { StepState, TaskState } from './orchestration/states.ts';
export { StepActions, type StepAction, type StepActionRequest, type StepActionResult } from './orchestration/step-actions.ts';
export type { CancelTaskOptions, CancelTaskResult } from './orchestration/task-cancel.ts';
export type { CreateTaskRequest, CreatedTask } from './orchestration/task-creator.ts';
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
