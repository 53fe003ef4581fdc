import { describe, expect, it } from 'vitest';
import { PermanentError, StepHandler, StepHandlerResult, createStepContext, type StepContext } from '../../src/handlers/index.ts';
import { executeHandler, handlerNotFoundResult } from '../../src/worker/handler-executor.ts';
import { TaskerError } from '../../src/errors.ts';

function handlerReturning(value: () => unknown, name = 'returner') {
  return class extends StepHandler {
    static override handlerName = name;
    async call(): Promise<StepHandlerResult> {
      return value() as StepHandlerResult;
    }
  };
}

describe('executeHandler with class handlers', () => {
  it('returns the handler result unchanged', async () => {
    const result = StepHandlerResult.success({ value: 1 });
    expect(await executeHandler(new (handlerReturning(() => result))(), createStepContext())).toBe(result);
  });

  it('calls the resolved method instead of call', async () => {
    class Multi extends StepHandler {
      static override handlerName = 'multi';
      async call(): Promise<StepHandlerResult> {
        return this.success({ via: 'call' });
      }
      async refund(ctx: StepContext): Promise<StepHandlerResult> {
        return this.success({ via: 'refund', step: ctx.stepName });
      }
    }
    const handler = new Multi();
    const resolved = { name: 'multi', callable: 'multi', method: 'refund', resolver: 'explicit_mapping', handler, handlerClass: Multi };
    expect((await executeHandler(resolved, createStepContext({ stepName: 's1' }))).result).toEqual({ via: 'refund', step: 's1' });
    const missing = await executeHandler({ ...resolved, method: 'nope' }, createStepContext());
    expect(missing.toJSON()).toMatchObject({ success: false, error_code: 'HANDLER_RESULT_INVALID' });
    expect(missing.errorMessage).toMatch(/'multi'.*no method 'nope'/);
  });

  it('flags undefined from a class handler as HANDLER_RESULT_INVALID naming the handler', async () => {
    const r = await executeHandler(new (handlerReturning(() => undefined, 'forgetful'))(), createStepContext());
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'handler_error', error_code: 'HANDLER_RESULT_INVALID', retryable: false });
    expect(r.errorMessage).toMatch(/Handler 'forgetful'.*returned undefined/);
  });

  it('wraps a plain object returned by a class handler as success', async () => {
    const r = await executeHandler(new (handlerReturning(() => ({ value: 2 })))(), createStepContext());
    expect(r.toJSON()).toMatchObject({ success: true, result: { value: 2 } });
  });

  it.each([
    ['a function', () => ({ fn: () => 1 }), /a function at result\.fn/],
    ['a bigint', () => StepHandlerResult.success({ n: 10n }), /a bigint at result\.n/],
    ['a cycle', () => {
      const a: Record<string, unknown> = { list: [] };
      (a.list as unknown[]).push(a);
      return StepHandlerResult.success(a);
    }, /circular reference at result\.list\[0\]/],
    ['NaN in metadata', () => StepHandlerResult.success({}, { ratio: Number.NaN }), /NaN at metadata\.ratio/],
    ['a Map', () => ({ m: new Map() }), /a Map at result\.m/],
  ])('rejects a result containing %s', async (_what, value, message) => {
    const r = await executeHandler(new (handlerReturning(value, 'leaky'))(), createStepContext());
    expect(r.toJSON()).toMatchObject({ success: false, error_code: 'HANDLER_RESULT_INVALID' });
    expect(r.errorMessage).toMatch(/Handler 'leaky'/);
    expect(r.errorMessage).toMatch(message);
  });

  it('accepts dates, nested arrays and shared (non-cyclic) references', async () => {
    const shared = { x: 1 };
    const r = await executeHandler(new (handlerReturning(() => ({ at: new Date(0), a: [shared, shared], n: [[1]] })))(), createStepContext());
    expect(r.success).toBe(true);
  });

  it('maps errors thrown by class handlers like functional ones', async () => {
    const permanent = await executeHandler(new (handlerReturning(() => { throw new PermanentError('gone'); }))(), createStepContext());
    expect(permanent.toJSON()).toMatchObject({ error_type: 'permanent_error', retryable: false });
    const other = await executeHandler(new (handlerReturning(() => { throw new TypeError('x is undefined'); }))(), createStepContext());
    expect(other.toJSON()).toMatchObject({ error_type: 'handler_error', retryable: true, metadata: { error_class: 'TypeError', message: 'x is undefined' } });
  });

  it('reports a retryable timeout when the handler fails after its signal timed out', async () => {
    const controller = new AbortController();
    class Waits extends StepHandler {
      static override handlerName = 'waits';
      call(ctx: StepContext): Promise<StepHandlerResult> {
        return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      }
    }
    const pending = executeHandler(new Waits(), createStepContext({ signal: controller.signal }));
    controller.abort(new TaskerError('TIMEOUT', 'step exceeded 30 s'));
    expect((await pending).toJSON()).toMatchObject({ success: false, error_type: 'timeout', retryable: true, error_message: 'Step timed out: step exceeded 30 s' });
  });

  it('treats a failure after a non-timeout abort (cancellation) as a normal thrown error', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await executeHandler(new (handlerReturning(() => { throw new Error('cancelled'); }))(), createStepContext({ signal: controller.signal }));
    expect(r.errorType).toBe('handler_error');
  });
});

describe('handlerNotFoundResult', () => {
  it('is a permanent handler_not_found failure naming the callable', () => {
    expect(handlerNotFoundResult('ghost_handler').toJSON()).toMatchObject({
      success: false,
      error_type: 'permanent_error',
      error_code: 'handler_not_found',
      retryable: false,
      metadata: { callable: 'ghost_handler' },
    });
    expect(handlerNotFoundResult('ghost_handler').errorMessage).toContain("'ghost_handler'");
  });
});
