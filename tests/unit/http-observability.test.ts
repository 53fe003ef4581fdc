import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasker } from '../../src/engine/index.ts';
import { createHttpApp } from '../../src/http/index.ts';
import { waitFor } from '../helpers/db.ts';
import { parseMetrics, startHarness, type Harness } from './http-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ app: { starvationSeconds: 30 } });
});
afterAll(async () => {
  await h?.close();
});

async function scrape() {
  const res = await h.request('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}
const value = (m: ReturnType<typeof parseMetrics>, key: string) => m.values.get(key) ?? 0;

async function runOverHttp(context: Record<string, unknown>, until: string): Promise<string> {
  const res = await h.request('POST', '/v1/tasks', { body: { namespace: 'linear_workflow', name: 'linear_workflow', context } });
  expect(res.status).toBe(201);
  const { task_uuid } = (await res.json()) as { task_uuid: string };
  await waitFor(async () => ((await (await h.request('GET', `/v1/tasks/${task_uuid}`)).json()) as { state: string }).state === until, { what: `task ${until}` });
  return task_uuid;
}

describe('health', () => {
  it('answers /health and /health/live while the process is up', async () => {
    for (const path of ['/health', '/health/live']) {
      const res = await h.request('GET', path);
      expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([200, 'ok']);
    }
  });

  it('is ready once the database answers, is migrated and the roles run', async () => {
    const res = await h.request('GET', '/health/ready');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; current?: number; latest?: number }> };
    expect(body.status).toBe('ready');
    expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
    expect(body.checks.migrations.current).toBe(body.checks.migrations.latest);
  });

  it('is not ready (503) before the engine has started, and says why', async () => {
    const tasker = createTasker({ config: { common: { database: { url: 'postgres://nobody@127.0.0.1:1/none' } } } });
    const app = createHttpApp({ tasker });
    const ready = await app(new Request('http://x.test/health/ready'));
    expect(ready.status).toBe(503);
    const error = ((await ready.json()) as { error: { code: string; details: { checks: Record<string, { ok: boolean }> } } }).error;
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect([error.details.checks.database.ok, error.details.checks.roles.ok]).toEqual([false, false]);
    expect((await app(new Request('http://x.test/health/live'))).status).toBe(200);
    const detailed = await app(new Request('http://x.test/health/detailed'));
    expect([detailed.status, ((await detailed.json()) as { status: string }).status]).toEqual([503, 'unhealthy']);
    const metrics = parseMetrics(await (await app(new Request('http://x.test/metrics'))).text());
    expect(metrics.values.get('tasker_database_up')).toBe(0);
  });

  it('details database latency, queues with depth, worker, orchestrator and the last sweep', async () => {
    await h.tasker.orchestrator!.runSweep();
    const res = await h.request('GET', '/health/detailed');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe('healthy');
    expect(typeof body.checks.database.latency_ms).toBe('number');
    expect(body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['orchestration_step_results', 'worker_linear_workflow_queue']));
    expect(body.queues[0]).toEqual(expect.objectContaining({ depth: expect.any(Number), visible: expect.any(Number), starved: false }));
    expect(body.worker).toEqual(expect.objectContaining({ in_flight: expect.any(Number), namespaces: expect.arrayContaining(['linear_workflow']) }));
    expect(new Date(body.orchestrator.last_sweep_at).getTime()).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/postgres:\/\//);
  });
});

describe('metrics', () => {
  it('declares HELP and TYPE for every tasker_ family', async () => {
    const m = await scrape();
    for (const name of ['tasks_created_total', 'tasks_completed_total', 'tasks_failed_total', 'steps_enqueued_total', 'steps_claimed_total', 'steps_succeeded_total', 'steps_failed_total', 'steps_retried_total']) {
      expect(m.types.get(`tasker_${name}`)).toBe('counter');
    }
    for (const name of ['queue_depth', 'handlers_in_flight', 'pending_count', 'in_flight_count', 'completed_count', 'failed_count', 'starvation_detected']) {
      expect(m.types.get(`tasker_${name}`)).toBe('gauge');
    }
    expect(m.types.get('tasker_step_execution_duration_seconds')).toBe('histogram');
    for (const name of m.types.keys()) expect(m.helps.has(name)).toBe(true);
  });

  it('moves counters, the duration histogram and the gauges when a workflow created over HTTP completes', async () => {
    const before = await scrape();
    await runOverHttp({ even_number: 30 }, 'complete');
    const after = await scrape();
    const delta = (key: string) => value(after, key) - value(before, key);
    expect(delta('tasker_tasks_created_total{namespace="linear_workflow"}')).toBe(1);
    expect(delta('tasker_tasks_completed_total')).toBe(1);
    expect(delta('tasker_steps_enqueued_total')).toBe(4);
    expect(delta('tasker_steps_claimed_total')).toBe(4);
    expect(delta('tasker_steps_succeeded_total')).toBe(4);
    expect(delta('tasker_step_execution_duration_seconds_count{namespace="linear_workflow",outcome="success"}')).toBe(4);
    expect(delta('tasker_step_execution_duration_seconds_bucket{namespace="linear_workflow",outcome="success",le="+Inf"}')).toBe(4);
    expect(delta('tasker_completed_count{namespace="linear_workflow"}')).toBe(1);
    expect(value(after, 'tasker_queue_depth{queue="worker_linear_workflow_queue"}')).toBe(0);
    expect(value(after, 'tasker_pending_count{namespace="linear_workflow"}')).toBe(0);
    // the histogram is cumulative: a scrape with no new samples keeps the totals
    const again = await scrape();
    expect(value(again, 'tasker_step_execution_duration_seconds_count{namespace="linear_workflow",outcome="success"}')).toBe(
      value(after, 'tasker_step_execution_duration_seconds_count{namespace="linear_workflow",outcome="success"}'),
    );
  });

  it('counts a failed workflow', async () => {
    const before = await scrape();
    await runOverHttp({ even_number: 3 }, 'error');
    const after = await scrape();
    const delta = (key: string) => value(after, key) - value(before, key);
    expect(delta('tasker_tasks_failed_total')).toBe(1);
    expect(delta('tasker_steps_failed_total')).toBe(1);
    expect(delta('tasker_failed_count{namespace="linear_workflow"}')).toBe(1);
    expect(delta('tasker_step_execution_duration_seconds_count{namespace="linear_workflow",outcome="failure"}')).toBe(1);
  });

  it('flags starvation when a visible message sits unread past the threshold', async () => {
    await h.tasker.db.query(
      `INSERT INTO queue_messages (queue_name, enqueued_at, vt, message) VALUES ('worker_ghost_queue', now() - interval '2 minutes', now() - interval '2 minutes', '{}')`,
    );
    const m = await scrape();
    expect(value(m, 'tasker_starvation_detected{queue="worker_ghost_queue"}')).toBe(1);
    expect(value(m, 'tasker_queue_depth{queue="worker_ghost_queue"}')).toBe(1);
    expect(value(m, 'tasker_queue_oldest_visible_age_seconds{queue="worker_ghost_queue"}')).toBeGreaterThanOrEqual(119);
    expect(value(m, 'tasker_starvation_detected{queue="worker_linear_workflow_queue"}')).toBe(0);
    await h.tasker.db.query(`DELETE FROM queue_messages WHERE queue_name = 'worker_ghost_queue'`);
  });
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists exactly the /v1 routes of the router', async () => {
    const res = await h.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId?: string; responses?: object }>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((k) => k !== 'parameters').map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = h.app.routes.filter((r) => r.pattern.startsWith('/v1/')).map((r) => `${r.method} ${r.pattern.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(routed.sort());
    const operations = Object.values(doc.paths).flatMap((item) => Object.entries(item).filter(([k]) => k !== 'parameters').map(([, op]) => op));
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
    expect(operations.every((op) => op.responses && Object.keys(op.responses).length > 0)).toBe(true);
  });

  it('only references schemas it defines', async () => {
    const text = await (await h.request('GET', '/openapi.json')).text();
    const doc = JSON.parse(text) as { components: { schemas: Record<string, unknown> } };
    const refs = [...text.matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas[ref]).toBeDefined();
  });
});
