// The README's quick start, service walk-through, Deno and Bun commands, run as written (bash, with
// node_modules/.bin on the PATH as after `npm install`). Two adjustments, both outside the README's text:
// `npm install` is skipped (the suite runs after it), and the HTTP port 8080 is replaced by a free one,
// so the test does not collide with anything else listening on this machine. The npx test lives here too:
// two files running npx at once race on npm's npx cache.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/db.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { readPostmaster, stopServer } from '../../src/db/embedded-process.ts';
import { ROOT, cleanEnv, hasRuntime } from '../helpers/cli.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first ```sh block after `marker`. */
function shBlock(marker: string): string {
  const at = readme.indexOf(marker);
  expect(at, `README has "${marker}"`).toBeGreaterThan(-1);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  return m![1];
}

/** The backticked command on the README line that starts with `prefix`. */
function inlineCommand(prefix: string): string {
  const m = new RegExp('`(' + prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '[^`]*)`').exec(readme);
  expect(m, `README has \`${prefix}…\``).not.toBeNull();
  return m![1];
}

function bash(script: string, timeoutMs = 240_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const env = cleanEnv({ PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}`, TASKER_LOG_LEVEL: 'warn' });
    // its own process group, so a job the script leaves behind (after a failure) is ended with it
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, detached: true });
    const endGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {}
    };
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      endGroup();
      child.kill('SIGKILL');
      reject(new Error(`README commands timed out:\n${script}\n${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      endGroup();
      // let the pipes drain what was written before the exit
      setTimeout(() => resolve({ code, out }), 100);
    });
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('the README commands, verbatim', () => {
  it('from a checkout: npm start and the smoke run', async () => {
    const block = shBlock('### From a checkout').split('\n').filter((l) => l.trim() && !l.startsWith('npm install')).join('\n');
    const r = await bash(`set -e\n${block}`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('all complete');
    expect(r.out).toMatch(/PASS linear_workflow\/linear_workflow/);
  }, 300_000);

  it('the service walk-through: run in the background, create and wait, list, HTTP, kill %1', async () => {
    const port = await freePort();
    const block = shBlock('To run tasker as a service').replaceAll('8080', String(port));
    // a fresh embedded database (through a config file, the commands stay as written): the walk-through's
    // task would be a TASK_DUPLICATE of the previous run's in a reused one
    const dir = `.tasker/test-readme-${randomBytes(4).toString('hex')}`;
    made.push(dir);
    mkdirSync(join(ROOT, dir), { recursive: true });
    writeFileSync(join(ROOT, dir, 'tasker.toml'), `[common.database]\nembedded_path = "${dir}/pgdata"\n`);
    // `wait` (ours) lets the killed job finish its graceful shutdown before the shell exits
    const r = await bash(`set -e\nexport TASKER_WEB_BIND_ADDRESS=127.0.0.1:${port} TASKER_CONFIG_PATH=${dir}/tasker.toml\n${block}\nwait\n`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/task [0-9a-f-]{36} complete/);
    expect(r.out).toContain('"tasks"');
  }, 300_000);

  it.skipIf(!hasRuntime('deno'))('Deno: deno task tasker …, and tasker run with the narrowest permissions', async () => {
    const task = await bash(`deno task tasker validate examples/templates`);
    expect(task.code, task.out).toBe(0);
    expect(task.out).toMatch(/\d+ valid templates?, 0 errors/);
    const port = await freePort();
    const command = inlineCommand('deno run --allow-env --allow-read=.,/tmp');
    const script = `export TASKER_WEB_BIND_ADDRESS=127.0.0.1:${port} TASKER_TEMPLATE_PATH=examples/templates TASKER_HANDLER_PATH=examples/handlers
${command} &
until curl -sf localhost:${port}/health/ready >/dev/null; do kill -0 %1 || break; sleep 0.2; done
kill %1
wait %1`;
    const run = await bash(script);
    expect(run.code, run.out).toBe(0);
  }, 300_000);

  it.skipIf(!hasRuntime('bun'))('Bun: bun cli.ts …', async () => {
    const r = await bash(`bun cli.ts smoke examples/templates/linear_workflow.yaml --input '{"even_number": 6}'`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('all complete');
  }, 300_000);
});

// `npx tasker run & … kill $!` kills npm, which passes SIGTERM to its `sh -c` only: tasker must not be left
// running as an orphan holding the port and the embedded database (bin/parent-watch.mjs).
const rel = `.tasker/test-npx-${randomBytes(4).toString('hex')}`;

const made: string[] = [rel];
afterAll(async () => {
  for (const dir of made) {
    await stopServer(await getRuntime(), join(ROOT, dir, 'pgdata'));
    rmSync(join(ROOT, dir), { recursive: true, force: true });
  }
});

describe('npx tasker run', () => {
  it('stops gracefully (and with it the embedded server) when npx is killed', async () => {
    const runtime = await getRuntime();
    const env = cleanEnv({ TASKER_TEMPLATE_PATH: 'examples/templates/linear_workflow.yaml', TASKER_HANDLER_PATH: 'examples/handlers', TASKER_LOG_LEVEL: 'info' });
    const npx = spawn('npx', ['tasker', 'run', '--no-web', '--status-interval', '0', '--database', `${rel}/pgdata`], { cwd: ROOT, env });
    let out = '';
    npx.stdout.on('data', (d) => (out += d));
    npx.stderr.on('data', (d) => (out += d));
    try {
      const ready = JSON.parse(await waitFor(() => /ready (\{.*\})/.exec(out)?.[1], { timeoutMs: 90_000, what: 'tasker run to be ready' }));
      expect(ready.pid).not.toBe(npx.pid); // npm → sh → node: tasker is a grandchild
      const server = readPostmaster(join(ROOT, rel, 'pgdata'))!;
      npx.kill('SIGTERM');
      await waitFor(() => !runtime.isProcessAlive(ready.pid), { timeoutMs: 30_000, what: 'tasker to exit after npx was killed' });
      expect(out).toContain('stopped cleanly');
      await waitFor(() => !runtime.isProcessAlive(server.pid), { timeoutMs: 30_000, what: 'the embedded server to stop' });
    } finally {
      npx.kill('SIGKILL');
    }
  }, 120_000);
});
