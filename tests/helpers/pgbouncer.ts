// PgBouncer in transaction pooling mode in front of one database, started by a test on a free local port.
// As root it runs as the `postgres` OS user (PgBouncer refuses root). `pgbouncerUnavailable()` says why
// it cannot be started here (no binary: `apt-get install pgbouncer`), for a test to skip with.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './pg-server.ts';

/** A running PgBouncer. */
export interface PgBouncer {
  readonly port: number;
  /** The URL of `database` through the pooler. */
  url(database: string): string;
  /** Its output so far. */
  log(): string;
  close(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function binary(): string | null {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Why PgBouncer cannot be started here, or null. */
export function pgbouncerUnavailable(): string | null {
  if (process.platform !== 'linux') return `PgBouncer tests run on Linux only (this is ${process.platform})`;
  if (!binary()) return `no pgbouncer binary (looked in ${CANDIDATES.join(', ')}); install it with \`apt-get install -y pgbouncer\` (.ci/run does)`;
  if (isRoot() && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no `postgres` OS user to run PgBouncer as (it refuses root)';
  // the PgBouncer it starts uses trust auth and forwards no password: a password-protected test server
  // (e.g. .ci/run's embedded fallback) cannot be reached through it
  const testUrl = process.env.TEST_DATABASE_URL;
  if (testUrl && URL.canParse(testUrl) && new URL(testUrl).password) return 'the test server (TEST_DATABASE_URL) needs a password, and the test PgBouncer forwards none (trust auth); run it against a trust-auth server';
  return null;
}

/**
 * Starts PgBouncer (`pool_mode = transaction`, trust auth) in front of `database` on the server at
 * `host:port`; resolves once it accepts TCP connections. `settings` adds or overrides [pgbouncer] keys.
 */
export async function startPgBouncer(options: { host: string; port: number; database: string; user?: string; settings?: Record<string, string | number> }): Promise<PgBouncer> {
  const reason = pgbouncerUnavailable();
  if (reason) throw new Error(reason);
  const user = options.user ?? 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'tasker-pgbouncer-'));
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1', listen_port: port, unix_socket_dir: '', auth_type: 'trust', auth_file: join(dir, 'users.txt'),
    pool_mode: 'transaction', max_client_conn: 200, default_pool_size: 8, pidfile: join(dir, 'pgbouncer.pid'),
    admin_users: user, server_login_retry: 1, ...options.settings,
  };
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `${options.database} = host=${options.host} port=${options.port} dbname=${options.database} user=${user}`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n'));
  if (isRoot()) {
    const uid = Number(String(spawnSync('id', ['-u', 'postgres']).stdout).trim());
    const gid = Number(String(spawnSync('id', ['-g', 'postgres']).stdout).trim());
    for (const f of ['', 'users.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, gid);
  }
  chmodSync(dir, 0o700);
  const bin = binary() as string;
  const [cmd, args] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, join(dir, 'pgbouncer.ini')]] : [bin, [join(dir, 'pgbouncer.ini')]];
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + 20_000;
  while (!/listening on 127\.0\.0\.1:\d+/.test(output)) {
    if (gone || Date.now() > deadline) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PgBouncer did not start${gone ? ' (it exited)' : ''}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    url: (database) => `postgres://${user}@127.0.0.1:${port}/${database}`,
    log: () => output.split('\n').slice(-40).join('\n'),
    async close() {
      if (!gone) {
        // SIGINT: "safe shutdown" waits for clients; SIGTERM closes at once
        let pid = 0;
        try {
          pid = Number(readFileSync(join(dir, 'pgbouncer.pid'), 'utf8').trim());
        } catch {
          // not written yet: signal the child
        }
        if (pid) process.kill(pid, 'SIGTERM');
        else child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
