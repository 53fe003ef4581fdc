import { extractCheckpointYield } from '../../src/handlers/batch-worker.ts';
// The original worker's batch API (names and shapes of @tasker-systems/tasker), one check per function.
import { describe, expect, it } from 'vitest';
import {
  BatchableMixin, BatchableStepHandler, StepHandler, aggregateBatchResults, applyBatchable, batchAnalyzerSuccess,
  batchWorkerSuccess, createBatchOutcome, createBatchWorkerContext, createBatches, createCursorConfig, createCursorConfigs,
  createCursorRanges, createStepContext, createWorkerOutcome, getBatchContext, getBatchWorkerInputs,
  isCreateBatches, isNoBatches, noBatches, StepHandlerResult, type Batchable, type StepContext,
} from '../../src/index.ts';

const workerInputs = { cursor: { batch_id: '003', start_cursor: 20, end_cursor: 30, batch_size: 10 }, batch_metadata: { cursor_field: 'id', failure_strategy: 'continue_on_failure' }, is_no_op: false };

describe('cursor helpers', () => {
  it('createCursorConfig builds one camelCase range', () => {
    expect(createCursorConfig(0, 10)).toEqual({ startCursor: 0, endCursor: 10, stepSize: 1, metadata: {} });
    expect(createCursorConfig(5, 9, 2, { k: 1 })).toEqual({ startCursor: 5, endCursor: 9, stepSize: 2, metadata: { k: 1 } });
  });

  it('createCursorRanges honours stepSize and maxBatches', () => {
    expect(createCursorRanges(10, 3, 2).map((c) => [c.startCursor, c.endCursor, c.stepSize])).toEqual([[0, 3, 2], [3, 6, 2], [6, 9, 2], [9, 10, 2]]);
    expect(createCursorRanges(100, 10, 1, 4).map((c) => c.endCursor - c.startCursor)).toEqual([25, 25, 25, 25]);
    expect(createCursorRanges(0, 10)).toEqual([]);
  });

  it('createCursorConfigs gives the original BatchWorkerConfig per worker (1000 items, 3 workers)', () => {
    expect(createCursorConfigs(1000, 3)).toEqual([
      { batch_id: '001', cursor_start: 0, cursor_end: 334, row_count: 334, worker_index: 0, total_workers: 3 },
      { batch_id: '002', cursor_start: 334, cursor_end: 668, row_count: 334, worker_index: 1, total_workers: 3 },
      { batch_id: '003', cursor_start: 668, cursor_end: 1000, row_count: 332, worker_index: 2, total_workers: 3 },
    ]);
  });
});

describe('outcomes', () => {
  it('createBatchOutcome and batchAnalyzerSuccess keep the original batch_analyzer_outcome and add the orchestration outcome', () => {
    const outcome = createBatchOutcome(25, 10, 1, { source: 'csv' });
    expect(outcome).toEqual({ cursorConfigs: createCursorRanges(25, 10), totalItems: 25, batchMetadata: { source: 'csv' } });
    const r = batchAnalyzerSuccess(outcome, { m: 1 });
    expect(r.result?.batch_analyzer_outcome).toEqual({
      cursor_configs: [
        { start_cursor: 0, end_cursor: 10, step_size: 1, metadata: {} },
        { start_cursor: 10, end_cursor: 20, step_size: 1, metadata: {} },
        { start_cursor: 20, end_cursor: 25, step_size: 1, metadata: {} },
      ],
      total_items: 25,
      batch_metadata: { source: 'csv' },
    });
    expect(r.result?.batch_processing_outcome).toMatchObject({ type: 'create_batches', worker_count: 3, total_items: 25 });
    expect(r.metadata).toEqual({ m: 1 });
    expect(batchAnalyzerSuccess(createBatchOutcome(0, 10)).result?.batch_processing_outcome).toEqual({ type: 'no_batches' });
  });

  it('createWorkerOutcome defaults succeeded to processed; batchWorkerSuccess wraps it in batch_worker_outcome', () => {
    const outcome = createWorkerOutcome(10);
    expect(outcome).toEqual({ itemsProcessed: 10, itemsSucceeded: 10, itemsFailed: 0, itemsSkipped: 0, results: [], errors: [], lastCursor: null, batchMetadata: {} });
    const r = batchWorkerSuccess(createWorkerOutcome(10, 8, 1, 1, [{ id: 1 }], [{ id: 2, error: 'bad' }], 29, { b: 1 }), { meta: true });
    expect(r.result).toEqual({
      batch_worker_outcome: {
        items_processed: 10, items_succeeded: 8, items_failed: 1, items_skipped: 1, results: [{ id: 1 }], errors: [{ id: 2, error: 'bad' }], last_cursor: 29, batch_metadata: { b: 1 },
      },
    });
    expect(r.metadata).toEqual({ meta: true });
  });

  it('createBatches / noBatches and their type guards', () => {
    const create = createBatches('w', 1, [{ batch_id: '001', start_cursor: 0, end_cursor: 5, batch_size: 5 }], 5);
    expect(create).toEqual({ type: 'create_batches', worker_template_name: 'w', worker_count: 1, cursor_configs: [{ batch_id: '001', start_cursor: 0, end_cursor: 5, batch_size: 5 }], total_items: 5 });
    expect(() => createBatches('w', 2, [], 0)).toThrow(/must equal worker_count/);
    expect(noBatches()).toEqual({ type: 'no_batches' });
    expect([isCreateBatches(create), isNoBatches(create), isNoBatches(noBatches()), isCreateBatches(noBatches())]).toEqual([true, false, true, false]);
  });

  it('aggregateBatchResults sums plain and batch_worker_outcome-wrapped results and caps errors', () => {
    const wrapped = batchWorkerSuccess(createWorkerOutcome(4, 3, 1, 0, [], [{ e: 1 }, { e: 2 }])).result!;
    const summary = aggregateBatchResults([{ items_processed: 6, items_succeeded: 6, items_failed: 0, items_skipped: 0, errors: [] }, wrapped, null], 1);
    expect(summary).toEqual({ total_processed: 10, total_succeeded: 9, total_failed: 1, total_skipped: 0, batch_count: 2, success_rate: 0.9, errors: [{ e: 1 }], error_count: 2 });
    expect(BatchableMixin.aggregateWorkerResults([])).toMatchObject({ batch_count: 0, success_rate: 0 });
  });
});

describe('worker context', () => {
  it('getBatchWorkerInputs returns the raw step inputs or null', () => {
    expect(getBatchWorkerInputs(createStepContext({ stepInputs: workerInputs }))).toEqual(workerInputs);
    expect(getBatchWorkerInputs(createStepContext())).toBeNull();
  });

  it('createBatchWorkerContext reads nested and flat batch data, with the checkpoint', () => {
    const nested = createBatchWorkerContext({ batch_id: 'b1', cursor_config: { start_cursor: 5, end_cursor: 9, step_size: 2 }, batch_index: 3, total_batches: 4, batch_metadata: { x: 1 } }, { cursor: 7, items_processed: 2 });
    expect(nested).toMatchObject({ batchId: 'b1', startCursor: 5, endCursor: 9, stepSize: 2, batchIndex: 3, totalBatches: 4, batchMetadata: { x: 1 }, checkpointCursor: 7, checkpointItemsProcessed: 2 });
    expect(nested.hasCheckpoint()).toBe(true);
    const flat = createBatchWorkerContext({ batch_id: 'b2', start_cursor: 1, end_cursor: 2 });
    expect(flat).toMatchObject({ cursorConfig: { startCursor: 1, endCursor: 2, stepSize: 1, metadata: {} }, totalBatches: 1, checkpoint: {} });
    expect(flat.hasCheckpoint()).toBe(false);
  });

  it('getBatchContext also reads a batch_context object (the original source) from stepConfig or inputData', () => {
    const fromConfig = getBatchContext(createStepContext({ stepConfig: { batch_context: { batch_id: 'c', start_cursor: 0, end_cursor: 4 } } }));
    expect(fromConfig).toMatchObject({ batchId: 'c', startCursor: 0, endCursor: 4 });
    const fromInput = getBatchContext(createStepContext({ inputData: { batch_context: { batch_id: 'i', cursor_config: { start_cursor: 2, end_cursor: 3 } } } }));
    expect(fromInput).toMatchObject({ batchId: 'i', startCursor: 2, endCursor: 3 });
  });

  it('extractCheckpointYield also reads the original flat checkpoint_yield result', () => {
    const flat = StepHandlerResult.success({ type: 'checkpoint_yield', cursor: 40, items_processed: 40, accumulated_results: { n: 1 } }, { checkpoint_yield: true });
    expect(extractCheckpointYield(flat)).toEqual({ cursor: 40, items_processed: 40, accumulated_results: { n: 1 } });
  });
});

describe('mixins', () => {
  class Bound extends StepHandler implements Pick<Batchable, 'createWorkerOutcome' | 'batchWorkerSuccess' | 'getBatchContext'> {
    static override handlerName = 'bound';
    createWorkerOutcome = BatchableMixin.prototype.createWorkerOutcome.bind(this);
    batchWorkerSuccess = BatchableMixin.prototype.batchWorkerSuccess.bind(this);
    getBatchContext = BatchableMixin.prototype.getBatchContext.bind(this);
    async call(ctx: StepContext): Promise<StepHandlerResult> {
      const batch = this.getBatchContext(ctx)!;
      return this.batchWorkerSuccess(this.createWorkerOutcome(batch.endCursor - batch.startCursor));
    }
  }

  it('BatchableMixin methods bound onto a plain StepHandler work (the original binding pattern)', async () => {
    const r = await new Bound().call(createStepContext({ stepInputs: workerInputs }));
    expect(r.result).toMatchObject({ batch_worker_outcome: { items_processed: 10 } });
  });

  it('applyBatchable adds every helper to an instance', async () => {
    class Applied extends StepHandler {
      static override handlerName = 'applied';
      constructor() {
        super();
        applyBatchable(this);
      }
      async call(ctx: StepContext): Promise<StepHandlerResult> {
        const self = this as unknown as Batchable;
        return self.handleNoOpWorker(ctx) ?? self.batchSuccess('w', self.createCursorConfigs(4, 2));
      }
    }
    const self = new Applied() as unknown as Batchable;
    for (const m of ['createCursorConfig', 'createBatchOutcome', 'getBatchWorkerInputs', 'batchAnalyzerSuccess', 'checkpointYield', 'detectAggregationScenario', 'aggregateBatchWorkerResults'] as const) {
      expect(typeof self[m]).toBe('function');
    }
    const r = await new Applied().call(createStepContext());
    expect(r.result?.batch_processing_outcome).toMatchObject({ type: 'create_batches', worker_count: 2, total_items: 4 });
    expect((await new Applied().call(createStepContext({ stepInputs: { is_no_op: true } }))).result).toMatchObject({ no_op: true, message: 'No batches to process' });
  });

  it('BatchableStepHandler has the original methods too', () => {
    class Sub extends BatchableStepHandler {
      static override handlerName = 'sub';
      async call(): Promise<StepHandlerResult> {
        return this.batchAnalyzerSuccess(this.createBatchOutcome(3, 2));
      }
    }
    const s = new Sub();
    expect(s.createCursorConfig(0, 1)).toEqual({ startCursor: 0, endCursor: 1, stepSize: 1, metadata: {} });
    expect(s.getBatchWorkerInputs(createStepContext())).toBeNull();
  });
});
