import { extractCheckpointYield } from '../../src/handlers/batch-worker.ts';
import { describe, expect, it } from 'vitest';
import {
  BatchableStepHandler,
  DecisionHandler,
  DecisionStepHandler,
  StepHandlerResult,
  aggregateBatchWorkerResults,
  batchSuccess,
  checkpointYield,
  createCursorConfigs,
  createCursorRanges,
  createStepContext,
  cursorConfigsForWorkers,
  cursorConfigsOfSize,
  detectAggregationScenario,
  getBatchContext,
  handleNoOpWorker,
  noBatchesResult,
  type StepContext,
} from '../../src/handlers/index.ts';

class Router extends DecisionHandler {
  static override handlerName = 'router';
  static override handlerVersion = '2.0.0';
  async call(ctx: StepContext): Promise<StepHandlerResult> {
    const amount = ctx.getInput<number>('amount');
    if (amount === undefined) return this.decisionFailure('amount missing');
    if (amount < 0) return this.skipBranches('negative', { amount });
    return this.decisionSuccess(amount < 100 ? ['small'] : ['big', 'audit'], { amount });
  }
}

describe('DecisionHandler', () => {
  it('routes with decision_point_outcome create_steps inside the result object', async () => {
    const r = await new Router().call(createStepContext({ inputData: { amount: 500 } }));
    expect(r.toJSON()).toMatchObject({
      success: true,
      result: { decision_point_outcome: { type: 'create_steps', step_names: ['big', 'audit'] }, routing_context: { amount: 500 } },
      metadata: { decision_handler: 'router', decision_version: '2.0.0' },
    });
  });

  it('skips with decision_point_outcome no_branches and the reason', async () => {
    const r = await new Router().call(createStepContext({ inputData: { amount: -1 } }));
    expect(r.result).toEqual({ decision_point_outcome: { type: 'no_branches' }, reason: 'negative', routing_context: { amount: -1 } });
  });

  it('fails with a non-retryable decision_error', async () => {
    const r = await new Router().call(createStepContext());
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'decision_error', retryable: false, error_message: 'amount missing' });
  });

  it('DecisionStepHandler is the same class', () => {
    expect(DecisionStepHandler).toBe(DecisionHandler);
  });
});

describe('batch analyzer helpers', () => {
  it('cursorConfigsForWorkers splits 1,000 items into 5 workers of 200 in the stored shape', () => {
    expect(cursorConfigsForWorkers(1000, 5)).toEqual([
      { batch_id: '001', start_cursor: 0, end_cursor: 200, batch_size: 200 },
      { batch_id: '002', start_cursor: 200, end_cursor: 400, batch_size: 200 },
      { batch_id: '003', start_cursor: 400, end_cursor: 600, batch_size: 200 },
      { batch_id: '004', start_cursor: 600, end_cursor: 800, batch_size: 200 },
      { batch_id: '005', start_cursor: 800, end_cursor: 1000, batch_size: 200 },
    ]);
  });

  it('createCursorConfigs (the original shape) covers every item with uneven splits and never creates empty workers', () => {
    const configs = createCursorConfigs(10, 4);
    expect(configs[0]).toEqual({ batch_id: '001', cursor_start: 0, cursor_end: 3, row_count: 3, worker_index: 0, total_workers: 4 });
    expect(configs.map((c) => [c.cursor_start, c.cursor_end])).toEqual([[0, 3], [3, 6], [6, 9], [9, 10]]);
    expect(createCursorConfigs(2, 5)).toHaveLength(2);
    expect(createCursorConfigs(0, 5)).toEqual([]);
    expect(() => createCursorConfigs(10, 0)).toThrow(RangeError);
  });

  it('cursorConfigsOfSize uses a fixed batch size with a smaller last batch', () => {
    expect(cursorConfigsOfSize(25, 10).map((c) => [c.batch_id, c.start_cursor, c.end_cursor, c.batch_size])).toEqual([
      ['001', 0, 10, 10],
      ['002', 10, 20, 10],
      ['003', 20, 25, 5],
    ]);
    expect(createCursorRanges(25, 10).map((c) => [c.startCursor, c.endCursor, c.stepSize])).toEqual([[0, 10, 1], [10, 20, 1], [20, 25, 1]]);
    expect(() => createCursorRanges(5, 0)).toThrow(RangeError);
  });

  it('batchSuccess carries a create_batches outcome with worker count and total items, from either cursor shape', () => {
    const r = batchSuccess('process_csv_batch', createCursorConfigs(1000, 5), { total_rows: 1000 });
    expect(r.result?.batch_processing_outcome).toEqual({
      type: 'create_batches',
      worker_template_name: 'process_csv_batch',
      worker_count: 5,
      cursor_configs: cursorConfigsForWorkers(1000, 5),
      total_items: 1000,
    });
    expect(r.result?.total_rows).toBe(1000);
    expect(batchSuccess('process_csv_batch', cursorConfigsForWorkers(1000, 5)).result?.batch_processing_outcome).toEqual(r.result?.batch_processing_outcome);
  });

  it('batchSuccess with no configs and noBatchesResult give the no_batches outcome', () => {
    expect(batchSuccess('w', []).result?.batch_processing_outcome).toEqual({ type: 'no_batches' });
    expect(noBatchesResult('empty file').result).toEqual({ batch_processing_outcome: { type: 'no_batches' }, reason: 'empty file' });
  });
});

describe('batch worker helpers', () => {
  const workerCtx = (extra: Record<string, unknown> = {}, checkpoint: StepContext['checkpoint'] = null) =>
    createStepContext({
      stepInputs: {
        cursor: { batch_id: '002', start_cursor: 200, end_cursor: 400, batch_size: 200 },
        batch_metadata: { cursor_field: 'id', failure_strategy: 'fail_fast' },
        is_no_op: false,
        ...extra,
      },
      checkpoint,
    });

  it('getBatchContext reads cursor and batch metadata from stepInputs', () => {
    const b = getBatchContext(workerCtx());
    expect(b).toMatchObject({
      batchId: '002',
      startCursor: 200,
      endCursor: 400,
      batchSize: 200,
      cursorField: 'id',
      failureStrategy: 'fail_fast',
      isNoOp: false,
      resumeCursor: 200,
      checkpointItemsProcessed: 0,
      accumulatedResults: null,
      cursorConfig: { startCursor: 200, endCursor: 400, stepSize: 1, metadata: {} },
      batchIndex: 1,
      batchMetadata: { cursor_field: 'id', failure_strategy: 'fail_fast' },
    });
    expect(b?.hasCheckpoint()).toBe(false);
    expect(getBatchContext(createStepContext())).toBeNull();
  });

  it('getBatchContext resumes from a stored checkpoint', () => {
    const b = getBatchContext(workerCtx({}, { cursor: 250, items_processed: 50, accumulated_results: { sum: 5 } }));
    expect(b).toMatchObject({ resumeCursor: 250, checkpointCursor: 250, checkpointItemsProcessed: 50, accumulatedResults: { sum: 5 } });
    expect(b?.hasCheckpoint()).toBe(true);
  });

  it('handleNoOpWorker succeeds only for the no-op placeholder', () => {
    expect(handleNoOpWorker(workerCtx())).toBeNull();
    const r = handleNoOpWorker(createStepContext({ stepInputs: { is_no_op: true, cursor: { batch_id: '000' } } }));
    expect(r?.toJSON()).toMatchObject({ success: true, result: { batch_id: '000', no_op: true, processed_count: 0 } });
  });

  it('checkpointYield puts checkpoint_yield {cursor, items_processed, accumulated_results} in the result', () => {
    const r = checkpointYield(300, 100, { sum: 12 });
    expect(r.toJSON()).toMatchObject({
      success: true,
      result: { checkpoint_yield: { cursor: 300, items_processed: 100, accumulated_results: { sum: 12 } } },
      metadata: { checkpoint_yield: true },
    });
    expect(extractCheckpointYield(r)).toEqual({ cursor: 300, items_processed: 100, accumulated_results: { sum: 12 } });
    expect(extractCheckpointYield(r.toJSON() as unknown as Record<string, unknown>)?.cursor).toBe(300);
    expect(checkpointYield('tok', 1).result).toEqual({ checkpoint_yield: { cursor: 'tok', items_processed: 1, accumulated_results: null } });
    expect(extractCheckpointYield(StepHandlerResult.success({ value: 1 }))).toBeNull();
  });
});

describe('aggregation', () => {
  const stored = (result: Record<string, unknown>) => StepHandlerResult.success(result).toJSON();
  const analyzer = stored(batchSuccess('process_batch', cursorConfigsForWorkers(4, 2)).result!);

  it('collects worker results named <worker_template>_<batch_id>', () => {
    const deps = { analyze: analyzer, process_batch_001: stored({ count: 2 }), process_batch_002: stored({ count: 3 }), other: stored({ count: 99 }) };
    const scenario = detectAggregationScenario(deps, 'analyze', 'process_batch');
    expect(scenario.isNoBatches).toBe(false);
    expect(scenario.workerCount).toBe(2);
    expect(Object.keys(scenario.batchResults)).toEqual(['process_batch_001', 'process_batch_002']);
    const r = aggregateBatchWorkerResults(scenario, { total: 0 }, (results) => ({
      total: Object.values(results).reduce((s, x) => s + (x.count as number), 0),
    }));
    expect(r.result).toEqual({ total: 5, worker_count: 2, scenario: 'with_batches' });
  });

  it('recognises no_batches (ignoring the no-op worker) and returns the zero metrics', () => {
    const deps = { analyze: stored(noBatchesResult().result!), process_batch_000: stored({ no_op: true, batch_id: '000' }) };
    const scenario = detectAggregationScenario(deps, null, 'process_batch_');
    expect(scenario).toMatchObject({ isNoBatches: true, workerCount: 0, batchResults: {} });
    expect(aggregateBatchWorkerResults(scenario, { total: 0 }).result).toEqual({ total: 0, worker_count: 0, scenario: 'no_batches' });
  });

  it('finds the batchable step by its outcome when no name is given', () => {
    const scenario = detectAggregationScenario({ some_analyzer: analyzer, process_batch_001: stored({ count: 1 }) }, null, 'process_batch');
    expect(scenario.batchableResult).toHaveProperty('batch_processing_outcome.type', 'create_batches');
  });

  it('throws when there are neither workers nor a no_batches outcome', () => {
    expect(() => detectAggregationScenario({ analyze: analyzer }, 'analyze', 'process_batch')).toThrow(/process_batch_\*/);
  });

  it('the BatchableStepHandler mixin exposes the same helpers', async () => {
    class Worker extends BatchableStepHandler {
      static override handlerName = 'w';
      async call(ctx: StepContext): Promise<StepHandlerResult> {
        const noOp = this.handleNoOpWorker(ctx);
        if (noOp) return noOp;
        const batch = this.getBatchContext(ctx)!;
        return this.batchWorkerResult({ processed: batch.endCursor - batch.startCursor }, batch);
      }
    }
    const r = await new Worker().call(createStepContext({ stepInputs: { cursor: { batch_id: '001', start_cursor: 0, end_cursor: 7, batch_size: 7 } } }));
    expect(r.result).toEqual({ batch_id: '001', processed: 7 });
    expect(new Worker().capabilities).toContain('batchable');
    expect(new Worker().createCursorConfigs(10, 2)).toHaveLength(2);
  });
});
