import { describeHandler } from '../../src/handlers/handler-info.ts';
import { describe, expect, it } from 'vitest';
import {
  Decision,
  PermanentError,
  RetryableError,
  StepHandlerResult,
  createStepContext,
  defineBatchAnalyzer,
  defineBatchWorker,
  defineDecisionHandler,
  defineHandler,
  } from '../../src/handlers/index.ts';
import { executeHandler } from '../../src/worker/handler-executor.ts';

const stored = (result: Record<string, unknown>) => StepHandlerResult.success(result).toJSON();
const runFn = (fn: (args: any) => unknown, data: Parameters<typeof createStepContext>[0] = {}) => {
  const Cls = defineHandler('fn', {}, fn);
  return executeHandler(new Cls(), createStepContext(data));
};

describe('defineHandler', () => {
  it('produces a functional handler class with name and version', () => {
    const Cls = defineHandler('my_handler', { version: '3.1.0' }, () => ({}));
    expect(Cls.handlerName).toBe('my_handler');
    expect(Cls.name).toBe('my_handler');
    expect(describeHandler(Cls)).toEqual({ name: 'my_handler', kind: 'functional', type: 'step', version: '3.1.0' });
    expect(new Cls().version).toBe('3.1.0');
  });

  it('injects declared dependencies (unwrapped results) and inputs by map or list', async () => {
    let seen: Record<string, unknown> = {};
    const Cls = defineHandler('inj', { depends: { start: 'diamond_start' }, inputs: ['even_number'] }, (args) => {
      seen = args;
      return { value: args.start.value + args.even_number };
    });
    const ctx = createStepContext({ inputData: { even_number: 6 }, dependencyResults: { diamond_start: stored({ value: 36 }) } });
    const r = await new Cls().call(ctx);
    expect(r.result).toEqual({ value: 42 });
    expect(seen.context).toBe(ctx);
  });

  it('wraps a plain object as success(object)', async () => {
    expect((await runFn(() => ({ value: 1 }))).toJSON()).toMatchObject({ success: true, result: { value: 1 } });
  });

  it('wraps undefined and null as success({})', async () => {
    expect((await runFn(() => undefined)).result).toEqual({});
    expect((await runFn(async () => null)).result).toEqual({});
  });

  it('wraps primitives and arrays as success({result: value})', async () => {
    expect((await runFn(() => 42)).result).toEqual({ result: 42 });
    expect((await runFn(() => 'ok')).result).toEqual({ result: 'ok' });
    expect((await runFn(() => [1, 2])).result).toEqual({ result: [1, 2] });
  });

  it('keeps a StepHandlerResult and rebuilds a result-shaped plain object', async () => {
    const failure = StepHandlerResult.failure('no', 'validation_error', false);
    expect(await runFn(() => failure)).toBe(failure);
    const shaped = await runFn(() => ({ success: false, error_message: 'nope', error_type: 'validation_error', retryable: false }));
    expect(shaped.toJSON()).toMatchObject({ success: false, error_message: 'nope', error_type: 'validation_error', retryable: false });
    const data = await runFn(() => ({ success: true, count: 3 }));
    expect(data.result).toEqual({ success: true, count: 3 });
  });

  it('maps PermanentError to a non-retryable permanent_error with its metadata and code', async () => {
    const r = await runFn(() => {
      throw new PermanentError('account closed', { account: 'a1' }, { errorCode: 'CLOSED' });
    });
    expect(r.toJSON()).toMatchObject({
      success: false, error_type: 'permanent_error', retryable: false, error_message: 'account closed', metadata: { account: 'a1' }, error_code: 'CLOSED',
    });
  });

  it('maps RetryableError to retryable_error', async () => {
    const r = await runFn(async () => {
      throw new RetryableError('busy');
    });
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'retryable_error', retryable: true, error_message: 'busy' });
  });

  it('maps any other error to a retryable handler_error with class, message and stack', async () => {
    const r = await runFn(() => {
      throw new RangeError('out of range');
    });
    expect(r.toJSON()).toMatchObject({ error_type: 'handler_error', retryable: true, error_message: 'out of range' });
    expect(r.metadata).toMatchObject({ error_class: 'RangeError', message: 'out of range' });
    expect(r.metadata.stack).toMatch(/RangeError: out of range/);
    const thrownString = await runFn(() => {
      throw 'plain string';
    });
    expect(thrownString.metadata).toMatchObject({ error_class: 'string', message: 'plain string', stack: null });
  });

  it('rejects non-serialisable return values through the executor', async () => {
    const r = await runFn(() => ({ big: 1n }));
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'handler_error', error_code: 'HANDLER_RESULT_INVALID' });
    expect(r.errorMessage).toMatch(/'fn'.*bigint at result\.big/);
  });
});

describe('defineDecisionHandler', () => {
  const Route = defineDecisionHandler('route', { inputs: { amount: 'amount' } }, ({ amount }) =>
    amount > 0 ? Decision.route(['pay'], { amount }) : Decision.skip('nothing to pay'),
  );

  it('turns Decision.route into a create_steps outcome', async () => {
    const r = await new Route().call(createStepContext({ inputData: { amount: 5 } }));
    expect(r.result).toEqual({ decision_point_outcome: { type: 'create_steps', step_names: ['pay'] }, routing_context: { amount: 5 } });
    expect(r.metadata).toMatchObject({ decision_handler: 'route' });
    expect(describeHandler(Route).type).toBe('decision');
  });

  it('turns Decision.skip into a no_branches outcome', async () => {
    const r = await new Route().call(createStepContext({ inputData: { amount: 0 } }));
    expect(r.result).toEqual({ decision_point_outcome: { type: 'no_branches' }, reason: 'nothing to pay' });
  });
});

describe('defineBatchAnalyzer / defineBatchWorker', () => {
  const Analyze = defineBatchAnalyzer('analyze', { workerTemplate: 'work', inputs: ['n'] }, ({ n }) => ({ totalItems: n, workerCount: 3 }));
  const BySize = defineBatchAnalyzer('by_size', { workerTemplate: 'work' }, () => ({ totalItems: 10, batchSize: 4 }));

  it('creates batches by worker count or batch size', async () => {
    const r = await new Analyze().call(createStepContext({ inputData: { n: 9 } }));
    expect(r.result?.batch_processing_outcome).toMatchObject({ type: 'create_batches', worker_template_name: 'work', worker_count: 3, total_items: 9 });
    const s = await new BySize().call(createStepContext());
    expect((s.result?.batch_processing_outcome as { cursor_configs: unknown[] }).cursor_configs).toHaveLength(3);
    expect(describeHandler(Analyze).type).toBe('batchable');
  });

  it('returns no_batches for zero items', async () => {
    const r = await new Analyze().call(createStepContext({ inputData: { n: 0 } }));
    expect(r.result?.batch_processing_outcome).toEqual({ type: 'no_batches' });
  });

  it('gives workers their batch context and answers no-op placeholders without running the body', async () => {
    let calls = 0;
    const Work = defineBatchWorker('work', {}, ({ batchContext }) => {
      calls += 1;
      return { rows: batchContext!.endCursor - batchContext!.startCursor };
    });
    const r = await new Work().call(createStepContext({ stepInputs: { cursor: { batch_id: '001', start_cursor: 3, end_cursor: 9, batch_size: 6 } } }));
    expect(r.result).toEqual({ rows: 6 });
    const noOp = await new Work().call(createStepContext({ stepInputs: { is_no_op: true } }));
    expect(noOp.result).toMatchObject({ no_op: true });
    expect(calls).toBe(1);
    expect(describeHandler(Work).type).toBe('batch_worker');
  });
});
