import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root (tests run with it as the working directory). */
export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** The runtimes the contract suite covers. */
export const RUNTIMES = ['node', 'bun', 'deno'] as const;
/** One of {@link RUNTIMES}. */
export type RuntimeName = (typeof RUNTIMES)[number];

/**
 * The narrowest Deno permissions `tasker` needs with the embedded PostgreSQL (README "Runtimes"): environment,
 * reading the project, the local network (PostgreSQL, the HTTP API), hostname and uid, running the server
 * programs, the embedded database in .tasker and the template cache in the temp directory (plus, as root,
 * /etc/passwd and setpriv to run the server as an unprivileged account; /proc tells a live server from a
 * recycled pid).
 */
export const DENO_PERMISSIONS = [
  '--allow-env',
  '--allow-read=.,/tmp,/proc,/etc/passwd,/usr/bin/setpriv',
  '--allow-write=.tasker,/tmp',
  '--allow-net=127.0.0.1',
  '--allow-sys=hostname,uid',
  '--allow-run',
];

/** The command line that runs `script` (a TS file, relative to the root) under `runtime`. */
export function runtimeCommand(runtime: RuntimeName, script: string, args: string[] = []): [string, string[]] {
  if (runtime === 'node') return ['node', [script.endsWith('cli.ts') ? 'bin/tasker.mjs' : 'bin/run-ts.mjs', ...(script.endsWith('cli.ts') ? [] : [script]), ...args]];
  if (runtime === 'bun') return [`${ROOT}/node_modules/.bin/bun`, [script, ...args]];
  return [`${ROOT}/node_modules/.bin/deno`, ['run', ...DENO_PERMISSIONS, script, ...args]];
}

/** The result of one CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tasker <args>` under a runtime and waits for it (async, so the test process stays responsive). */
export function runCli(runtime: RuntimeName, args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 90_000): Promise<CliResult> {
  const [cmd, argv] = runtimeCommand(runtime, 'cli.ts', args);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tasker ${args.join(' ')} under ${runtime} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The test process's environment without tasker variables that would leak into a CLI run, plus `extra`. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TASKER_LOG_FORMAT: 'json', TASKER_LOG_LEVEL: 'warn' };
  for (const key of Object.keys(env)) if (/^(TASKER_|DATABASE_URL$|TYPESCRIPT_HANDLER_PATH$)/.test(key)) delete env[key];
  env.TASKER_LOG_FORMAT = 'json';
  env.TASKER_LOG_LEVEL = 'warn';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts a long-running `tasker run` and resolves once it printed its `ready {...}` line. */
export async function startTaskerRun(runtime: RuntimeName, args: string[], env: Record<string, string | undefined>): Promise<{ child: ChildProcess; ready: { pid: number; http: string | null }; output: () => string }> {
  const [cmd, argv] = runtimeCommand(runtime, 'cli.ts', ['run', ...args]);
  const child = spawn(cmd, argv, { cwd: ROOT, env: cleanEnv(env) });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const ready = await new Promise<{ pid: number; http: string | null }>((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`tasker run (${runtime}) did not become ready:\n${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /ready (\{.*\})/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolvePromise(JSON.parse(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`tasker run (${runtime}) exited early with ${code}:\n${out}`)));
  });
  return { child, ready, output: () => out };
}

/** Whether a runtime binary is installed (bun/deno come from devDependencies). */
export function hasRuntime(runtime: RuntimeName): boolean {
  const [cmd, argv] = runtime === 'node' ? ['node', ['--version']] : [`${ROOT}/node_modules/.bin/${runtime}`, ['--version']];
  return spawnSync(cmd, argv).status === 0;
}
