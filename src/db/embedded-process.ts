import { spawn, type ChildProcess, chownSync, closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, statSync, connect, createServer, platform } from '../runtime/host.ts';
import { join } from 'node:path';
import { TaskerError } from '../errors.ts';
import type { Runtime } from '../runtime/types.ts';

/** The unprivileged account the server runs as when tasker runs as root (PostgreSQL refuses root). */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Null when tasker is not root (the server runs as the current user). As root: `TASKER_EMBEDDED_USER`, else
 * `postgres` when that account exists, else `nobody`.
 */
export function serverUser(runtime: Runtime): ServerUser | null {
  if (runtime.uid() !== 0) return null;
  const wanted = runtime.env.TASKER_EMBEDDED_USER || '';
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch (cause) {
    throw new TaskerError('DB_UNREACHABLE', `tasker runs as root and cannot read /etc/passwd to find an account for the embedded PostgreSQL (${(cause as Error).message})`, {
      cause,
      hint: 'allow reading /etc/passwd (Deno: --allow-read=…,/etc/passwd), run as a normal user, or set DATABASE_URL',
    });
  }
  const accounts = new Map<string, ServerUser>();
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) accounts.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  const user = accounts.get(wanted || 'postgres') ?? (wanted ? undefined : accounts.get('nobody'));
  if (!user || user.uid === 0) {
    throw new TaskerError('DB_UNREACHABLE', `PostgreSQL refuses to run as root, and there is no account ${JSON.stringify(wanted || 'postgres')} (or nobody) to run the embedded server as`, {
      hint: 'set TASKER_EMBEDDED_USER to an unprivileged account, run tasker as a normal user, or set DATABASE_URL',
    });
  }
  return user;
}

/** Gives a directory tree to the server's account (no-op when not root). */
export function chownTree(path: string, user: ServerUser | null): void {
  if (!user) return;
  chownSync(path, user.uid, user.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), user);
}

let setpriv: string | null | undefined;
/** util-linux `setpriv` (drops privileges, sets the parent-death signal), looked up once; null when absent. */
function findSetpriv(): string | null {
  setpriv ??= platform() === 'linux' ? (['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null) : null;
  return setpriv;
}

/** How a server program is started. */
export interface LaunchOptions {
  program: string;
  args: string[];
  /** The log file; stdout and stderr of the program go there. */
  logFile: string;
  user: ServerUser | null;
  /** Linux: the program gets SIGINT when this process dies (throwaway clusters). */
  dieWithParent?: boolean;
  /** Wait for the program to exit (initdb) instead of leaving it running (postgres). */
  wait?: boolean;
}

/**
 * Starts a PostgreSQL program in its own session (a Ctrl-C in the terminal reaches tasker, which then stops
 * the server in order), as the server account when tasker is root: through `setpriv` (which also sets the
 * parent-death signal), else with the spawn's uid/gid.
 */
export function launch(options: LaunchOptions): ChildProcess {
  const fd = openSync(options.logFile, 'a');
  let command = options.program;
  let args = options.args;
  const ids: { uid?: number; gid?: number } = {};
  const SETPRIV = options.user || options.dieWithParent ? findSetpriv() : null;
  if (SETPRIV) {
    const drop = options.user ? [`--reuid=${options.user.uid}`, `--regid=${options.user.gid}`, '--clear-groups'] : [];
    args = [...drop, ...(options.dieWithParent ? ['--pdeathsig', 'INT'] : []), '--', command, ...args];
    command = SETPRIV;
  } else if (options.user) {
    ids.uid = options.user.uid;
    ids.gid = options.user.gid;
  }
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      ...ids,
    });
    if (!options.wait) child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Runs a program to completion (initdb); rejects with the log's tail when it fails. */
export function runToCompletion(options: Omit<LaunchOptions, 'wait'>): Promise<void> {
  const child = launch({ ...options, wait: true });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${options.program} exited with ${code ?? signal}: ${logTail(options.logFile)}`));
    });
  });
}

/** The last lines of a log file, for error messages. */
export function logTail(file: string, lines = 6): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** What `postmaster.pid` says about a running server. */
export interface PostmasterInfo {
  pid: number;
  port: number;
  /** `starting`, `ready`, `stopping` or `standby`. */
  status: string;
}

/** Reads `<dataDir>/postmaster.pid`; null when there is none (the server is not running). */
export function readPostmaster(dataDir: string): PostmasterInfo | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() || 'starting' };
}

/** True when `pid` is alive and not a zombie (Linux: /proc tells; elsewhere the liveness check alone). */
export function isLiveProcess(runtime: Runtime, pid: number): boolean {
  if (!runtime.isProcessAlive(pid)) return false;
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT';
  }
}

/** True when `pid` is a live PostgreSQL process (Linux: checked in /proc, so a recycled pid does not count). */
export function isPostgresProcess(runtime: Runtime, pid: number): boolean {
  if (!runtime.isProcessAlive(pid)) return false;
  if (platform() !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false; // a zombie waiting to be reaped is gone for our purposes
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch (err) {
    // gone in between; or /proc may not be read (Deno without --allow-read=/proc): trust the liveness check
    return (err as { code?: string }).code !== 'ENOENT' && runtime.isProcessAlive(pid);
  }
}

/** Resolves after `ms` milliseconds (polling interval while waiting on a condition with a deadline). */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the server started as `child` reports `ready` in postmaster.pid. Rejects with the log's tail
 * when it exits first (a port in use carries `code: 'PORT_IN_USE'`) or the deadline passes.
 */
export async function waitReady(runtime: Runtime, dataDir: string, child: ChildProcess, logFile: string, timeoutMs = 30_000): Promise<PostmasterInfo> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 25)) {
    const info = readPostmaster(dataDir);
    if (info && info.pid === child.pid && info.status === 'ready') return info;
    if (exited || child.exitCode !== null) {
      const tail = logTail(logFile);
      const err = new Error(`PostgreSQL did not start: ${tail}`) as Error & { code?: string };
      if (/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(tail)) err.code = 'PORT_IN_USE';
      // the backends of a killed server have not all exited yet: retrying in a moment works
      if (/pre-existing shared memory block .* is still in use/.test(tail)) err.code = 'SHMEM_IN_USE';
      throw err;
    }
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not become ready within ${timeoutMs} ms: ${logTail(logFile)}`);
    await pause(delay);
  }
}

/** Asks the server to stop (fast shutdown: sessions are ended, work is kept) and waits until it has. */
export async function stopServer(runtime: Runtime, dataDir: string, timeoutMs = 30_000): Promise<boolean> {
  const info = readPostmaster(dataDir);
  if (!info || !isPostgresProcess(runtime, info.pid)) return false;
  runtime.signalProcess(info.pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  // done when the server has removed its postmaster.pid (the last step of a shutdown) or has exited
  const running = () => readPostmaster(dataDir)?.pid === info.pid && isPostgresProcess(runtime, info.pid);
  for (let delay = 2; running(); delay = Math.min(delay * 2, 25)) {
    if (Date.now() > deadline) {
      runtime.signalProcess(info.pid, 'SIGQUIT'); // immediate shutdown; recovery runs at the next start
      break;
    }
    await pause(delay);
  }
  // the pid file goes just before the process exits: wait briefly for the exit too (a zombie that only
  // its parent can reap, which Deno cannot tell from a live process without /proc, ends the wait)
  const exitBy = Date.now() + 2000;
  while (isPostgresProcess(runtime, info.pid) && Date.now() < exitBy) await pause(10);
  return true;
}

/** True when something accepts TCP connections on 127.0.0.1:`port` (false when refused or after 2 s). */
export function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A TCP port on 127.0.0.1 that is free right now (`preferred` when it is). */
export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
      });
    });
  if (preferred && (await tryPort(preferred))) return preferred;
  const port = await tryPort(0);
  if (!port) throw new TaskerError('DB_UNREACHABLE', 'cannot find a free TCP port on 127.0.0.1 for the embedded PostgreSQL');
  return port;
}

/** True when `dir` exists and is a directory. */
export function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The first directory on the way to `path` that `user` may not enter (no search permission), or null. */
export function blockingDirectory(path: string, user: ServerUser | null): string | null {
  if (!user) return null;
  const parts = path.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = '/' + parts.slice(0, i).join('/');
    let st;
    try {
      st = statSync(dir);
    } catch {
      return null; // not created yet: tasker makes it
    }
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return null;
}
