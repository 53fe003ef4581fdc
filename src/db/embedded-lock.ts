import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from '../runtime/host.ts';
import { join } from 'node:path';
import { TaskerError } from '../errors.ts';
import type { Runtime } from '../runtime/types.ts';
import { isLiveProcess, pause } from './embedded-process.ts';

/**
 * Runs `fn` holding `<base>.lock`, an exclusively created file with the holder's pid. Starting and stopping
 * the server happen under it, so a process never stops the server while another is joining. A lock whose
 * holder died is broken (renamed away first, so two processes cannot both break the same lock).
 */
export async function withLock<T>(runtime: Runtime, base: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const path = `${base}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(runtime.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
    const holder = Number(readText(path));
    if (holder && !isLiveProcess(runtime, holder)) {
      const stale = `${path}.stale-${runtime.pid}`;
      try {
        renameSync(path, stale);
        // another process may have replaced the stale lock with its own between the read and the rename
        if (Number(readText(stale)) === holder) rmSync(stale, { force: true });
        else renameSync(stale, path);
      } catch {}
      continue;
    }
    if (Date.now() > deadline) {
      throw new TaskerError('DB_LOCKED', `the embedded database ${base} is being started or stopped by process ${holder}, which did not finish within ${timeoutMs / 1000} s`, {
        hint: `stop process ${holder}, or delete ${path} if no tasker process is running`,
      });
    }
    await pause(delay);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The name under which `tasker db start` keeps the server running with no process using it. */
export const PINNED = 'pinned';

/** `<base>.users/`: one file per open database (`<pid>-<n>`), plus `pinned` after `tasker db start`. */
export function usersDir(base: string): string {
  return `${base}.users`;
}

/** Records `name` (`<pid>-<n>`, or {@link PINNED}) as a user of the server. */
export function addUser(base: string, name: string): void {
  mkdirSync(usersDir(base), { recursive: true });
  const fd = openSync(join(usersDir(base), name), 'w');
  closeSync(fd);
}

/** Removes a user record. */
export function removeUser(base: string, name: string): void {
  rmSync(join(usersDir(base), name), { force: true });
}

/** The users still there: records of dead processes are removed on the way. */
export function liveUsers(runtime: Runtime, base: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(usersDir(base));
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (name === PINNED) return true;
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isLiveProcess(runtime, pid)) return true;
    rmSync(join(usersDir(base), name), { force: true });
    return false;
  });
}
