// The operator's CLI against a running `tasker run` on a real PostgreSQL: create, inspect, repair a failed
// task by hand, cancel errors, visualize, DLQ listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';
import { runCli, startTaskerRun } from '../helpers/cli.ts';

let pg: TestDatabase;
let service: { child: ChildProcess; output: () => string; ready: { http: string | null } } | null = null;
let env: Record<string, string>;

const cli = (args: string[]) => runCli('node', args, env);
const json = async (args: string[]) => {
  const r = await cli([...args, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

beforeAll(async () => {
  pg = await createTestDatabase('tasker_cli_ops');
  env = { DATABASE_URL: pg.url, TASKER_TEMPLATE_PATH: 'examples/templates', TASKER_HANDLER_PATH: 'examples/handlers' };
  service = await startTaskerRun('node', ['--bind', '127.0.0.1:0', '--status-interval', '0'], { ...env, TASKER_NAMESPACE: 'linear_workflow,tree_workflow' });
});

afterAll(async () => {
  if (service) {
    service.child.kill('SIGTERM');
    await waitFor(() => service!.child.exitCode !== null, { what: 'tasker run to exit' }).catch(() => service!.child.kill('SIGKILL'));
    expect(service.child.exitCode).toBe(0);
  }
  await pg?.drop();
});

describe('tasker task commands against a running service', () => {
  it('creates a task, waits for it and shows its steps', async () => {
    const created = await json(['task', 'create', 'tree_workflow/tree_workflow', '--input', '{"even_number": 6}']);
    const task = await waitFor(async () => {
      const t = await json(['task', 'get', created.task_uuid]);
      return t.state === 'complete' ? t : null;
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'the tree task to complete' });
    expect(task.completion_percentage).toBe(100);
    const steps = await json(['task', 'steps', created.task_uuid]);
    expect(steps.find((s: { name: string }) => s.name === 'tree_final_convergence').results.result).toEqual({ value: 221 });
    const list = await json(['task', 'list', '--namespace', 'tree_workflow']);
    expect(list.tasks.map((t: { task_uuid: string }) => t.task_uuid)).toContain(created.task_uuid);
    const text = await cli(['task', 'get', created.task_uuid]);
    expect(text.stdout).toContain('state complete  (all_complete, 100% complete, 8/8 steps)');
  });

  it('rejects a duplicate task naming the existing one, and bad input listing the field', async () => {
    const first = await json(['task', 'create', 'tree_workflow/tree_workflow', '--input', '{"even_number": 10}']);
    const dup = await cli(['task', 'create', 'tree_workflow/tree_workflow', '--input', '{"even_number": 10}']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain(`error [TASK_DUPLICATE]: a task with the same identity already exists: ${first.task_uuid}`);
    const bad = await cli(['task', 'create', 'tree_workflow/tree_workflow', '--input', '{"even_number": "ten"}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INPUT_INVALID.*even_number/);
    const unknown = await cli(['task', 'create', 'tree_workflow/no_such@9.9.9']);
    expect(unknown.stderr).toContain('[TEMPLATE_NOT_FOUND]');
    const usage = await cli(['task', 'create', 'not-a-ref']);
    expect(usage.code).toBe(2);
  });

  it('repairs a task that failed permanently with complete-step, and dependents read the given result', async () => {
    // an odd number is a permanent error in linear_step_1
    const created = await json(['task', 'create', 'linear_workflow/linear_workflow', '--input', '{"even_number": 7}']);
    await waitFor(async () => (await json(['task', 'get', created.task_uuid])).state === 'error', { timeoutMs: 30_000, intervalMs: 100, what: 'the task to fail' });
    const steps = await json(['task', 'steps', created.task_uuid]);
    expect(steps[0]).toMatchObject({ name: 'linear_step_1', state: 'error', attempts: 1 });
    const done = await cli(['task', 'complete-step', created.task_uuid, 'linear_step_1', '--result', '{"value": 49}', '--reason', 'computed by hand', '--actor', 'ops']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('step linear_step_1: error → complete');
    const finished = await waitFor(async () => {
      const t = await json(['task', 'get', created.task_uuid]);
      return t.state === 'complete' ? t : null;
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'the repaired task to complete' });
    expect(finished.steps.map((s: { results: { result: { value: number } } }) => s.results.result.value)).toEqual([49, 59, 177, 88.5]);
    const again = await cli(['task', 'cancel', created.task_uuid]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[TASK_TERMINAL]');
  });

  it('draws a task and a template as Mermaid', async () => {
    const { tasks } = await json(['task', 'list', '--namespace', 'tree_workflow', '--status', 'complete']);
    const chart = await cli(['task', 'visualize', tasks[0].task_uuid]);
    expect(chart.code, chart.stderr).toBe(0);
    expect(chart.stdout).toMatch(/^flowchart TD/m);
    expect(chart.stdout).toContain('tree_final_convergence');
    const template = await cli(['template', 'visualize', 'examples/templates/diamond_workflow.toml']);
    expect(template.stdout).toMatch(/diamond_start.*-->.*diamond_branch_b/s);
    const registered = await json(['template', 'list']);
    expect(registered.map((t: { name: string }) => t.name)).toContain('linear_workflow');
  });

  it('does the same over the HTTP API of the running service with --url', async () => {
    const url = service!.ready.http!;
    const remote = (args: string[]) => runCli('node', [...args, '--url', url, '--format', 'json'], {});
    const created = await remote(['task', 'create', 'tree_workflow/tree_workflow', '--input', '{"even_number": 12}']);
    expect(created.code, created.stderr).toBe(0);
    const uuid = JSON.parse(created.stdout).task_uuid;
    const task = await waitFor(async () => {
      const t = JSON.parse((await remote(['task', 'get', uuid])).stdout);
      return t.state === 'complete' ? t : null;
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'the remote task to complete' });
    expect(task.step_counts.total).toBe(8);
    const steps = JSON.parse((await remote(['task', 'steps', uuid])).stdout);
    expect(steps).toHaveLength(8);
    const listed = JSON.parse((await remote(['task', 'list', '--namespace', 'tree_workflow'])).stdout);
    expect(listed.tasks.map((t: { task_uuid: string }) => t.task_uuid)).toContain(uuid);
    const terminal = await runCli('node', ['task', 'cancel', uuid, '--url', url], {});
    expect(terminal.code).toBe(1);
    expect(terminal.stderr).toContain('[TASK_TERMINAL]');
    const dup = await runCli('node', ['task', 'create', 'tree_workflow/tree_workflow', '--input', '{"even_number": 12}', '--url', url], {});
    expect(dup.stderr).toContain(`[TASK_DUPLICATE]`);
    expect(dup.stderr).toContain(uuid);
  });

  it('lists an empty dead-letter queue', async () => {
    const dlq = await json(['dlq', 'list']);
    expect(dlq).toMatchObject({ entries: [], total: 0 });
  });
});
