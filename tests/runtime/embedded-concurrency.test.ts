// Issue 11's concurrency target: with one `tasker run` on the default (embedded) database, 20 CLI clients at
// once — 10 valid creates that wait for their task, 10 with bad input — give 10 completed tasks and 10
// INPUT_INVALID, and none hangs. PGlite behind its socket multiplexer failed this; a real server must not.
//
// Loops: 20 under bun (the cheapest CLI start), fewer under node (tsx compiles on every start, ~1 s CPU per
// client) and deno, so the suite stays within its time budget on a 2-core box; TASKER_CONCURRENCY_LOOPS=20
// runs the full 20 everywhere.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNTIMES, ROOT, hasRuntime, runCli, startTaskerRun, type RuntimeName } from '../helpers/cli.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { readPostmaster, stopServer } from '../../src/db/embedded-process.ts';

const LOOPS: Record<RuntimeName, number> = { bun: 20, node: 1, deno: 2 };
const loopsFor = (runtime: RuntimeName) => Number(process.env.TASKER_CONCURRENCY_LOOPS) || LOOPS[runtime];
const ENV = { TASKER_TEMPLATE_PATH: 'examples/templates/linear_workflow.yaml', TASKER_HANDLER_PATH: 'examples/handlers' };
const dirs: string[] = [];

afterAll(async () => {
  const runtime = await getRuntime();
  for (const dir of dirs) {
    await stopServer(runtime, join(dir, 'pgdata'));
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(RUNTIMES.map((r) => [r]))('20 concurrent CLI clients against tasker run under %s', (runtime: RuntimeName) => {
  it.skipIf(!hasRuntime(runtime))(`create 10 tasks that complete and reject 10 bad inputs, ${loopsFor(runtime)} times over`, async () => {
    const rel = `.tasker/test-concurrency-${runtime}-${randomBytes(4).toString('hex')}`;
    dirs.push(join(ROOT, rel));
    const db = ['--database', `${rel}/pgdata`];
    const run = await startTaskerRun(runtime, ['--no-web', '--status-interval', '0', ...db], ENV);
    try {
      for (let loop = 0; loop < loopsFor(runtime); loop++) {
        const clients = Array.from({ length: 20 }, (_, i) => {
          const valid = i % 2 === 0;
          // every valid input differs, so the strict identity strategy never sees a duplicate
          const input = valid ? { even_number: 2 * (loop * 10 + i / 2 + 1) } : { even_number: `not a number ${i}` };
          const args = ['task', 'create', 'linear_workflow/linear_workflow', '--input', JSON.stringify(input), ...db];
          // a client that hangs fails the test (runCli rejects after its deadline)
          return runCli(runtime, valid ? [...args, '--wait', '--timeout', '120', '--format', 'json'] : args, ENV, 180_000).then((r) => ({ valid, input, ...r }));
        });
        for (const r of await Promise.all(clients)) {
          if (r.valid) {
            expect(r.code, `loop ${loop} ${JSON.stringify(r.input)}: ${r.stderr}`).toBe(0);
            const task = JSON.parse(r.stdout);
            expect(task.state).toBe('complete');
            const n = r.input.even_number as number;
            expect(task.steps.at(-1).results.result.value).toBe(((n * n + 10) * 3) / 2);
          } else {
            expect(r.code, `loop ${loop}: ${r.stdout}${r.stderr}`).toBe(1);
            expect(r.stderr).toContain('error [INPUT_INVALID]');
          }
        }
      }
      const list = await runCli(runtime, ['task', 'list', '--format', 'json', '--limit', '1000', ...db], ENV);
      expect(JSON.parse(list.stdout).total).toBe(10 * loopsFor(runtime));
      run.child.kill('SIGTERM');
      await new Promise((r) => (run.child.exitCode !== null ? r(null) : run.child.on('exit', r)));
      expect(run.child.exitCode).toBe(0);
      expect(readPostmaster(join(ROOT, rel, 'pgdata'))).toBeNull();
    } finally {
      run.child.kill('SIGKILL');
    }
  }, 900_000);
});
