// DESIGN §2: the embedded database is owned by one process, served on a local socket to the others,
// and a lock left by a dead owner is taken over.
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv } from '../helpers/cli.ts';
import { waitFor } from '../helpers/db.ts';

let dir: string;
let owner: ChildProcess | null = null;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [join(ROOT, 'bin/tasker.mjs'), ...args], { cwd: dir, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  // a user project: package.json, templates/, handlers/ importing tasker's public API
  dir = mkdtempSync(join(tmpdir(), 'tasker-embedded-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  cpSync(join(ROOT, 'examples/templates/linear_workflow.yaml'), join(dir, 'templates/linear_workflow.yaml'));
  cpSync(join(ROOT, 'examples/handlers/linear-workflow.ts'), join(dir, 'handlers/linear-workflow.ts'));
  const handler = join(dir, 'handlers/linear-workflow.ts');
  writeFileSync(handler, readFileSync(handler, 'utf8').replace(/'\.\.\/\.\.\/src\/index\.ts'/g, `'${join(ROOT, 'src/index.ts')}'`));
});

afterAll(() => {
  owner?.kill('SIGKILL');
});

describe('the embedded database shared between processes', () => {
  it('serves the owner process database to a second tasker command through its socket', async () => {
    owner = spawn('node', [join(ROOT, 'bin/tasker.mjs'), 'run', '--no-web', '--status-interval', '0'], { cwd: dir, env: cleanEnv() });
    let out = '';
    owner.stdout!.on('data', (d) => (out += d));
    owner.stderr!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('ready '), { timeoutMs: 60_000, what: 'tasker run to be ready' });
    const lock = JSON.parse(readFileSync(join(dir, '.tasker/pgdata.owner.json'), 'utf8'));
    expect(lock.pid).toBe(owner.pid);
    expect(lock.port).toBeGreaterThan(0);

    const created = await cli(['task', 'create', 'linear_workflow/linear_workflow', '--input', '{"even_number": 8}', '--format', 'json']);
    expect(created.code, created.stderr).toBe(0);
    const uuid = JSON.parse(created.stdout).task_uuid;
    const done = await waitFor(async () => {
      const r = await cli(['task', 'get', uuid, '--format', 'json']);
      const task = JSON.parse(r.stdout);
      return task.state === 'complete' ? task : null;
    }, { timeoutMs: 60_000, intervalMs: 200, what: 'the task to complete through the owner' });
    expect(done.steps.map((s: { results: { result: { value: number } } }) => s.results.result.value)).toEqual([64, 74, 222, 111]);
  });

  it('takes over the lock of an owner that died, without losing its data', async () => {
    owner!.kill('SIGKILL');
    await waitFor(() => owner!.exitCode !== null || owner!.signalCode !== null, { what: 'the owner to die' });
    expect(existsSync(join(dir, '.tasker/pgdata.owner.json'))).toBe(true);
    const r = await cli(['task', 'list', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).total).toBe(1);
    // the command owned the database while it ran and released the lock when it finished
    expect(readdirSync(join(dir, '.tasker'))).not.toContain('pgdata.owner.json');
  });
});
