// `tasker task create --input @file.ndjson`: one request per line, created in all-or-nothing batches, by the
// database (local mode) and over the HTTP API (--url); a bad line names the file and the line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import { createTestDatabase, waitFor, type TestDatabase } from '../helpers/db.ts';
import { runCli, startTaskerRun } from '../helpers/cli.ts';

let pg: TestDatabase;
let sql: postgres.Sql;
let service: { child: ChildProcess; output: () => string; ready: { http: string | null } } | null = null;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'tasker-ndjson-'));

const cli = (args: string[], extraEnv: Record<string, string> = env) => runCli('node', args, extraEnv);
const file = (name: string, lines: unknown[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
};
const taskCount = async () => Number((await sql`SELECT count(*)::int AS n FROM tasker.tasks`)[0].n);
const linear = (even_number: number) => ({ namespace: 'linear_workflow', name: 'linear_workflow', context: { even_number } });

beforeAll(async () => {
  pg = await createTestDatabase('tasker_cli_bulk');
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  env = { DATABASE_URL: pg.url, TASKER_TEMPLATE_PATH: 'examples/templates', TASKER_HANDLER_PATH: 'examples/handlers' };
  service = await startTaskerRun('node', ['--bind', '127.0.0.1:0', '--status-interval', '0'], { ...env, TASKER_NAMESPACE: 'linear_workflow' });
});

afterAll(async () => {
  if (service) {
    service.child.kill('SIGTERM');
    await waitFor(() => service!.child.exitCode !== null, { what: 'tasker run to exit' }).catch(() => service!.child.kill('SIGKILL'));
  }
  await sql?.end();
  await pg?.drop();
});

describe('tasker task create --input @file.ndjson', () => {
  it('creates one task per line in batches (local mode), the template given once on the command line', async () => {
    const before = await taskCount();
    const path = file('contexts.ndjson', Array.from({ length: 25 }, (_, i) => ({ context: { even_number: 100 + 2 * i } })));
    const r = await cli(['task', 'create', 'linear_workflow/linear_workflow', '--input', `@${path}`, '--batch-size', '10', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: path, created: 25, batches: 3 });
    expect(out.task_uuids).toHaveLength(25);
    expect(await taskCount()).toBe(before + 25);
    const last = await waitFor(async () => {
      const [t] = await sql`SELECT state FROM tasker.tasks WHERE task_uuid = ${out.task_uuids[24]}`;
      return t.state === 'complete' ? t : null;
    }, { timeoutMs: 60_000, intervalMs: 100, what: 'the last task to complete' });
    expect(last.state).toBe('complete');
  });

  it('names the file and line of a line that is not JSON, and creates nothing', async () => {
    const before = await taskCount();
    const path = file('broken.ndjson', [linear(300), '', linear(302), '{"namespace": "linear_workflow", "name": ']);
    const r = await cli(['task', 'create', '--input', `@${path}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${path}:4: not valid JSON`);
    expect(r.stderr).toContain('INPUT_INVALID');
    expect(await taskCount()).toBe(before);
    const noTemplate = await cli(['task', 'create', '--input', `@${file('anon.ndjson', [{ context: { even_number: 2 } }])}`]);
    expect(noTemplate.stderr).toMatch(/anon\.ndjson:1: no template/);
  });

  it('reports refused lines of a batch by line number over --url; earlier batches stay created, the refused one does not', async () => {
    const before = await taskCount();
    const lines = [linear(400), linear(402), linear(404), { ...linear(406), context: { even_number: 'x' } }, linear(408), linear(400)];
    const r = await runCli('node', ['task', 'create', '--input', `@${file('mixed.ndjson', lines)}`, '--batch-size', '3', '--url', service!.ready.http!], {});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('TASK_BATCH_REJECTED');
    expect(r.stderr).toContain('lines 4–6');
    expect(r.stderr).toMatch(/mixed\.ndjson:4: INPUT_INVALID: .*even_number/);
    expect(r.stderr).toMatch(/mixed\.ndjson:6: TASK_DUPLICATE: a task with the same identity already exists: [0-9a-f-]{36}/);
    expect(r.stderr).toContain('3 task(s) of earlier batches were');
    expect(await taskCount()).toBe(before + 3);
  });
});
