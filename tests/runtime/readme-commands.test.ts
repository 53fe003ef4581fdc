// The README's quick start, service walk-through, Deno and Bun commands, run as written (bash, with
// node_modules/.bin on the PATH as after `npm install`). Two adjustments, both outside the README's text:
// `npm install` is skipped (the suite runs after it), and the HTTP port 8080 is replaced by a free one,
// so the test does not collide with anything else listening on this machine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`README commands timed out:\n${script}\n${out}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
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
    // `wait` (ours) lets the killed job finish its graceful shutdown before the shell exits
    const r = await bash(`set -e\nexport TASKER_WEB_BIND_ADDRESS=127.0.0.1:${port}\n${block}\nwait\n`);
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
until curl -sf localhost:${port}/health/ready >/dev/null; do sleep 0.2; done
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
