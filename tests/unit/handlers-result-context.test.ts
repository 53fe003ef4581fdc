import { isResultShaped } from '../../src/handlers/step-handler-result.ts';
import { describe, expect, it } from 'vitest';
import { ErrorType, StepHandlerResult, createStepContext, } from '../../src/handlers/index.ts';

describe('StepHandlerResult', () => {
  it('success() serialises to the snake_case stored shape', () => {
    const r = StepHandlerResult.success({ value: 36 }, { took_ms: 3 });
    expect(r.isSuccess()).toBe(true);
    expect(r.isFailure()).toBe(false);
    expect(r.toJSON()).toEqual({
      success: true,
      result: { value: 36 },
      error_message: null,
      error_type: null,
      error_code: null,
      retryable: true,
      metadata: { took_ms: 3 },
      orchestration_metadata: null,
    });
  });

  it('failure() defaults to a retryable handler_error', () => {
    const r = StepHandlerResult.failure('boom');
    expect(r.toJSON()).toMatchObject({ success: false, result: null, error_message: 'boom', error_type: 'handler_error', retryable: true });
  });

  it('failure() keeps type, retryable flag, metadata and error code', () => {
    const r = StepHandlerResult.failure('bad', ErrorType.VALIDATION_ERROR, false, { field: 'x' }, 'E_BAD');
    expect(r.toJSON()).toMatchObject({ error_type: 'validation_error', retryable: false, metadata: { field: 'x' }, error_code: 'E_BAD' });
  });

  it('serialises orchestration metadata with snake_case keys and round-trips through fromJSON', () => {
    const r = new StepHandlerResult({
      success: false,
      errorMessage: 'slow down',
      errorType: 'rate_limited',
      orchestrationMetadata: {
        headers: { 'retry-after': '7' },
        errorContext: { status_code: 429 },
        backoffHint: { type: 'server_requested', delaySeconds: 7 },
        custom: { a: 1 },
      },
    });
    const json = r.toJSON();
    expect(json.orchestration_metadata).toEqual({
      headers: { 'retry-after': '7' },
      error_context: { status_code: 429 },
      backoff_hint: { backoff_type: 'server_requested', delay_seconds: 7 },
      custom: { a: 1 },
    });
    const back = StepHandlerResult.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.toJSON()).toEqual(json);
  });

  it('ErrorType holds exactly the five standard values', () => {
    expect(Object.values(ErrorType).sort()).toEqual(['handler_error', 'permanent_error', 'retryable_error', 'timeout', 'validation_error']);
  });

  it('isResultShaped accepts result-only keys and rejects handler data that merely has a success flag', () => {
    expect(isResultShaped({ success: true, result: { a: 1 } })).toBe(true);
    expect(isResultShaped({ success: false, error_message: 'x', retryable: false })).toBe(true);
    expect(isResultShaped({ success: true, count: 3 })).toBe(false);
    expect(isResultShaped({ success: 'yes' })).toBe(false);
    expect(isResultShaped([])).toBe(false);
  });
});

describe('StepContext', () => {
  const stored = (result: unknown) => StepHandlerResult.success(result as Record<string, unknown>).toJSON();
  const ctx = createStepContext({
    handlerName: 'h',
    inputData: { even_number: 6, zero: 0 },
    stepConfig: { mode: 'fast' },
    dependencyResults: {
      step_a: stored({ value: 36, nested: { deep: { x: 1 } } }),
      raw_step: 42,
      batch_001: stored({ n: 1 }),
      batch_002: stored({ n: 2 }),
    },
    retryCount: 2,
    maxRetries: 3,
  });

  it('unwraps .result of a stored dependency result and returns raw values as they are', () => {
    expect(ctx.getDependencyResult('step_a').value).toBe(36);
    expect(ctx.getDependencyResult('raw_step')).toBe(42);
    expect(ctx.getDependencyResult('missing')).toBeNull();
  });

  it('walks nested dependency fields and returns null off the path', () => {
    expect(ctx.getDependencyField('step_a', 'nested', 'deep', 'x')).toBe(1);
    expect(ctx.getDependencyField('step_a', 'value', 'nope')).toBeNull();
    expect(ctx.getDependencyField('missing', 'a')).toBeNull();
  });

  it('lists dependency keys and collects results by prefix', () => {
    expect(ctx.getDependencyResultKeys()).toEqual(['step_a', 'raw_step', 'batch_001', 'batch_002']);
    expect(ctx.getAllDependencyResults('batch_')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('reads inputs with defaults that apply only to undefined values', () => {
    expect(ctx.getInput('even_number')).toBe(6);
    expect(ctx.getInputOr('zero', 5)).toBe(0);
    expect(ctx.getInputOr('absent', 5)).toBe(5);
    expect(ctx.getConfig('mode')).toBe('fast');
  });

  it('knows whether this run is a retry and the last one', () => {
    expect(ctx.isRetry()).toBe(true);
    expect(ctx.isLastRetry()).toBe(true);
    const first = createStepContext({ retryCount: 0, maxRetries: 3 });
    expect(first.isRetry()).toBe(false);
    expect(first.isLastRetry()).toBe(false);
  });

  it('exposes checkpoint cursor, items and accumulated results', () => {
    expect(ctx.hasCheckpoint()).toBe(false);
    expect(ctx.checkpointItemsProcessed).toBe(0);
    const resumed = createStepContext({ checkpoint: { cursor: 50, items_processed: 50, accumulated_results: { sum: 9 } } });
    expect(resumed.hasCheckpoint()).toBe(true);
    expect(resumed.checkpointCursor).toBe(50);
    expect(resumed.checkpointItemsProcessed).toBe(50);
    expect(resumed.accumulatedResults).toEqual({ sum: 9 });
  });

  it('defaults stepName to the handler name and provides a live signal and logger', () => {
    expect(ctx.stepName).toBe('h');
    expect(ctx.signal.aborted).toBe(false);
    expect(() => ctx.logger.info('hello', { a: 1 })).not.toThrow();
  });
});
