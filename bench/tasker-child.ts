// The tasker side of the bench, run in a child process on Node 20 from the repo root:
//   node bin/run-ts.mjs bench/tasker-child.ts <mode> '<json options>'
// Modes: create (pre-create N single-step tasks, no roles running), drain (run orchestrator + worker
// until N tasks finished), latency (sequential creation → handler start, chain, diamond), csv,
// idle (start and sit). Prints one JSON line prefixed with RESULT: on stdout.
import { readFileSync } from 'node:fs';
import { createTasker, defineHandler, type Tasker } from '../src/index.ts';
import { HandlerRegistry } from '../src/handlers/registry.ts';
import { openPostgres } from '../src/db/postgres.ts';
import type { Db, Queryable } from '../src/db/types.ts';

interface Options {
  url: string;
  n?: number;
  concurrency?: number;
  samples?: number;
  runs?: number;
  seconds?: number;
  profile?: boolean;
  timeoutMs?: number;
  /** Experiments only: overrides of worker / queue settings. */
  maxHandlers?: number;
  claimBatch?: number;
  resultBatch?: number;
  /** bulk mode: tasks per createTasks call; loop false skips the createTask loop. */
  batch?: number;
  loop?: boolean;
}

const mode = process.argv[2];
const opts: Options = JSON.parse(process.argv[3] ?? '{}');
const result = (value: unknown) => process.stdout.write(`RESULT:${JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function vmHwmKb(): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : 0;
}

// Handler-start hook used by the latency measurement.
let onHandlerStart: ((at: number) => void) | null = null;
const registry = new HandlerRegistry();
registry.register(defineHandler('bench_noop', {}, () => {
  onHandlerStart?.(performance.now());
  return {};
}));

/** Counts round trips and time per statement of a Db (the --profile mode). */
interface StatementStats { calls: number; ms: number; rows: number }
const statements = new Map<string, StatementStats>();
let transactions = 0;
function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 110);
}
function counted(q: Queryable): Queryable {
  return {
    async query(text, params) {
      const t0 = performance.now();
      const rows = await q.query(text, params);
      const key = normalize(text);
      const s = statements.get(key) ?? { calls: 0, ms: 0, rows: 0 };
      s.calls++;
      s.ms += performance.now() - t0;
      s.rows += rows.length;
      statements.set(key, s);
      return rows as never;
    },
    exec: (script) => q.exec(script),
  };
}
function countingDb(db: Db): Db {
  const base = counted(db);
  return {
    kind: db.kind,
    schema: db.schema,
    description: db.description,
    supportsListen: db.supportsListen,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => {
      transactions++;
      return db.transaction((tx) => fn(counted(tx)));
    },
    listen: (channel, onNotify, onListen) => db.listen(channel, onNotify, onListen),
    close: () => db.close(),
  };
}

async function makeTasker(roles: { orchestrator: boolean; worker: boolean }, extra: { templatePaths?: string[]; handlerPaths?: string[]; profile?: boolean } = {}): Promise<Tasker> {
  const config = {
    common: {
      database: { url: opts.url, schema: 'tasker' },
      queues: { ...(opts.claimBatch ? { claim_batch_size: opts.claimBatch } : {}), ...(opts.resultBatch ? { result_batch_size: opts.resultBatch } : {}) },
    },
    worker: { max_concurrent_handlers: opts.maxHandlers ?? 10 },
    templates: { paths: extra.templatePaths ?? ['bench/fixtures/templates'] },
    handlers: { paths: extra.handlerPaths ?? [] },
  };
  let db: Db | undefined;
  if (extra.profile) {
    // the same settings openDatabase uses, with a counting wrapper
    db = countingDb(await openPostgres({ url: opts.url, schema: 'tasker', poolMax: 10, statementTimeoutMs: 30_000, connectTimeoutSeconds: 10, applicationName: 'tasker-bench-profile' }));
  }
  const t = createTasker({ config, registry, db, roles, discoverHandlerPaths: !!extra.handlerPaths });
  await t.start();
  return t;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: r(pct(s, 50)), p95: r(pct(s, 95)), p99: r(pct(s, 99)), min: r(s[0]), max: r(s[s.length - 1]) };
}

/** Resolves when the given task finishes in this process's orchestrator. */
function finishTracker(t: Tasker) {
  const done = new Map<string, { at: number; state: string }>();
  const waiters = new Map<string, (v: { at: number; state: string }) => void>();
  t.onTaskFinished((f) => {
    const v = { at: performance.now(), state: f.state };
    const w = waiters.get(f.taskUuid);
    if (w) {
      waiters.delete(f.taskUuid);
      w(v);
    } else done.set(f.taskUuid, v);
  });
  return (uuid: string, timeoutMs = 30_000) => {
    const v = done.get(uuid);
    if (v) {
      done.delete(uuid);
      return Promise.resolve(v);
    }
    return new Promise<{ at: number; state: string }>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(uuid);
        reject(new Error(`task ${uuid} did not finish in ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(uuid, (x) => {
        clearTimeout(timer);
        resolve(x);
      });
    });
  };
}

async function create(): Promise<void> {
  const t = await makeTasker({ orchestrator: false, worker: false });
  const n = opts.n ?? 2000;
  const conc = opts.concurrency ?? 10;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < n) {
      next++;
      await t.createTask({ namespace: 'bench', name: 'bench_single', context: {} });
    }
  }));
  const ms = performance.now() - t0;
  await t.stop();
  result({ created: n, ms, per_s: n / (ms / 1000) });
}

/**
 * Bulk creation of N single-step tasks, no roles running: `createTasks` in batches of `batch` (default 1,000),
 * and for comparison the loop of `createTask` (concurrency 10) the bench used before createTasks existed.
 * Each on a database of its own would be fairer; both run here on the same one, bulk first.
 */
async function bulk(): Promise<void> {
  const t = await makeTasker({ orchestrator: false, worker: false });
  const n = opts.n ?? 2000;
  const batch = opts.batch ?? 1000;
  const t0 = performance.now();
  for (let i = 0; i < n; i += batch) {
    await t.createTasks(Array.from({ length: Math.min(batch, n - i) }, () => ({ namespace: 'bench', name: 'bench_single', context: {} })));
  }
  const bulkMs = performance.now() - t0;
  let loop: { ms: number; per_s: number } | undefined;
  if (opts.loop !== false) {
    const conc = opts.concurrency ?? 10;
    let next = 0;
    const t1 = performance.now();
    await Promise.all(Array.from({ length: conc }, async () => {
      while (next < n) {
        next++;
        await t.createTask({ namespace: 'bench', name: 'bench_single', context: {} });
      }
    }));
    const ms = performance.now() - t1;
    loop = { ms, per_s: n / (ms / 1000) };
  }
  await t.stop();
  result({ created: n, batch, ms: bulkMs, per_s: n / (bulkMs / 1000), loop });
}

async function drain(): Promise<void> {
  const n = opts.n ?? 2000;
  let finished = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const t0 = performance.now();
  const t = await makeTasker({ orchestrator: true, worker: true }, { profile: opts.profile });
  const startedMs = performance.now() - t0;
  t.onTaskFinished(() => {
    if (++finished >= n) resolveAll();
  });
  const timeout = opts.timeoutMs ?? 600_000;
  const timer = setTimeout(() => resolveAll(), timeout);
  await all;
  clearTimeout(timer);
  const drainMs = performance.now() - t0 - startedMs;
  const hwm = vmHwmKb();
  const stats = { worker: { ...t.worker?.stats, durations: undefined }, orchestrator: t.orchestrator?.stats };
  await t.stop();
  const profile = opts.profile
    ? {
        transactions,
        statements: [...statements.entries()].map(([sql, s]) => ({ sql, ...s, ms: Math.round(s.ms) })).sort((a, b) => b.calls - a.calls),
      }
    : undefined;
  result({ finished, startup_ms: startedMs, drain_wall_ms: drainMs, vm_hwm_kb: hwm, stats, profile });
}

async function latency(): Promise<void> {
  const t = await makeTasker({ orchestrator: true, worker: true });
  const waitFinished = finishTracker(t);
  const samples = opts.samples ?? 200;
  const runs = opts.runs ?? 50;

  // creation → first handler start (single step), sequential
  const lat: number[] = [];
  const createMs: number[] = [];
  const e2e1: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const started = new Promise<number>((r) => (onHandlerStart = r));
    const t0 = performance.now();
    const task = await t.createTask({ namespace: 'bench', name: 'bench_single', context: {} });
    const t1 = performance.now();
    const at = await started;
    const fin = await waitFinished(task.task_uuid);
    if (i >= 20) { // warm-up excluded
      lat.push(at - t0);
      createMs.push(t1 - t0);
      e2e1.push(fin.at - t0);
    }
  }
  onHandlerStart = null;

  const workflow = async (name: string, count: number) => {
    const times: number[] = [];
    for (let i = 0; i < count + 5; i++) {
      const t0 = performance.now();
      const task = await t.createTask({ namespace: 'bench', name, context: {} });
      const fin = await waitFinished(task.task_uuid);
      if (fin.state !== 'complete') throw new Error(`${name} ended ${fin.state}`);
      if (i >= 5) times.push(fin.at - t0);
    }
    return summary(times);
  };
  const chain = await workflow('bench_chain', runs);
  const diamond = await workflow('bench_diamond', runs);
  await t.stop();
  result({ first_handler_start: summary(lat), create_call: summary(createMs), single_e2e: summary(e2e1), chain4: chain, diamond });
}

async function csv(): Promise<void> {
  const t = await makeTasker({ orchestrator: true, worker: true }, { templatePaths: ['examples/templates'], handlerPaths: ['examples/handlers'] });
  const waitFinished = finishTracker(t);
  const runs = opts.runs ?? 5;
  const times: number[] = [];
  let status = 'ok';
  let detail = '';
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const task = await t.createTask({ namespace: 'csv_processing', name: 'csv_processing', context: { csv_file_path: 'examples/data/products.csv' }, idempotency_key: `bench-${Date.now()}-${i}` });
    let fin: { at: number; state: string };
    try {
      fin = await waitFinished(task.task_uuid, opts.timeoutMs ?? 15_000);
    } catch {
      const view = await t.getTask(task.task_uuid);
      status = 'skipped: batches not available';
      detail = `task did not complete within ${opts.timeoutMs ?? 15_000} ms (state ${view.state}, ${view.step_counts.complete}/${view.step_counts.total} steps complete)`;
      break;
    }
    if (fin.state !== 'complete') {
      const steps = await t.getTaskSteps(task.task_uuid);
      status = 'skipped: batches not available';
      detail = `task ended ${fin.state}: ${steps.filter((s) => s.state === 'error').map((s) => `${s.name}: ${JSON.stringify((s.results as { error_message?: string } | null)?.error_message ?? null)}`).join('; ').slice(0, 300)}`;
      break;
    }
    if (i >= 1) times.push(fin.at - t0);
    if (i === 0) {
      const steps = await t.getTaskSteps(task.task_uuid);
      const workers = steps.filter((s) => s.name.startsWith('process_csv_batch')).length;
      detail = `${steps.length} steps (${workers} batch workers)`;
      if (workers === 0) {
        // the task "completes" after its batchable step alone: no batch workers were created
        status = 'skipped: batches not available';
        detail = `the task completed with ${steps.length} step(s) [${steps.map((s) => `${s.name}=${s.state}`).join(', ')}] and no batch workers were created`;
        break;
      }
    }
  }
  await t.stop();
  result({ status, detail, e2e: times.length ? summary(times) : null });
}

/** Statements and round trips of sequential workflows (createTask included), per workflow run. */
async function chainProfile(): Promise<void> {
  const t = await makeTasker({ orchestrator: true, worker: true }, { profile: true });
  const waitFinished = finishTracker(t);
  const out: Record<string, unknown> = {};
  for (const name of ['bench_single', 'bench_chain']) {
    for (let i = 0; i < 5; i++) await waitFinished((await t.createTask({ namespace: 'bench', name, context: {} })).task_uuid);
    statements.clear();
    transactions = 0;
    const runs = opts.runs ?? 50;
    for (let i = 0; i < runs; i++) await waitFinished((await t.createTask({ namespace: 'bench', name, context: {} })).task_uuid);
    const calls = [...statements.values()].reduce((a, x) => a + x.calls, 0);
    out[name] = {
      runs,
      statements_per_run: Math.round((calls / runs) * 100) / 100,
      round_trips_per_run: Math.round(((calls + 2 * transactions) / runs) * 100) / 100,
      transactions_per_run: Math.round((transactions / runs) * 100) / 100,
      statements: [...statements.entries()].map(([sql, x]) => ({ sql: sql.slice(0, 90), per_run: Math.round((x.calls / runs) * 100) / 100, ms_per_call: Math.round((x.ms / x.calls) * 100) / 100 })).sort((a, b) => b.per_run - a.per_run),
    };
  }
  await t.stop();
  result(out);
}

async function idle(): Promise<void> {
  const t = await makeTasker({ orchestrator: true, worker: true }, { profile: true });
  process.stdout.write('READY\n');
  await sleep((opts.seconds ?? 10) * 1000 + 60_000); // the parent kills us earlier
  await t.stop();
}

// the parent asks for the client-side statement counts of an idle run with SIGUSR2
process.on('SIGUSR2', () => {
  let calls = 0;
  for (const s of statements.values()) calls += s.calls;
  result({ client_statements: calls, transactions, statements: [...statements.entries()].map(([sql, s]) => ({ sql, calls: s.calls })) });
});

const modes: Record<string, () => Promise<void>> = { create, bulk, drain, latency, csv, idle, 'chain-profile': chainProfile };
if (!modes[mode]) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
await modes[mode]();
process.exit(0);
