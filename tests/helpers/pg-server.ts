// A PostgreSQL server a test owns (so it may stop, restart or crash it): initdb into a temporary
// directory and run `postgres` from the system binaries on a free local port. PostgreSQL refuses to run
// as root, so as root both run as the `postgres` OS user (runuser). `unavailableReason()` says why a
// server cannot be started here, for a test to skip with.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/** A running (or stopped) server of the test's own. */
export interface PgServer {
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust auth). */
  url(database?: string): string;
  /** Stops the server: `fast` (SIGINT: abort sessions, clean shutdown) or `immediate` (SIGQUIT: like a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data; resolves when it accepts connections, with that moment (ms epoch). */
  start(): Promise<number>;
  /** Stops it and removes its data directory. */
  close(): Promise<void>;
  /** The server's log so far (for failure messages). */
  log(): string;
}

const BIN_ROOT = '/usr/lib/postgresql';

function binDir(): string | null {
  const preferred = process.env.TASKER_TEST_PG_BIN;
  if (preferred) return existsSync(join(preferred, 'postgres')) ? preferred : null;
  if (!existsSync(BIN_ROOT)) return null;
  const versions = readdirSync(BIN_ROOT).filter((v) => existsSync(join(BIN_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.includes('15') ? join(BIN_ROOT, '15', 'bin') : versions[0] ? join(BIN_ROOT, versions[0], 'bin') : null;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function postgresUser(): { uid: number; gid: number } | null {
  const r = spawnSync('id', ['-u', 'postgres']);
  const g = spawnSync('id', ['-g', 'postgres']);
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(String(r.stdout).trim()), gid: Number(String(g.stdout).trim()) };
}

/** Why a server of the test's own cannot be started on this machine, or null when it can. */
export function unavailableReason(): string | null {
  if (process.platform !== 'linux') return `own PostgreSQL servers are only started on Linux (this is ${process.platform})`;
  if (!binDir()) return `no PostgreSQL server binaries under ${BIN_ROOT}/<version>/bin (install postgresql, or set TASKER_TEST_PG_BIN)`;
  if (isRoot() && !postgresUser()) return 'running as root and there is no `postgres` OS user to run the server as (PostgreSQL refuses root)';
  if (isRoot() && spawnSync('runuser', ['--version']).status !== 0) return 'running as root and `runuser` is missing';
  return null;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a server binary, as the postgres user when we are root. */
function command(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/** Waits until the server at `url` answers a query; resolves with that moment. */
export async function waitUntilAccepting(url: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {}, connection: { application_name: 'pg-server-probe' } });
    try {
      await sql`select 1`;
      return Date.now();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not accept connections within ${timeoutMs} ms: ${String(err)}`);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * initdb + start a server on a free port (fsync off: the data is thrown away). Settings may be added with
 * `settings` (`-c name=value`).
 */
export async function startPgServer(options: { settings?: Record<string, string | number> } = {}): Promise<PgServer> {
  const reason = unavailableReason();
  if (reason) throw new Error(reason);
  const bin = binDir() as string;
  const dataDir = mkdtempSync(join(tmpdir(), 'tasker-pg-'));
  if (isRoot()) {
    const { uid, gid } = postgresUser()!;
    chownSync(dataDir, uid, gid);
  }
  chmodSync(dataDir, 0o700);
  const [initCmd, initArgs] = command(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8', cwd: tmpdir() });
  if (init.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed (exit ${init.status}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1', port, unix_socket_directories: dataDir, fsync: 'off', synchronous_commit: 'off',
    full_page_writes: 'off', max_connections: 100, shared_buffers: '32MB', ...options.settings,
  };
  const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const postmasterPid = (): number | null => {
    try {
      return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
    } catch {
      return null;
    }
  };

  const server: PgServer = {
    port,
    dataDir,
    url,
    async start() {
      const [cmd, argv] = command(join(bin, 'postgres'), args);
      const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
      child = proc;
      proc.stdout!.on('data', (d) => (output += d));
      proc.stderr!.on('data', (d) => (output += d));
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      return waitUntilAccepting(url(), 60_000);
    },
    async stop(mode = 'fast') {
      if (!child) return;
      // signal the postmaster itself (runuser in between would not pass SIGQUIT on)
      const pid = postmasterPid();
      if (pid) process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      else child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      await exited;
      child = null;
      // an immediate stop leaves the pid file behind; the next start removes a stale one itself
    },
    async close() {
      await server.stop('fast').catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
    log: () => output.split('\n').slice(-40).join('\n'),
  };
  await server.start();
  return server;
}
