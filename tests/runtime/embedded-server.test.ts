// DESIGN §2: the embedded database is a real PostgreSQL server. The first tasker process that needs it
// starts it, every other process (any runtime) is an ordinary client, the last one to leave stops it, and a
// crashed process leaves nothing that blocks the next start. Run under node, bun and deno.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNTIMES, ROOT, hasRuntime, runCli, startTaskerRun, type RuntimeName } from '../helpers/cli.ts';
import { waitFor } from '../helpers/db.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { isPostgresProcess, readPostmaster, stopServer } from '../../src/db/embedded-process.ts';

const ENV = { TASKER_TEMPLATE_PATH: 'examples/templates/linear_workflow.yaml', TASKER_HANDLER_PATH: 'examples/handlers' };
const made: string[] = [];

/** A data directory of its own under .tasker/ (where the Deno permissions allow writing). */
function freshDataDir(label: string): { rel: string; abs: string } {
  const rel = `.tasker/test-${label}-${randomBytes(4).toString('hex')}/pgdata`;
  made.push(join(ROOT, rel, '..'));
  return { rel, abs: join(ROOT, rel) };
}

function uidOf(pid: number): number {
  return Number(/Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

afterAll(async () => {
  const runtime = await getRuntime();
  for (const dir of made) {
    await stopServer(runtime, join(dir, 'pgdata'));
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(RUNTIMES.map((r) => [r]))('the embedded PostgreSQL under %s', (runtime: RuntimeName) => {
  const { rel, abs } = freshDataDir(runtime);
  const db = ['--database', rel];

  it.skipIf(!hasRuntime(runtime))('is started by the first process, shared with the others as ordinary clients, and stopped by the last one', async () => {
    const node = await getRuntime();
    const run = await startTaskerRun(runtime, ['--no-web', '--status-interval', '0', ...db], ENV);
    try {
      const pm = readPostmaster(abs)!;
      expect(pm.status).toBe('ready');
      expect(isPostgresProcess(node, pm.pid)).toBe(true);
      // PostgreSQL refuses root: as root, the server runs as an unprivileged account
      if (node.uid() === 0) expect(uidOf(pm.pid)).not.toBe(0);

      const created = await runCli(runtime, ['task', 'create', 'linear_workflow/linear_workflow', '--input', '{"even_number": 8}', '--wait', '--timeout', '60', '--format', 'json', ...db], ENV);
      expect(created.code, created.stderr).toBe(0);
      const task = JSON.parse(created.stdout);
      expect(task.state).toBe('complete');
      expect(task.steps.map((s: { results: { result: { value: number } } }) => s.results.result.value)).toEqual([64, 74, 222, 111]);

      const status = await runCli(runtime, ['db', 'status', '--format', 'json', ...db], ENV);
      expect(status.code, status.stderr).toBe(0);
      const s = JSON.parse(status.stdout);
      expect(s.server).toMatchObject({ kind: 'embedded', running: true, pid: pm.pid });
      expect(s.server.users.length).toBe(1); // only `tasker run` is left: the create has closed
      expect(s.pending).toEqual([]);

      // any PostgreSQL client can use it: the URL carries the generated credentials
      const url = await runCli(runtime, ['db', 'psql-url', ...db], ENV);
      expect(url.stdout).toMatch(/^postgres:\/\/tasker:[^@]+@127\.0\.0\.1:\d+\/postgres\n$/);
      const sql = postgres(url.stdout.trim(), { max: 1, onnotice: () => {} });
      try {
        expect((await sql`SELECT count(*)::int AS n FROM tasker.tasks`)[0].n).toBe(1);
        expect((await sql`SHOW server_version`)[0].server_version).toMatch(/^18\./);
      } finally {
        await sql.end();
      }

      run.child.kill('SIGTERM');
      const code = await new Promise((r) => (run.child.exitCode !== null ? r(run.child.exitCode) : run.child.on('exit', r)));
      expect(code).toBe(0);
      // the last user is gone: the server has stopped
      await waitFor(() => !isPostgresProcess(node, pm.pid), { what: 'the embedded server to stop' });
      expect(readPostmaster(abs)).toBeNull();
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it.skipIf(!hasRuntime(runtime))('takes over after a crashed owner, and after a killed server, without losing data', async () => {
    const node = await getRuntime();
    const run = await startTaskerRun(runtime, ['--no-web', '--status-interval', '0', ...db], ENV);
    const pm = readPostmaster(abs)!;
    run.child.kill('SIGKILL');
    await waitFor(() => run.child.exitCode !== null || run.child.signalCode !== null, { what: 'tasker run to die' });
    // the server outlives its starter (other processes may be using it)
    expect(isPostgresProcess(node, pm.pid)).toBe(true);
    const list = await runCli(runtime, ['task', 'list', '--format', 'json', ...db], ENV);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).total).toBe(1);
    // the dead process's record was dropped, so the command was the last user and stopped the server
    await waitFor(() => !isPostgresProcess(node, pm.pid), { what: 'the embedded server to stop' });

    // now kill the server itself (as a crash or the OOM killer would): its postmaster.pid stays behind
    const started = await runCli(runtime, ['db', 'start', ...db], ENV);
    expect(started.code, started.stderr).toBe(0);
    const pid = readPostmaster(abs)!.pid;
    node.signalProcess(pid, 'SIGKILL');
    await waitFor(() => !isPostgresProcess(node, pid), { what: 'the server to die' });
    expect(readPostmaster(abs)?.pid).toBe(pid);
    const again = await runCli(runtime, ['task', 'list', '--format', 'json', ...db], ENV);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).total).toBe(1);
    // `db start` pinned the server (a restart keeps the pin); `db stop` ends it
    const stopped = await runCli(runtime, ['db', 'stop', ...db], ENV);
    expect(stopped.stdout).toContain('stopped');
    expect(readPostmaster(abs)).toBeNull();
  });
});
