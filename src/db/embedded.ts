import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from '../runtime/host.ts';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { TaskerError } from '../errors.ts';
import type { Runtime } from '../runtime/types.ts';
import { quoteIdentifier } from './identifiers.ts';
import { openPostgres } from './postgres.ts';
import type { Db } from './types.ts';
import { findBinaries, type PostgresBinaries } from './embedded-binaries.ts';
import { addUser, liveUsers, PINNED, removeUser, withLock } from './embedded-lock.ts';
import { freePort, isPostgresProcess, portAnswers, launch, pause, readPostmaster, serverUser, stopServer, waitReady, type ServerUser } from './embedded-process.ts';
import { assertReachable, reachableBinaries, throwawayRoot, copyCluster, ensureTemplate, serverSettings, sweepAbandoned, type ClusterCredentials } from './embedded-template.ts';

/** Options for {@link openEmbedded}. */
export interface EmbeddedOptions {
  runtime: Runtime;
  /** Data directory, or `memory` for a throwaway cluster. Relative paths resolve against the working directory. */
  path: string;
  schema: string;
  poolMax?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

/** `<dataDir>.json`: how to reach the cluster (kept beside it, mode 0600). */
interface ServerState extends ClusterCredentials {
  port: number;
}

let opened = 0;

/** A running embedded server: where it listens and how to log in. */
export interface EmbeddedServer {
  dataDir: string;
  pid: number;
  port: number;
  credentials: ClusterCredentials;
}

/** The connection URL of a running embedded server (contains the generated password). */
export function serverUrl(server: Pick<EmbeddedServer, 'port' | 'credentials'>, database = 'postgres'): string {
  const { user, password } = server.credentials;
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${database}`;
}

function readState(dataDir: string): ServerState | null {
  try {
    return JSON.parse(readFileSync(`${dataDir}.json`, 'utf8')) as ServerState;
  } catch {
    return null;
  }
}

function writeState(dataDir: string, state: ServerState): void {
  writeFileSync(`${dataDir}.json.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${dataDir}.json.tmp`, `${dataDir}.json`);
}

/** Makes `dataDir` a cluster (a copy of the cached template) unless it is one; refuses a foreign directory. */
async function ensureCluster(runtime: Runtime, bins: PostgresBinaries, user: ServerUser | null, dataDir: string): Promise<ServerState> {
  const versionFile = join(dataDir, 'PG_VERSION');
  if (existsSync(versionFile)) {
    const major = readFileSync(versionFile, 'utf8').trim();
    const state = readState(dataDir);
    if (major !== bins.major || !state) {
      throw new TaskerError('DB_UNREACHABLE', major !== bins.major
        ? `${dataDir} holds a PostgreSQL ${major} cluster (an older tasker's PGlite database?), and the embedded server is PostgreSQL ${bins.major}`
        : `${dataDir} is a PostgreSQL cluster without tasker's credentials file ${dataDir}.json`, {
        hint: `move ${dataDir} away (or delete it) to start a new embedded database, or set DATABASE_URL`,
      });
    }
    return state;
  }
  if (existsSync(dataDir) && statSync(dataDir).isDirectory() && readdirNonEmpty(dataDir)) {
    throw new TaskerError('DB_UNREACHABLE', `${dataDir} exists and is not a PostgreSQL data directory`, { hint: 'point --database / [common.database] embedded_path at another directory, or move this one away' });
  }
  const template = await ensureTemplate(runtime, bins, user);
  const work = `${dataDir}.init-${runtime.pid}`;
  rmSync(work, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  copyCluster(template.dataDir, work, user);
  const state = { ...template.credentials, port: 0 };
  writeState(dataDir, state);
  renameSync(work, dataDir);
  return state;
}

function readdirNonEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** Starts the server of `dataDir` unless it runs; called holding the lock. */
async function ensureRunning(runtime: Runtime, dataDir: string): Promise<EmbeddedServer> {
  const user = serverUser(runtime);
  const bins = reachableBinaries(runtime, await findBinaries(), user);
  assertReachable(dataDir, user);
  const state = await ensureCluster(runtime, bins, user, dataDir);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const info = readPostmaster(dataDir);
    if (!info) break;
    if (!isPostgresProcess(runtime, info.pid)) {
      rmSync(join(dataDir, 'postmaster.pid'), { force: true }); // left by a server that was killed
      break;
    }
    if (info.status === 'ready') {
      if (await portAnswers(info.port)) return { dataDir, pid: info.pid, port: info.port, credentials: state };
      // "ready" but nobody listens: the server was killed and its pid is a zombie (or a stranger's now)
      rmSync(join(dataDir, 'postmaster.pid'), { force: true });
      break;
    }
    if (Date.now() > deadline) throw new TaskerError('DB_UNREACHABLE', `the embedded PostgreSQL of ${dataDir} (pid ${info.pid}) stays "${info.status}"`, { hint: `stop it (tasker db stop, or kill ${info.pid}) and retry` });
    await pause(20); // starting (its starter died before it was ready) or stopping: wait for either end
  }
  const logFile = `${dataDir}.log`;
  rotateLog(logFile);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort(attempt === 0 ? state.port : undefined);
    const child = launch({ program: bins.postgres, args: ['-D', dataDir, ...serverSettings(port, false)], logFile, user });
    try {
      const info = await waitReady(runtime, dataDir, child, logFile);
      if (port !== state.port) writeState(dataDir, { ...state, port });
      return { dataDir, pid: info.pid, port, credentials: state };
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      if (code === 'PORT_IN_USE' && attempt < 3) continue;
      if (code === 'SHMEM_IN_USE' && Date.now() < deadline) {
        await pause(100);
        continue;
      }
      throw new TaskerError('DB_UNREACHABLE', `cannot start the embedded PostgreSQL on ${dataDir}: ${(cause as Error).message}`, {
        cause,
        hint: `see ${logFile}; or set DATABASE_URL to use a PostgreSQL server`,
      });
    }
  }
}

function rotateLog(logFile: string): void {
  try {
    if (statSync(logFile).size > 5 * 1024 * 1024) renameSync(logFile, `${logFile}.1`);
  } catch {}
}

/** The data directory an embedded path names, made absolute. */
export function embeddedDataDir(runtime: Runtime, path: string): string {
  return resolve(runtime.cwd(), path);
}

/** The running server of `dataDir`, or null; never starts one. */
export function embeddedStatus(runtime: Runtime, dataDir: string): (EmbeddedServer & { users: string[] }) | null {
  const info = readPostmaster(dataDir);
  const state = readState(dataDir);
  if (!info || !state || info.status !== 'ready' || !isPostgresProcess(runtime, info.pid)) return null;
  return { dataDir, pid: info.pid, port: info.port, credentials: state, users: liveUsers(runtime, dataDir) };
}

/** Starts the server of `dataDir` and keeps it running after this process exits, until {@link stopEmbedded}. */
export async function startEmbedded(runtime: Runtime, dataDir: string): Promise<EmbeddedServer> {
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  return withLock(runtime, dataDir, async () => {
    const server = await ensureRunning(runtime, dataDir);
    addUser(dataDir, PINNED);
    return server;
  });
}

/** Stops the server of `dataDir` now (sessions of running processes are ended). False when it was not running. */
export async function stopEmbedded(runtime: Runtime, dataDir: string): Promise<boolean> {
  return withLock(runtime, dataDir, async () => {
    removeUser(dataDir, PINNED);
    return stopServer(runtime, dataDir);
  });
}

/**
 * Opens the embedded database. The data directory's server is started by the first tasker process that
 * needs it (detached, so it outlives that process) and every process, on any runtime, is an ordinary
 * client of it. Each registers itself in `<dataDir>.users/`; the last one to close stops the server
 * (`tasker db start` pins it). `memory` is a throwaway cluster, copied from the cached template, that is
 * stopped and removed at close (and by the parent-death signal, or the next run's sweep, after a crash).
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<Db> {
  const { runtime, schema } = options;
  quoteIdentifier(schema, 'schema');
  if (options.path === 'memory') return openThrowaway(options);
  const dataDir = embeddedDataDir(runtime, options.path);
  mkdirSync(resolve(dataDir, '..'), { recursive: true });
  const me = `${runtime.pid}-${++opened}`; // one record per open: a process may hold several
  const release = () =>
    withLock(runtime, dataDir, async () => {
      removeUser(dataDir, me);
      if (liveUsers(runtime, dataDir).length === 0) await stopServer(runtime, dataDir);
    });
  const server = await withLock(runtime, dataDir, async () => {
    addUser(dataDir, me);
    try {
      return await ensureRunning(runtime, dataDir);
    } catch (err) {
      removeUser(dataDir, me);
      throw err;
    }
  });
  let db: Db;
  try {
    db = await connect(options, server, `embedded ${options.path} (PostgreSQL on 127.0.0.1:${server.port})`);
  } catch (err) {
    await release().catch(() => {});
    throw err;
  }
  return { ...db, kind: 'embedded', close: async () => {
    await db.close();
    await release();
  } };
}

function connect(options: EmbeddedOptions, server: Pick<EmbeddedServer, 'port' | 'credentials'>, description: string): Promise<Db> {
  return openPostgres({
    url: serverUrl(server),
    schema: options.schema,
    poolMax: options.poolMax ?? 10,
    statementTimeoutMs: options.statementTimeoutMs ?? 0,
    connectTimeoutSeconds: 10,
    applicationName: options.applicationName,
  }).then((db) => ({ ...db, description }));
}

/** A throwaway cluster for `memory`: a copy of the cached template, removed at close. */
async function openThrowaway(options: EmbeddedOptions): Promise<Db> {
  const { runtime } = options;
  const user = serverUser(runtime);
  const bins = reachableBinaries(runtime, await findBinaries(), user);
  await sweepAbandoned(runtime);
  const template = await ensureTemplate(runtime, bins, user);
  const dir = join(throwawayRoot(runtime), `mem-${runtime.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o711 });
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const remove = async () => {
    await stopServer(runtime, dataDir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    copyCluster(template.dataDir, dataDir, user);
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      const child = launch({ program: bins.postgres, args: ['-D', dataDir, ...serverSettings(port, true)], logFile, user, dieWithParent: true });
      try {
        await waitReady(runtime, dataDir, child, logFile);
        break;
      } catch (err) {
        if ((err as { code?: string }).code === 'PORT_IN_USE' && attempt < 3) continue;
        throw new TaskerError('DB_UNREACHABLE', `cannot start a throwaway embedded PostgreSQL: ${(err as Error).message}`, { cause: err, hint: 'set DATABASE_URL to use a PostgreSQL server' });
      }
    }
    // a throwaway run is small: fewer connections keep the server's memory down (each backend is ~15 MB)
    const small = { ...options, poolMax: Math.min(options.poolMax ?? 10, 5) };
    const db = await connect(small, { port, credentials: template.credentials }, `embedded (throwaway PostgreSQL ${bins.major} on 127.0.0.1:${port})`);
    return { ...db, kind: 'embedded', close: async () => {
      await db.close();
      await remove();
    } };
  } catch (err) {
    await remove();
    throw err;
  }
}
