import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRuntime, type ServerHandle } from '../../src/runtime/index.ts';
import { createStepContext, type HandlerRegistry } from '../../src/handlers/index.ts';
import { discoverHandlers, type DiscoveredHandler } from '../../src/worker/discovery.ts';
import { executeHandler } from '../../src/worker/handler-executor.ts';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
let registry: HandlerRegistry;
let discovered: DiscoveredHandler[];

beforeAll(async () => {
  ({ registry, handlers: discovered } = await discoverHandlers(await getRuntime(), [`${examplesDir}handlers`]));
});

type Results = Record<string, Record<string, unknown>>;

/** Runs steps in the given (topological) order, each seeing every earlier result, like the worker would. */
async function runSteps(
  input: Record<string, unknown>,
  steps: Array<{ step: string; callable: string; stepInputs?: Record<string, unknown> }>,
  results: Results = {},
): Promise<Results> {
  for (const { step, callable, stepInputs } of steps) {
    const resolved = await registry.resolve(callable);
    expect(resolved, `handler ${callable}`).not.toBeNull();
    const ctx = createStepContext({ stepName: step, handlerName: callable, inputData: input, dependencyResults: { ...results }, stepInputs });
    const result = await executeHandler(resolved!, ctx);
    expect(result.success, `${step}: ${result.errorMessage}`).toBe(true);
    results[step] = result.toJSON() as unknown as Record<string, unknown>;
  }
  return results;
}

const values = (results: Results) =>
  Object.fromEntries(Object.entries(results).map(([step, r]) => [step, (r.result as { value: number }).value]));
const chain = (names: string[]) => names.map((step) => ({ step, callable: `${step}_handler` }));

describe('example handlers', () => {
  it('are all discovered from examples/handlers', () => {
    expect(discovered).toHaveLength(36);
    expect(discovered.find((h) => h.name === 'diamond_end_handler')).toMatchObject({ kind: 'functional', type: 'step' });
    expect(discovered.find((h) => h.name === 'routing_decision_handler')).toMatchObject({ kind: 'class', type: 'decision' });
    expect(discovered.find((h) => h.name === 'csv_batch_worker_handler')?.type).toBe('batch_worker');
    expect(discovered.find((h) => h.name === 'fetch_resource_handler')?.type).toBe('api');
  });

  it('cover every callable used by the example templates', async () => {
    const dir = `${examplesDir}templates/`;
    const files = (await (await getRuntime()).listFiles(dir)).filter((f) => /\.(ya?ml|toml)$/.test(f));
    const callables = new Set<string>();
    for (const file of files) {
      for (const m of (await readFile(file, 'utf8')).matchAll(/callable\s*[:=]\s*"?([A-Za-z0-9_]+)/g)) callables.add(m[1]);
    }
    expect(callables.size).toBeGreaterThanOrEqual(34);
    const missing = [...callables].filter((c) => !registry.isRegistered(c));
    expect(missing).toEqual([]);
  });

  it('linear: 6 → 36, 46, 138, 69', async () => {
    const r = await runSteps({ even_number: 6 }, chain(['linear_step_1', 'linear_step_2', 'linear_step_3', 'linear_step_4']));
    expect(values(r)).toEqual({ linear_step_1: 36, linear_step_2: 46, linear_step_3: 138, linear_step_4: 69 });
  });

  it('linear rejects an odd number permanently', async () => {
    const resolved = await registry.resolve('linear_step_1_handler');
    const r = await executeHandler(resolved!, createStepContext({ inputData: { even_number: 7 } }));
    expect(r.toJSON()).toMatchObject({ success: false, error_type: 'permanent_error', retryable: false });
  });

  it('diamond: 6 → 36, 61, 72, 133', async () => {
    const r = await runSteps({ even_number: 6 }, chain(['diamond_start', 'diamond_branch_b', 'diamond_branch_c', 'diamond_end']));
    expect(values(r)).toEqual({ diamond_start: 36, diamond_branch_b: 61, diamond_branch_c: 72, diamond_end: 133 });
  });

  it('tree: 6 → 36, 37, 72, 74, 40, 71, 36, 221', async () => {
    const names = ['tree_root', 'tree_branch_left', 'tree_branch_right', 'tree_leaf_d', 'tree_leaf_e', 'tree_leaf_f', 'tree_leaf_g', 'tree_final_convergence'];
    expect(Object.values(values(await runSteps({ even_number: 6 }, chain(names))))).toEqual([36, 37, 72, 74, 40, 71, 36, 221]);
  });

  it('mixed DAG: 6 → 36, 41, 108, 149, 82, 101, 332', async () => {
    const names = ['dag_init', 'dag_process_left', 'dag_process_right', 'dag_validate', 'dag_transform', 'dag_analyze', 'dag_finalize'];
    expect(Object.values(values(await runSteps({ even_number: 6 }, chain(names))))).toEqual([36, 41, 108, 149, 82, 101, 332]);
  });

  it.each([
    [500, ['auto_approve'], ['auto']],
    [999.99, ['auto_approve'], ['auto']],
    [1000, ['manager_approval'], ['manager']],
    [4999, ['manager_approval'], ['manager']],
    [5000, ['manager_approval', 'finance_review'], ['finance', 'manager']],
  ])('conditional approval routes %d to %j', async (amount, branches, approvals) => {
    const input = { amount, requester: 'ana' };
    const r = await runSteps(input, chain(['validate_request', 'routing_decision']));
    const outcome = (r.routing_decision.result as { decision_point_outcome: unknown }).decision_point_outcome;
    expect(outcome).toEqual({ type: 'create_steps', step_names: branches });
    await runSteps(input, [...chain(branches), ...chain(['finalize_approval'])], r);
    expect(r.finalize_approval.result).toEqual({ approved: true, approvals, amount });
  });

  async function runCsv(file: string): Promise<Results> {
    const input = { csv_file_path: `${examplesDir}data/${file}` };
    const r = await runSteps(input, [{ step: 'analyze_csv', callable: 'csv_analyzer_handler' }]);
    const outcome = (r.analyze_csv.result as { batch_processing_outcome: any }).batch_processing_outcome;
    const workers =
      outcome.type === 'create_batches'
        ? outcome.cursor_configs.map((cursor: { batch_id: string }) => ({
            step: `${outcome.worker_template_name}_${cursor.batch_id}`,
            callable: 'csv_batch_worker_handler',
            stepInputs: { cursor, batch_metadata: { cursor_field: 'row_number', failure_strategy: 'continue_on_failure' }, is_no_op: false },
          }))
        : [{ step: 'process_csv_batch_000', callable: 'csv_batch_worker_handler', stepInputs: { is_no_op: true, cursor: { batch_id: '000', start_cursor: 0, end_cursor: 0, batch_size: 0 } } }];
    return runSteps(input, [...workers, { step: 'aggregate_csv_results', callable: 'csv_aggregator_handler' }], r);
  }

  it('csv: 1,000 rows become 5 batches of 200 whose totals match a direct computation', async () => {
    const r = await runCsv('products.csv');
    const outcome = (r.analyze_csv.result as { batch_processing_outcome: any }).batch_processing_outcome;
    expect(outcome).toMatchObject({ type: 'create_batches', worker_template_name: 'process_csv_batch', worker_count: 5, total_items: 1000 });
    const lines = (await readFile(`${examplesDir}data/products.csv`, 'utf8')).trim().split('\n').slice(1);
    let cents = 0;
    const categories: Record<string, number> = {};
    for (const line of lines) {
      const cells = line.split(',');
      cents += Math.round(Number(cells[3]) * 100) * Number(cells[4]);
      categories[cells[2]] = (categories[cells[2]] ?? 0) + 1;
    }
    expect(r.aggregate_csv_results.result).toEqual({
      total_rows: 1000,
      total_inventory_value: cents / 100,
      categories,
      batch_count: 5,
      worker_count: 5,
      scenario: 'with_batches',
    });
    expect(r.process_csv_batch_003.result).toMatchObject({ batch_id: '003', processed_rows: 200 });
  });

  it('csv: a header-only file gives no batches and zero totals', async () => {
    const r = await runCsv('empty.csv');
    expect((r.analyze_csv.result as { batch_processing_outcome: unknown }).batch_processing_outcome).toEqual({ type: 'no_batches' });
    expect(r.aggregate_csv_results.result).toEqual({
      total_rows: 0, total_inventory_value: 0, categories: {}, batch_count: 0, worker_count: 0, scenario: 'no_batches',
    });
  });

  describe('api', () => {
    let server: ServerHandle;
    beforeAll(async () => {
      server = await (await getRuntime()).serve(
        (req) => {
          const id = Number(new URL(req.url).pathname.split('/').pop());
          if (id === 404) return Response.json({ error: 'no such resource' }, { status: 404 });
          return Response.json({ id, name: `resource-${id}` });
        },
        { hostname: '127.0.0.1', port: 0 },
      );
    });
    afterAll(() => server.close());

    it('fetches a resource and summarises its name length', async () => {
      const input = { base_url: `http://127.0.0.1:${server.port}/`, resource_id: 12 };
      const r = await runSteps(input, chain(['fetch_resource', 'summarize_resource']));
      expect(r.fetch_resource.result).toEqual({ id: 12, name: 'resource-12' });
      expect(r.summarize_resource.result).toEqual({ id: 12, name_length: 11 });
    });

    it('reports a 404 as a permanent not_found failure', async () => {
      const resolved = await registry.resolve('fetch_resource_handler');
      const r = await executeHandler(resolved!, createStepContext({ inputData: { base_url: `http://127.0.0.1:${server.port}`, resource_id: 404 } }));
      expect(r.toJSON()).toMatchObject({ success: false, error_type: 'not_found', retryable: false, error_message: 'HTTP 404: no such resource' });
    });
  });
});

describe('order_events example publisher and subscriber', () => {
  it('shapes payment.processed into cents and skips a zero amount; the subscriber takes payment and order events', async () => {
    const { PaymentEventPublisher, OrderAuditSubscriber } = await import('../../examples/handlers/order-events.ts');
    const p = new PaymentEventPublisher();
    expect(p.prepare({ eventName: 'payment.processed', stepResult: { success: true, result: { order_id: 'A-1', amount: 19.99 } } })?.payload)
      .toEqual({ order_id: 'A-1', amount_cents: 1999, currency: 'USD' });
    expect(p.publish({ eventName: 'payment.processed', stepResult: { success: true, result: { order_id: 'A-1', amount: 0 } } })).toBe(false);
    const s = new OrderAuditSubscriber();
    expect([s.matches('payment.processed'), s.matches('order.shipped'), s.matches('invoice.sent')]).toEqual([true, true, false]);
  });
});
