// `npx tasker run & … kill $!` kills npm, which passes SIGTERM to its `sh -c` only: tasker must not be left
// running as an orphan holding the port and the embedded database (bin/parent-watch.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cleanEnv } from '../helpers/cli.ts';
import { waitFor } from '../helpers/db.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { readPostmaster, stopServer } from '../../src/db/embedded-process.ts';

const rel = `.tasker/test-npx-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await stopServer(await getRuntime(), join(ROOT, rel, 'pgdata'));
  rmSync(join(ROOT, rel), { recursive: true, force: true });
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
