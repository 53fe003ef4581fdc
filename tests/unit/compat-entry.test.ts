// Every name of the original worker's handler API (issue 14) is exported by the package entry, src/index.ts.
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/index.ts';
import type {
  APICapable, ApiHandlerArgs, BatchableResult, BatchAggregationResult, BatchAnalyzerOutcome, BatchMetadata, BatchWorkerOutcome,
  BaseResolver, CancelTaskResponse, CreateBatchesOutcome, CreateTaskOptions, DecisionCapable, DecisionPointOutcome, ExecutableHandler,
  FailureStrategy, HandlerDefinition, HandlerSpec, HealthCheckResponse, ListTasksOptions, LogFields, NoBatchesOutcome, PaginationInfo,
  StepAuditResponse, StepReadinessStatus, StepResponse, TaskListResponse, TaskResponse, Batchable, CursorConfig, RustCursorConfig,
  RustBatchWorkerInputs, BatchWorkerConfig, BatchWorkerContext, BatchProcessingOutcome, ResolverConfig,
} from '../../src/index.ts';

const VALUES = [
  // batch
  'BatchableStepHandler', 'BatchableMixin', 'applyBatchable', 'Batchable', 'createBatches', 'noBatches', 'isCreateBatches', 'isNoBatches',
  'aggregateBatchResults', 'createBatchWorkerContext', 'batchSuccess', 'noBatchesResult', 'createCursorConfigs', 'createCursorRanges',
  'createCursorConfig', 'createBatchOutcome', 'createWorkerOutcome', 'batchAnalyzerSuccess', 'batchWorkerSuccess', 'getBatchContext',
  'getBatchWorkerInputs', 'handleNoOpWorker', 'checkpointYield', 'detectAggregationScenario', 'aggregateBatchWorkerResults',
  'noBatchesAggregationResult',
  // decision, mixins
  'DecisionHandler', 'DecisionStepHandler', 'DecisionType', 'APIMixin', 'applyAPI', 'DecisionMixin', 'applyDecision', 'ApiHandler', 'ApiResponse',
  // registry
  'HandlerRegistry', 'ResolverChain', 'ExplicitMappingResolver', 'ClassLookupResolver', 'RegistryResolver', 'MethodDispatchWrapper',
  'fromCallable', 'fromDto', 'normalizeToDefinition', 'effectiveMethod', 'hasResolverHint', 'usesMethodDispatch',
  'ResolutionError', 'MethodDispatchError', 'NoResolverMatchError', 'ResolverNotFoundError',
  // logging, client
  'logTrace', 'logDebug', 'logInfo', 'logWarn', 'logError', 'createLogger', 'TaskerClient', 'getTaskerClient', 'TaskerClientError',
  // the rest of the handler API
  'StepHandler', 'StepContext', 'StepHandlerResult', 'ErrorType', 'PermanentError', 'RetryableError', 'Decision',
  'defineHandler', 'defineDecisionHandler', 'defineBatchAnalyzer', 'defineBatchWorker', 'defineApiHandler',
] as const;

describe('the package entry', () => {
  it.each(VALUES)('exports %s', (name) => {
    expect((entry as Record<string, unknown>)[name]).toBeDefined();
  });

  it('keeps tasker-only shapes under their own names', () => {
    for (const name of ['cursorConfigsForWorkers', 'cursorConfigsOfSize', 'batchWorkerResult', 'createTaskerLogger', 'createTasker']) {
      expect(typeof (entry as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('exports the types (checked by the compiler)', () => {
    type All = [
      APICapable, ApiHandlerArgs, BatchableResult, BatchAggregationResult, BatchAnalyzerOutcome, BatchMetadata, BatchWorkerOutcome, BaseResolver,
      CancelTaskResponse, CreateBatchesOutcome, CreateTaskOptions, DecisionCapable, DecisionPointOutcome, ExecutableHandler, FailureStrategy,
      HandlerDefinition, HandlerSpec, HealthCheckResponse, ListTasksOptions, LogFields, NoBatchesOutcome, PaginationInfo, StepAuditResponse,
      StepReadinessStatus, StepResponse, TaskListResponse, TaskResponse, Batchable, CursorConfig, RustCursorConfig, RustBatchWorkerInputs,
      BatchWorkerConfig, BatchWorkerContext, BatchProcessingOutcome, ResolverConfig,
    ];
    const count: All['length'] = 35;
    expect(count).toBe(35);
  });
});
