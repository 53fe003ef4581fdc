// Helpers for engine integration tests: in-process engines on PostgreSQL or the embedded PostgreSQL, templates
// from YAML text, and engine child processes (tests/fixtures/engine/engine-process.ts) with cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createTasker, type Tasker, type TaskerOptions } from '../../src/engine/index.ts';
import type { TaskerConfigInput } from '../../src/config/schema.ts';
import { parseTemplate } from '../../src/templates/index.ts';
import type { TaskTemplate } from '../../src/templates/types.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { runtimeCommand, type RuntimeName } from './cli.ts';

/** The repository root (tests run from it, child processes are started in it). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the engine fixtures live. */
export const FIXTURES = resolve(ROOT, 'tests/fixtures/engine');

/** A database an engine runs on: a fresh database on the test server, or a throwaway embedded PostgreSQL 18. */
export interface EngineBackend {
  label: string;
  /** The PostgreSQL url, or '' for the embedded database. */
  url: string;
  close(): Promise<void>;
}

/**
 * The two backends the engine's behaviour must agree on: the test server (the system PostgreSQL 15) and the
 * embedded PostgreSQL 18. The embedded one has no url: every engine gets its own throwaway cluster.
 */
export const BACKENDS: Array<[string, () => Promise<EngineBackend>]> = [
  ['PostgreSQL', () => postgresBackend()],
  ['embedded PostgreSQL', async () => ({ label: 'embedded PostgreSQL', url: '', close: async () => {} })],
];

/** A fresh PostgreSQL test database as an {@link EngineBackend}. */
export async function postgresBackend(): Promise<EngineBackend & { database: TestDatabase }> {
  const database = await createTestDatabase('tasker_engine');
  return { label: 'PostgreSQL', url: database.url, database, close: () => database.drop() };
}

/** The engine config the tests use: fast polling, everything else overridable. */
export function testConfig(url: string, overrides: TaskerConfigInput = {}): TaskerConfigInput {
  const o = overrides;
  return {
    ...o,
    common: {
      ...o.common,
      database: url ? { url, schema: 'tasker', pool_max: 5, ...o.common?.database } : { url: '', embedded_path: 'memory', schema: 'tasker', ...o.common?.database },
      queues: { poll_interval_ms: 50, max_poll_interval_ms: 200, ...o.common?.queues },
    },
    orchestration: { sweep_interval_ms: 500, ...o.orchestration },
    web: { enabled: false, ...o.web },
    templates: { paths: [], ...o.templates },
    handlers: { paths: [], ...o.handlers },
  };
}

/** Parses a template from YAML text; throws with the problems when it is invalid. */
export function yamlTemplate(text: string, file = 'inline.yaml'): TaskTemplate {
  const { template, problems } = parseTemplate(text, file);
  if (!template) throw new Error(`invalid test template ${file}:\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return template;
}

const started = new Set<Tasker>();

/**
 * Creates and starts an engine on `url` ('' = embedded in-memory). With `templates` or `registry` given,
 * template/handler paths are not scanned unless the config names some.
 */
export async function startTasker(url: string, options: Omit<TaskerOptions, 'config'> & { config?: TaskerConfigInput } = {}): Promise<Tasker> {
  const config = testConfig(url, options.config);
  const tasker = createTasker({
    loadTemplatePaths: (config.templates?.paths?.length ?? 0) > 0,
    discoverHandlerPaths: (config.handlers?.paths?.length ?? 0) > 0,
    ...options,
    config,
  });
  started.add(tasker);
  try {
    await tasker.start();
  } catch (err) {
    await stopTasker(tasker);
    throw err;
  }
  return tasker;
}

/** Stops one engine started by {@link startTasker}. */
export async function stopTasker(tasker: Tasker): Promise<void> {
  started.delete(tasker);
  await tasker.stop();
}

/** Stops every engine still running (call from afterEach/afterAll, so a failed test leaks none). */
export async function stopAllTaskers(): Promise<void> {
  const all = [...started];
  started.clear();
  await Promise.allSettled(all.map((t) => t.stop()));
}

// ---------------------------------------------------------------------------------------------------
// child processes

/** How an engine child process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** An engine running in its own OS process. */
export interface EngineProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout/stderr line so far (prefixed `out:`/`err:`). */
  readonly lines: string[];
  /** The worker id the engine reported in its ready line. */
  workerId: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Whether the process has exited. */
  readonly hasExited: boolean;
  /** Resolves with the first stdout line matching `pattern` (already seen or still to come), or rejects at the deadline or exit. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** The captured output, for failure messages. */
  output(): string;
}

const processes = new Set<EngineProcess>();

/** Options of {@link spawnEngine}. */
export interface SpawnEngineOptions {
  name: string;
  url: string;
  role: 'orchestrator' | 'worker' | 'both';
  /** `[common.queues] visibility_timeout_seconds` (the lease). */
  leaseSeconds?: number;
  /** `[worker] shutdown_timeout_ms`. */
  shutdownTimeoutMs?: number;
  /** `[worker] max_concurrent_handlers`. */
  concurrency?: number;
  env?: Record<string, string>;
  /** Another engine script (default tests/fixtures/engine/engine-process.ts). */
  script?: string;
  /** Run it under bun or deno instead of this Node.js. */
  runtime?: RuntimeName;
}

/** Starts tests/fixtures/engine/engine-process.ts in a new process and waits for its `ready` line. */
export async function spawnEngine(options: SpawnEngineOptions): Promise<EngineProcess> {
  const script = options.script ?? 'tests/fixtures/engine/engine-process.ts';
  const [cmd, argv] = options.runtime && options.runtime !== 'node' ? runtimeCommand(options.runtime, script) : [process.execPath, ['bin/run-ts.mjs', script]];
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    env: {
      ...process.env,
      TASKER_TEST_DB_URL: options.url,
      TASKER_TEST_ROLE: options.role,
      TASKER_TEST_LEASE_SECONDS: String(options.leaseSeconds ?? 30),
      TASKER_TEST_SHUTDOWN_MS: String(options.shutdownTimeoutMs ?? 30_000),
      TASKER_TEST_CONCURRENCY: String(options.concurrency ?? 10),
      TASKER_TEST_NAME: options.name,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const watchers = new Set<() => void>();
  let exitedFlag = false;
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolveExit({ code, signal });
      for (const w of watchers) w();
    });
  });
  const collect = (prefix: string) => {
    let buffer = '';
    return (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        lines.push(`${prefix}${buffer.slice(0, nl)}`);
        buffer = buffer.slice(nl + 1);
        for (const w of watchers) w();
      }
    };
  };
  child.stdout!.on('data', collect('out:'));
  child.stderr!.on('data', collect('err:'));

  const proc: EngineProcess = {
    name: options.name,
    child,
    pid: child.pid!,
    lines,
    workerId: '',
    exited,
    get hasExited() {
      return exitedFlag;
    },
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolveLine, reject) => {
        const check = () => {
          const line = lines.find((l) => l.startsWith('out:') && pattern.test(l.slice(4)));
          if (line) return done(() => resolveLine(line.slice(4)));
          if (exitedFlag) return done(() => reject(new Error(`${options.name} exited before printing ${pattern}:\n${proc.output()}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${options.name} did not print ${pattern} within ${timeoutMs} ms:\n${proc.output()}`))), timeoutMs);
        const done = (fn: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          fn();
        };
        watchers.add(check);
        check();
      });
    },
    kill(signal) {
      if (!exitedFlag) child.kill(signal);
    },
    output() {
      return lines.slice(-60).map((l) => `  [${options.name}] ${l}`).join('\n');
    },
  };
  processes.add(proc);
  const ready = await proc.waitForLine(/^ready /, 60_000);
  proc.workerId = ready.split(' ')[2] ?? '';
  return proc;
}

/** SIGKILLs every engine process still running and waits for them to go (call from afterEach). */
export async function killAllProcesses(): Promise<void> {
  const all = [...processes];
  processes.clear();
  for (const p of all) p.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

// ---------------------------------------------------------------------------------------------------
// the ledger: handler side effects in the test database, written by fixture handlers in child processes

/** One ledger row. */
export interface LedgerRow {
  id: number;
  task_uuid: string;
  step_name: string;
  pid: number;
  event: string;
  attempt: number;
  at: Date;
}

/** Creates the `public.ledger` table the fixture handlers append to (see tests/fixtures/engine/ledger.ts). */
export async function createLedger(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE TABLE IF NOT EXISTS public.ledger (
      id bigserial PRIMARY KEY, task_uuid uuid NOT NULL, step_name text NOT NULL, pid int NOT NULL,
      event text NOT NULL, attempt int NOT NULL DEFAULT 0, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  } finally {
    await sql.end();
  }
}
