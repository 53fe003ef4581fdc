// The cross-runtime contract suite (DESIGN §13): the same CLI behaviours under node, bun and deno,
// against the same fixtures, on the embedded database and on a real PostgreSQL server.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIMES, hasRuntime, runCli, type RuntimeName } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let api: Server;
let apiUrl = '';
let pg: TestDatabase;

beforeAll(async () => {
  // the API example's upstream: GET /resources/:id
  api = createServer((req, res) => {
    const m = /^\/resources\/(\d+)$/.exec(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (!m) return void res.writeHead(404).end(JSON.stringify({ error: 'not found' }));
    res.end(JSON.stringify({ id: Number(m[1]), name: `resource-${m[1]}` }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  pg = await createTestDatabase('tasker_contract');
});

afterAll(async () => {
  await new Promise((r) => api?.close(r));
  await pg?.drop();
});

const exampleInputs = () => ({
  'linear_workflow/linear_workflow': { even_number: 6 },
  'diamond_workflow/diamond_workflow': { even_number: 6 },
  'tree_workflow/tree_workflow': { even_number: 6 },
  'mixed_dag_workflow/mixed_dag_workflow': { even_number: 6 },
  'conditional_approval/conditional_approval': { amount: 2500, requester: 'ana' },
  'csv_processing/csv_processing': { csv_file_path: 'examples/data/products.csv' },
  'api_examples/fetch_and_summarize': { base_url: apiUrl, resource_id: 7 },
  'order_events/order_events': { order_id: 'A-1', amount: 19.99 },
});

describe.each(RUNTIMES.map((r) => [r]))('tasker CLI under %s', (runtime: RuntimeName) => {
  it.skipIf(!hasRuntime(runtime))(`${runtime} is installed (from devDependencies)`, () => {
    expect(hasRuntime(runtime)).toBe(true);
  });

  it('prints help with every command and an example, exit 0', async () => {
    const r = await runCli(runtime, ['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['run', 'validate', 'handlers', 'task', 'smoke', 'db', 'config']) expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain('EXAMPLE');
    const sub = await runCli(runtime, ['task', 'create', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/example: tasker task create/);
  });

  it('rejects an unknown flag and an unknown command with usage errors (exit 2)', async () => {
    const flag = await runCli(runtime, ['validate', '--frobnicate']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown flag --frobnicate for tasker validate');
    const cmd = await runCli(runtime, ['frobnicate']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('unknown command "frobnicate"');
  });

  it('validates the examples (exit 0) and reports the broken corpus with file, line and path (exit 1)', async () => {
    const ok = await runCli(runtime, ['validate', 'examples/templates']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('8 valid templates, 0 errors');
    const bad = await runCli(runtime, ['validate', 'tests/fixtures/templates/broken']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('tests/fixtures/templates/broken/cycle.yaml:6: error steps[0].dependencies: dependency cycle: a → b → c → a');
    expect(bad.stdout).toContain('self-dependency.yaml:6: error steps[0].dependencies[0]: step "loop" depends on itself');
    const json = await runCli(runtime, ['validate', 'tests/fixtures/templates/broken/wrong-types.yaml', '--format', 'json']);
    const parsed = JSON.parse(json.stdout);
    expect(JSON.stringify(parsed)).toContain('steps[0].retry.max_attempts');
  });

  it('lists discovered handlers with the templates that use them', async () => {
    const r = await runCli(runtime, ['handlers', 'list', '--format', 'json'], { TASKER_TEMPLATE_PATH: 'examples/templates', TASKER_HANDLER_PATH: 'examples/handlers' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { handlers: Array<{ name: string; file: string; templates: string[] }>; missing: unknown[] };
    const linear = out.handlers.find((h) => h.name === 'linear_step_1_handler');
    expect(linear?.file).toBe('examples/handlers/linear-workflow.ts');
    expect(linear?.templates).toEqual(['linear_workflow/linear_workflow@1.0.0']);
    expect(out.missing).toEqual([]);
  });

  it('fails discovery naming both files of a duplicate handler; lists a module that throws (fails on it with --strict)', async () => {
    const dup = await runCli(runtime, ['handlers', 'list'], { TASKER_HANDLER_PATH: 'tests/fixtures/handlers/duplicates' });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/\[HANDLER_DUPLICATE\]: Handler 'dup_handler' is defined twice: in \S+first\.ts and in \S+second\.ts/);
    const broken = await runCli(runtime, ['handlers', 'list'], { TASKER_HANDLER_PATH: 'tests/fixtures/handlers/broken' });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/FAILED TO LOAD: 1 handler module[\s\S]*explodes\.ts: kaboom at import time/);
    const strict = await runCli(runtime, ['handlers', 'list', '--strict'], { TASKER_HANDLER_PATH: 'tests/fixtures/handlers/broken' });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/\[HANDLER_LOAD_FAILED\]: Failed to load handler module \S+explodes\.ts: kaboom at import time/);
  });

  it('shows the merged config with the database password redacted', async () => {
    const r = await runCli(runtime, ['config', 'show', '--format', 'json'], { DATABASE_URL: 'postgres://app:s3cret-pw@db.internal:5432/prod' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('s3cret-pw');
    expect(JSON.parse(r.stdout).common.database.url).toBe('postgres://app:***@db.internal:5432/prod');
  });

  it('names the host and port, never the password, when the database is unreachable', async () => {
    const r = await runCli(runtime, ['db', 'status'], { DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:1/nowhere' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[DB_UNREACHABLE]');
    expect(r.stderr).toContain('127.0.0.1:1/nowhere');
    expect(r.stderr).not.toContain('s3cret-pw');
  });

  it('smoke-runs every example workflow on the embedded database', async () => {
    const r = await runCli(runtime, ['smoke', 'examples/templates', '--input', JSON.stringify(exampleInputs()), '--timeout', '60']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('8 task(s), all complete');
    expect(r.stdout).toMatch(/ship_order +complete .*\{"order_id":"A-1","tracking":"TRK-A-1"\}/);
    expect(r.stdout).toMatch(/linear_step_4 +complete +1\/\d+ +\{"value":69\}/);
    expect(r.stdout).toMatch(/tree_final_convergence +complete .*\{"value":221\}/);
    const json = await runCli(runtime, ['smoke', 'examples/templates/conditional_approval.yaml', 'examples/templates/csv_processing.yaml', 'examples/templates/api_step.yaml', '--input', JSON.stringify(exampleInputs()), '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { passed: boolean; tasks: Array<{ template: string; steps: Array<{ name: string; state: string; results: { result: Record<string, unknown> } }> }> };
    const steps = (template: string) => report.tasks.find((t) => t.template.startsWith(template))!.steps;
    // the decision point routed 2500 to the manager only, and the deferred convergence step saw it
    expect(steps('conditional_approval').map((s) => s.name).sort()).toEqual(['finalize_approval', 'manager_approval', 'routing_decision', 'validate_request']);
    expect(steps('conditional_approval').find((s) => s.name === 'finalize_approval')?.results.result).toMatchObject({ approvals: ['manager'], amount: 2500 });
    // the CSV batch: five workers over 1,000 rows, aggregated exactly
    expect(steps('csv_processing').filter((s) => s.name.startsWith('process_csv_batch_') && s.state === 'complete')).toHaveLength(5);
    expect(steps('csv_processing').find((s) => s.name === 'aggregate_csv_results')?.results.result).toMatchObject({ total_rows: 1000, total_inventory_value: 1376405 });
    expect(steps('api_examples').find((s) => s.name === 'summarize_resource')?.results.result).toEqual({ id: 7, name_length: 10 });
  });

  it('runs db migrate and db status against a real PostgreSQL server', async () => {
    const env = { DATABASE_URL: pg.url, TASKER_DATABASE_SCHEMA: `db_${runtime}` };
    const migrate = await runCli(runtime, ['db', 'migrate'], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/applied migrations 1, 2|database is up to date/);
    const status = await runCli(runtime, ['db', 'status', '--format', 'json'], env);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({ schema: `db_${runtime}`, pending: [] });
    expect(parsed.current).toBe(parsed.latest);
    expect(parsed.server).toMatchObject({ kind: 'url', running: true });
    expect(JSON.stringify(parsed.server)).not.toContain(new URL(pg.url).password || '\u0000');
  });

  it('smoke-runs the linear workflow against a real PostgreSQL server and fails on a bad input', async () => {
    const r = await runCli(runtime, ['smoke', 'examples/templates/linear_workflow.yaml', '--input', '{"even_number": 6}', '--database', pg.url]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/linear_step_4 +complete .*\{"value":69\}/);
    const bad = await runCli(runtime, ['smoke', 'examples/templates/linear_workflow.yaml', '--input', '{"even_number": "six"}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[INPUT_INVALID]');
    expect(bad.stderr).toContain('even_number');
  });
});
