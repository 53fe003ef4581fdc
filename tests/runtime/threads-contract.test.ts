// [worker] isolation = "thread" on every runtime: node:worker_threads on Node, Web Workers on Bun and Deno.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, RUNTIMES, cleanEnv, runtimeCommand, type RuntimeName } from '../helpers/cli.ts';

describe.each(RUNTIMES.map((r) => [r]))('handler threads under %s', (runtime: RuntimeName) => {
  it('runs every step of a workflow in a worker thread, not on the main thread', () => {
    const [cmd, argv] = runtimeCommand(runtime, 'tests/runtime/thread-probe.ts');
    const r = spawnSync(cmd, argv, { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').slice(-2);
    expect(lines).toEqual([`${runtime} complete [["busy",false],["quick",false],["after",false]]`, `${runtime} thread crash complete 2`]);
  });
});
