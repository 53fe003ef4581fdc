import { spawnSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync, platform, tmpdir } from '../runtime/host.ts';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { TaskerError } from '../errors.ts';
import { migrations } from './migrations.generated.ts';
import { migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import type { Runtime } from '../runtime/types.ts';
import type { PostgresBinaries } from './embedded-binaries.ts';
import { blockingDirectory, chownTree, freePort, isLiveProcess, isPostgresProcess, launch, readPostmaster, runToCompletion, stopServer, waitReady, type ServerUser } from './embedded-process.ts';

/** The login every embedded cluster has; the password is generated when the template is made. */
export interface ClusterCredentials {
  user: string;
  password: string;
}

/** Bump when the template's contents change, so old caches are not reused. */
const TEMPLATE_FORMAT = 1;

/** The per-user cache of template clusters and throwaway clusters: `<tmpdir>/tasker-<uid>`. */
export function cacheRoot(runtime: Runtime): string {
  const root = runtime.env.TASKER_EMBEDDED_CACHE || join(tmpdir(), `tasker-${runtime.uid() ?? 'user'}`);
  // traversable (not listable) by the server account when tasker is root; the clusters inside are 0700
  mkdirSync(root, { recursive: true, mode: 0o711 });
  return root;
}

/**
 * Where throwaway clusters go: a RAM-backed `/dev/shm/tasker-<uid>` when it has room (copying and removing a
 * cluster there is several times faster than on a busy disk), else the {@link cacheRoot}.
 */
export function throwawayRoot(runtime: Runtime): string {
  if (!runtime.env.TASKER_EMBEDDED_CACHE && platform() === 'linux') {
    try {
      const fs = statfsSync('/dev/shm');
      if (fs.bavail * fs.bsize >= 512 * 1024 * 1024) {
        const root = join('/dev/shm', `tasker-${runtime.uid()}`);
        mkdirSync(root, { recursive: true, mode: 0o711 });
        return root;
      }
    } catch {}
  }
  return cacheRoot(runtime);
}

/**
 * The binaries as the server account can run them. As root, when the installation lies below a directory that
 * account may not enter (a project under /root), the binary package's `native/` tree is copied once into the
 * cache and run from there.
 */
export function reachableBinaries(runtime: Runtime, bins: PostgresBinaries, user: ServerUser | null): PostgresBinaries {
  if (!blockingDirectory(bins.postgres, user)) return bins;
  const native = dirname(dirname(bins.postgres));
  const dir = join(cacheRoot(runtime), `bin-pg${bins.version}`);
  if (!existsSync(join(dir, 'bin', 'postgres'))) {
    const work = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
    copyCluster(native, work, null);
    chmodSync(work, 0o755);
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { ...bins, initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

/** A clear error when the server account cannot enter a directory on the way to the data directory. */
export function assertReachable(dataDir: string, user: ServerUser | null): void {
  const blocked = blockingDirectory(dataDir, user);
  if (!blocked || !user) return;
  throw new TaskerError('DB_UNREACHABLE', `tasker runs as root, so the embedded PostgreSQL runs as ${user.name}, which may not enter ${blocked} (on the way to ${dataDir})`, {
    hint: `give it search permission (chmod o+x ${blocked}), choose another --database directory, run tasker as a normal user, or set DATABASE_URL`,
  });
}

/** Server settings of every cluster tasker starts (the throwaway ones add durability-off settings). */
export function serverSettings(port: number, throwaway: boolean): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    shared_buffers: throwaway ? '16MB' : '64MB',
    max_connections: '100',
    io_method: 'sync',
    logging_collector: 'off',
    log_min_messages: 'warning',
  };
  if (throwaway) {
    Object.assign(settings, {
      fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', autovacuum: 'off',
      max_wal_senders: '0', wal_level: 'minimal', max_logical_replication_workers: '0',
    });
  }
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

/** Copies a cluster directory (ownership kept: `cp -a`, far faster than fs.cpSync). */
export function copyCluster(from: string, to: string, user: ServerUser | null): void {
  const cp = platform() === 'win32' ? null : spawnSync('cp', ['-a', from, to], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (!cp || cp.status !== 0) {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
    chownTree(to, user);
  }
  chmodSync(to, 0o700);
}

/**
 * Returns the cached template cluster for these binaries, making it once (initdb, then trimmed: no
 * template0, WAL recycled) in a temporary directory renamed into place, so concurrent first runs are safe.
 */
export async function ensureTemplate(runtime: Runtime, bins: PostgresBinaries, user: ServerUser | null): Promise<{ dataDir: string; credentials: ClusterCredentials }> {
  const root = cacheRoot(runtime);
  const dir = join(root, `template-pg${bins.version}-v${TEMPLATE_FORMAT}-${migrationsKey()}`);
  const meta = join(dir, 'credentials.json');
  if (existsSync(meta)) return { dataDir: join(dir, 'data'), credentials: JSON.parse(readFileSync(meta, 'utf8')) as ClusterCredentials };

  const work = `${dir}.tmp-${runtime.pid}-${randomBytes(4).toString('hex')}`;
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const credentials = { user: 'tasker', password: randomBytes(18).toString('base64url') };
  const pwfile = join(work, 'pw');
  writeFileSync(pwfile, credentials.password + '\n', { mode: 0o600 });
  chownTree(work, user);
  const logFile = join(work, 'initdb.log');
  try {
    await runToCompletion({
      program: bins.initdb,
      args: ['-D', dataDir, '-U', credentials.user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-instructions', '-N', '--wal-segsize=1'],
      logFile,
      user,
    });
    rmSync(pwfile);
    await trim(runtime, bins, dataDir, credentials, user, join(work, 'trim.log'));
    writeFileSync(join(work, 'credentials.json'), JSON.stringify(credentials), { mode: 0o600 });
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another process made it first
    }
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return { dataDir: join(dir, 'data'), credentials: JSON.parse(readFileSync(meta, 'utf8')) as ClusterCredentials };
}

/** The schema a template is migrated in: a throwaway cluster with the default schema starts migrated. */
const TEMPLATE_SCHEMA = 'tasker';

/** A short hash of every bundled migration: a template is made again when they change. */
function migrationsKey(): string {
  return createHash('sha256').update(migrations.map((m) => `${m.version}:${m.checksum}`).join(',')).digest('hex').slice(0, 10);
}

/**
 * Migrates the `tasker` schema (so a smoke run starts with its tables), drops template0 (nobody creates
 * databases with another encoding here) and recycles WAL: a smaller, faster copy.
 */
async function trim(runtime: Runtime, bins: PostgresBinaries, dataDir: string, credentials: ClusterCredentials, user: ServerUser | null, logFile: string): Promise<void> {
  const port = await freePort();
  const child = launch({ program: bins.postgres, args: ['-D', dataDir, ...serverSettings(port, true), '-c', 'min_wal_size=2MB', '-c', 'max_wal_size=4MB'], logFile, user, dieWithParent: true });
  try {
    await waitReady(runtime, dataDir, child, logFile);
    const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
    const db = await openPostgres({ url, schema: TEMPLATE_SCHEMA, poolMax: 1, statementTimeoutMs: 0, connectTimeoutSeconds: 10 });
    try {
      await migrate(db);
      // one statement per call: DROP DATABASE and VACUUM refuse to run in the implicit transaction of a script
      for (const statement of [`UPDATE pg_database SET datistemplate = false WHERE datname = 'template0'`, 'DROP DATABASE template0', 'VACUUM FREEZE', 'CHECKPOINT']) {
        await db.exec(statement);
      }
    } finally {
      await db.close();
    }
  } finally {
    await stopServer(runtime, dataDir);
  }
}

/**
 * Removes throwaway clusters (`mem-<pid>-*`) and half-made templates whose process is gone, stopping a
 * server still running in one (a crashed owner on a platform without a parent-death signal).
 */
export async function sweepAbandoned(runtime: Runtime): Promise<void> {
  for (const root of new Set([cacheRoot(runtime), throwawayRoot(runtime)])) await sweepRoot(runtime, root);
}

async function sweepRoot(runtime: Runtime, root: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = readdirSync(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = /^(?:mem-|template-.*\.tmp-)(\d+)-/.exec(entry);
    if (!m || Number(m[1]) === runtime.pid || isLiveProcess(runtime, Number(m[1]))) continue;
    const dir = join(root, entry);
    const info = readPostmaster(join(dir, 'data'));
    if (info && isPostgresProcess(runtime, info.pid)) await stopServer(runtime, join(dir, 'data'), 10_000);
    rmSync(dir, { recursive: true, force: true });
  }
}
