#!/usr/bin/env node
// tasker benchmark suite: `node bench/run.mjs [--quick] [--only=raw,throughput,bulk,latency,csv,idle,profile] [--no-write]`
// (or `cd bench && npm install && npm run bench`). Measures tasker, graphile-worker and pg-boss against
// one local PostgreSQL, a fresh database per measurement, and appends a dated entry to bench/RESULTS.md.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const noWrite = args.includes('--no-write');
const only = (args.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? null);
const want = (phase) => !only || only.includes(phase);
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const P = quick
  ? { n: 2000, samples: 200, runs: 50, idleSeconds: 10, pgbenchSeconds: 5, profileN: 2000, csvRuns: 3 }
  : { n: 20000, samples: 1000, runs: 200, idleSeconds: 30, pgbenchSeconds: 15, profileN: 5000, csvRuns: 10 };
const C = 10;

const peerNode = [join(benchDir, 'node_modules/node/bin/node'), join(benchDir, 'node_modules/.bin/node')].find(existsSync);
if (!peerNode) throw new Error('no Node >= 22 for the peers: run `cd bench && npm install` (installs npm\'s node@24 package)');

const log = (...m) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x, d = 1) => (x == null || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

function urlFor(db) {
  const u = new URL(BASE_URL);
  u.pathname = `/${db}`;
  return u.toString();
}
const admin = new pg.Client({ connectionString: BASE_URL });
await admin.connect();
const runId = `${Date.now().toString(36)}`;
let dbCounter = 0;
async function freshDb(label) {
  const name = `bench_${runId}_${++dbCounter}_${label.replace(/[^a-z0-9]/g, '_')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  return { name, url: urlFor(name) };
}
async function dropDb(db) {
  await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`).catch((e) => log('drop failed', db.name, e.message));
}
async function dbStats(name) {
  const { rows } = await admin.query(
    `SELECT xact_commit + xact_rollback AS xacts, tup_inserted, tup_updated, tup_deleted, tup_fetched, deadlocks, blks_hit, blks_read
     FROM pg_stat_database WHERE datname = $1`, [name]);
  const wal = (await admin.query(`SELECT wal_records, wal_bytes FROM pg_stat_wal`).catch(() => ({ rows: [{}] }))).rows[0];
  return { ...Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)])), wal_records: Number(wal.wal_records ?? 0), wal_bytes: Number(wal.wal_bytes ?? 0) };
}
const diff = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));

/** Runs a child; resolves with its RESULT JSON, the peak VmHWM sampled from /proc/<pid>/status, stderr tail. */
function runChild(cmd, argv, { onSpawn, timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let peakKb = 0;
    const results = [];
    const readyWaiters = [];
    const resultWaiters = [];
    child.stdout.on('data', (d) => {
      out += d;
      let i;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        if (line.startsWith('RESULT:')) {
          const r = JSON.parse(line.slice(7));
          results.push(r);
          resultWaiters.splice(0).forEach((w) => w(r));
        } else if (line === 'READY') readyWaiters.splice(0).forEach((w) => w());
      }
    });
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exited */ }
    }, 100);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const handle = {
      child,
      ready: () => new Promise((r) => readyWaiters.push(r)),
      nextResult: () => new Promise((r) => resultWaiters.push(r)),
      peakKb: () => peakKb,
    };
    onSpawn?.(handle);
    child.on('exit', (code, signal) => {
      clearInterval(sample);
      clearTimeout(timer);
      const last = results[results.length - 1];
      if (!last && signal !== 'SIGTERM') reject(new Error(`${argv.join(' ').slice(0, 120)} exited ${code ?? signal} without a result:\n${err}`));
      else resolvePromise({ result: last, results, peakKb, stderr: err });
    });
  });
}
// tasker runs as compiled JavaScript, as an installed package does (dist/ is esbuild output too): the child and
// tasker's sources are bundled once per run (dependencies stay external). Loading the TypeScript through tsx
// instead costs ~35 MB of RSS before the first task. The csv mode discovers the examples' .ts handlers at run
// time, so it keeps the tsx loader (`BENCH_TSX=1` forces it for every mode).
// (written inside the repository so that its bare imports resolve from node_modules; bench/.build is ignored by git)
const compiledChild = join(repoRoot, 'bench', '.build', 'tasker-child.mjs');
execFileSync(join(repoRoot, 'node_modules', '.bin', 'esbuild'), ['bench/tasker-child.ts', '--bundle', '--platform=node',
  '--format=esm', '--packages=external', '--target=node20', `--outfile=${compiledChild}`, '--log-level=warning'], { cwd: repoRoot });
const tasker = (mode, o, extra) => runChild(process.execPath,
  mode === 'csv' || process.env.BENCH_TSX ? ['bin/run-ts.mjs', 'bench/tasker-child.ts', mode, JSON.stringify(o)] : [compiledChild, mode, JSON.stringify(o)], extra);
const peer = (name, mode, o, extra) => runChild(peerNode, ['bench/peer-child.mjs', name, mode, JSON.stringify(o)], extra);

const R = { started: new Date().toISOString(), mode: quick ? 'quick' : 'full', params: { ...P, concurrency: C } };
const t0 = Date.now();
const load0 = loadavg();

// ── facts ───────────────────────────────────────────────────────────────────────────────────────
const pkgVersion = (p) => { try { return JSON.parse(readFileSync(join(benchDir, 'node_modules', p, 'package.json'), 'utf8')).version; } catch { return 'not installed'; } };
const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version;
const pgSettings = Object.fromEntries((await admin.query(`SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers','synchronous_commit','fsync','max_connections','wal_level','shared_preload_libraries')`)).rows.map((r) => [r.name, r.setting]));
const hasPgss = /pg_stat_statements/.test(pgSettings.shared_preload_libraries ?? '');
let commit = '';
try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot }).toString().trim(); } catch { /* not a checkout */ }
R.facts = {
  cpus: cpus().length, cpu_model: cpus()[0]?.model, ram_gb: round(totalmem() / 2 ** 30, 1), pg: pgVersion, pg_settings: pgSettings,
  node_tasker: process.version, node_peers: execFileSync(peerNode, ['-v']).toString().trim(),
  graphile_worker: pkgVersion('graphile-worker'), pg_boss: pkgVersion('pg-boss'), pgbench: execFileSync('pgbench', ['--version']).toString().trim(),
  tasker_commit: commit, pg_stat_statements: hasPgss,
};
log('facts', JSON.stringify(R.facts));

// ── 1. raw limit ────────────────────────────────────────────────────────────────────────────────
if (want('raw')) {
  log('raw limit (pgbench)');
  const db = await freshDb('raw');
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query(`CREATE TABLE job (id bigserial PRIMARY KEY, queue text NOT NULL, payload jsonb NOT NULL, state text NOT NULL, locked_by text, locked_at timestamptz, created_at timestamptz NOT NULL DEFAULT now())`);
  await c.end();
  const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
  const script = join(dir, 'job.sql');
  writeFileSync(script, readFileSync(join(benchDir, 'fixtures/raw-job.sql')));
  const out = execFileSync('pgbench', ['-n', '-M', 'prepared', '-c', '8', '-j', '2', '-T', String(P.pgbenchSeconds), '-f', script, db.url], { encoding: 'utf8' });
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1]);
  const lat = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  R.raw = { jobs_per_s: round(tps, 0), latency_avg_ms: lat, clients: 8, seconds: P.pgbenchSeconds };
  log('raw', R.raw);
  await dropDb(db);
}

// ── 2. + 6. single-step throughput and memory ───────────────────────────────────────────────────
if (want('throughput')) {
  R.throughput = {};
  // tasker with its defaults (10 handlers, claim batch 10) and with its batching knobs turned up
  const variants = [
    ['tasker', { maxHandlers: 10, claimBatch: 10, resultBatch: 50 }],
    ['tasker-batched', { maxHandlers: 50, claimBatch: 50, resultBatch: 200 }],
  ];
  for (const [label, knobs] of variants) {
    log(`${label}: creating ${P.n} single-step tasks`);
    const db = await freshDb(label.replace('-', '_') + '_tp');
    const created = await tasker('create', { url: db.url, n: P.n, concurrency: 10 });
    log(`${label} created`, created.result);
    const before = await dbStats(db.name);
    const drained = await tasker('drain', { url: db.url, n: P.n, ...knobs });
    const after = await dbStats(db.name);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query(`SELECT extract(epoch FROM (SELECT max(completed_at) FROM tasker.tasks) - (SELECT min(created_at) FROM tasker.workflow_step_transitions WHERE to_state = 'in_progress')) * 1000 AS ms,
      (SELECT count(*) FROM tasker.tasks WHERE state = 'complete') AS complete`);
    await c.end();
    const ms = Number(rows[0].ms);
    const d = diff(before, after);
    R.throughput[label] = {
      n: P.n, complete: Number(rows[0].complete), ms: round(ms, 0), per_s: round(P.n / (ms / 1000), 0), create_per_s: round(created.result.per_s, 0),
      peak_rss_mb: round(Math.max(drained.peakKb, drained.result.vm_hwm_kb) / 1024, 1), server_xacts_per_step: round(d.xacts / P.n, 2),
      wal_bytes_per_step: round(d.wal_bytes / P.n, 0),
      settings: { max_concurrent_handlers: knobs.maxHandlers, claim_batch_size: knobs.claimBatch, result_batch_size: knobs.resultBatch, pool_max: 10, notify: true },
    };
    log(label, R.throughput[label]);
    await dropDb(db);
  }
  for (const name of ['graphile', 'graphile-batched', 'pgboss']) {
    log(`${name}: ${P.n} jobs`);
    const db = await freshDb(name);
    const r = await peer(name, 'drain', { url: db.url, n: P.n });
    R.throughput[name] = { n: P.n, ms: round(r.result.ms, 0), per_s: round(r.result.per_s, 0), peak_rss_mb: round(Math.max(r.peakKb, r.result.vm_hwm_kb) / 1024, 1), client_queries_per_job: round(r.result.client_queries / P.n, 2), settings: r.result.settings };
    log(name, R.throughput[name]);
    await dropDb(db);
  }
  const tp = R.throughput;
  R.ratios = {
    'tasker/graphile-worker (defaults)': round(tp.tasker.per_s / tp.graphile.per_s, 2),
    'tasker/graphile-worker (batched)': round(tp.tasker.per_s / tp['graphile-batched'].per_s, 2),
    'tasker batched/graphile-worker (batched)': round(tp['tasker-batched'].per_s / tp['graphile-batched'].per_s, 2),
    'tasker/pg-boss': round(tp.tasker.per_s / tp.pgboss.per_s, 2),
    ...(R.raw ? { 'tasker/raw': round(tp.tasker.per_s / R.raw.jobs_per_s, 2), 'graphile-worker/raw': round(tp.graphile.per_s / R.raw.jobs_per_s, 2), 'graphile-worker batched/raw': round(tp['graphile-batched'].per_s / R.raw.jobs_per_s, 2), 'pg-boss/raw': round(tp.pgboss.per_s / R.raw.jobs_per_s, 2) } : {}),
  };
}

// ── 7. bulk creation: tasker createTasks (and the createTask loop) vs graphile-worker addJobs ──────
if (want('bulk')) {
  log(`bulk creation: ${P.n} tasks/jobs`);
  const db = await freshDb('tasker_bulk');
  const r = await tasker('bulk', { url: db.url, n: P.n, batch: 1000, concurrency: 10 });
  await dropDb(db);
  const gdb = await freshDb('graphile_bulk');
  const g = await peer('graphile', 'bulk', { url: gdb.url, n: P.n });
  await dropDb(gdb);
  R.bulk = {
    n: P.n, batch: 1000,
    tasker_create_tasks_per_s: round(r.result.per_s, 0), tasker_create_task_loop_per_s: round(r.result.loop?.per_s, 0),
    graphile_add_jobs_per_s: round(g.result.per_s, 0),
    ratio: round(r.result.per_s / g.result.per_s, 2),
  };
  log('bulk', R.bulk);
}

// ── 3. + 4. latency, chain, diamond ─────────────────────────────────────────────────────────────
if (want('latency')) {
  log(`latency: ${P.samples} samples, chain/diamond ${P.runs} runs`);
  const db = await freshDb('tasker_lat');
  const r = await tasker('latency', { url: db.url, samples: P.samples, runs: P.runs });
  await dropDb(db);
  R.latency = { tasker: r.result.first_handler_start, tasker_create_call: r.result.create_call, tasker_single_e2e: r.result.single_e2e };
  R.chain = {
    chain4: r.result.chain4, diamond: r.result.diamond,
    per_step_ms_p50: round(r.result.chain4.p50 / 4, 2),
    marginal_step_ms_p50: round((r.result.chain4.p50 - r.result.single_e2e.p50) / 3, 2),
  };
  for (const name of ['graphile', 'pgboss']) {
    const pdb = await freshDb(`${name}_lat`);
    const pr = await peer(name, 'latency', { url: pdb.url, samples: P.samples });
    R.latency[name] = { ...pr.result.first_handler_start, settings: pr.result.settings };
    await dropDb(pdb);
  }
  log('latency', JSON.stringify(R.latency), JSON.stringify(R.chain));
}

if (want('csv')) {
  log('csv batch workflow');
  const db = await freshDb('tasker_csv');
  const r = await tasker('csv', { url: db.url, runs: P.csvRuns, timeoutMs: 15_000 });
  await dropDb(db);
  R.csv = r.result;
  log('csv', R.csv);
}

// ── 5. idle cost (all three at once, each in its own database) ─────────────────────────────────
if (want('idle')) {
  log(`idle: ${P.idleSeconds} s`);
  const entries = [['tasker', (o, x) => tasker('idle', o, x)], ['graphile', (o, x) => peer('graphile', 'idle', o, x)], ['pgboss', (o, x) => peer('pgboss', 'idle', o, x)]];
  const runs = [];
  for (const [name, start] of entries) {
    const db = await freshDb(`${name}_idle`);
    let handle;
    const done = start({ url: db.url, seconds: P.idleSeconds }, { onSpawn: (h) => (handle = h) });
    await handle.ready();
    runs.push({ name, db, handle, done });
  }
  await sleep(3000); // let start-up work settle and stats flush
  const first = await Promise.all(runs.map(async (r) => {
    const p = r.handle.nextResult();
    r.handle.child.kill('SIGUSR2');
    return { client: await p, server: await dbStats(r.db.name) };
  }));
  await sleep(P.idleSeconds * 1000);
  const last = await Promise.all(runs.map(async (r) => {
    const p = r.handle.nextResult();
    r.handle.child.kill('SIGUSR2');
    return { client: await p, server: await dbStats(r.db.name) };
  }));
  R.idle = {};
  runs.forEach((r, i) => {
    const a = first[i], b = last[i];
    const rt = (x) => x.client_statements + 2 * (x.transactions ?? 0);
    R.idle[r.name] = {
      seconds: P.idleSeconds,
      server_xacts_per_s: round((b.server.xacts - a.server.xacts) / P.idleSeconds, 2),
      client_round_trips_per_s: round((rt(b.client) - rt(a.client)) / P.idleSeconds, 2),
      ...(b.client.statements ? { statements: b.client.statements.map((s) => ({ sql: s.sql.slice(0, 60), calls: s.calls - (a.client.statements.find((x) => x.sql === s.sql)?.calls ?? 0) })).filter((s) => s.calls > 0) } : {}),
    };
  });
  for (const r of runs) {
    r.handle.child.kill('SIGTERM');
    await r.done.catch(() => {});
    await dropDb(r.db);
  }
  log('idle', JSON.stringify(R.idle));
}

// ── profile: statements and round trips per step, lock waits, table churn ─────────────────────
if (want('profile')) {
  const n = P.profileN;
  log(`profile: tasker drain of ${n} tasks with statement counting`);
  const db = await freshDb('tasker_prof');
  await tasker('create', { url: db.url, n, concurrency: 10 });
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const tableStats = async () => Object.fromEntries((await c.query(`SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, seq_scan, idx_scan FROM pg_stat_user_tables WHERE schemaname = 'tasker'`)).rows.map((r) => [r.relname, r]));
  await sleep(1000);
  const before = await dbStats(db.name);
  const tBefore = await tableStats();
  let samples = 0, lockSamples = 0, lockWaiters = 0;
  const waitEvents = {};
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await admin.query(`SELECT wait_event_type, wait_event, state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'tasker%'`, [db.name]);
      samples++;
      const locks = rows.filter((r) => r.wait_event_type === 'Lock');
      if (locks.length) lockSamples++;
      lockWaiters += locks.length;
      for (const r of rows) if (r.state === 'active' && r.wait_event_type) { const k = `${r.wait_event_type}:${r.wait_event}`; waitEvents[k] = (waitEvents[k] ?? 0) + 1; }
      await sleep(20);
    }
  })();
  const r = await tasker('drain', { url: db.url, n, profile: true });
  sampling = false;
  await sampler;
  await sleep(1200); // stats flush
  const after = await dbStats(db.name);
  const tAfter = await tableStats();
  await c.end();
  await dropDb(db);
  const prof = r.result.profile;
  const calls = prof.statements.reduce((s, x) => s + x.calls, 0);
  const d = diff(before, after);
  R.profile = {
    n,
    drain_wall_ms: round(r.result.drain_wall_ms, 0),
    statements_per_step: round(calls / n, 2),
    round_trips_per_step: round((calls + 2 * prof.transactions) / n, 2),
    transactions: prof.transactions,
    server_xacts_per_step: round(d.xacts / n, 2),
    wal_bytes_per_step: round(d.wal_bytes / n, 0),
    rows_per_step: { inserted: round(d.tup_inserted / n, 2), updated: round(d.tup_updated / n, 2), deleted: round(d.tup_deleted / n, 2) },
    tables: Object.fromEntries(Object.keys(tAfter).map((t) => [t, Object.fromEntries(['n_tup_ins', 'n_tup_upd', 'n_tup_hot_upd', 'n_tup_del', 'seq_scan', 'idx_scan'].map((k) => [k, Number(tAfter[t][k]) - Number(tBefore[t]?.[k] ?? 0)]))])),
    lock_waits: { samples, samples_with_lock_waiters: lockSamples, mean_lock_waiters: round(lockWaiters / Math.max(1, samples), 3), active_wait_events: waitEvents },
    deadlocks: d.deadlocks,
    statements: prof.statements.map((s) => ({ sql: s.sql.slice(0, 90), calls: s.calls, per_step: round(s.calls / n, 3), total_ms: s.ms, rows: s.rows })),
  };
  log('profile', JSON.stringify({ ...R.profile, statements: undefined, tables: undefined }));

  log('profile: statements per sequential 1-step task and 4-step chain');
  const cdb = await freshDb('tasker_chainprof');
  const cp = await tasker('chain-profile', { url: cdb.url, runs: quick ? 30 : 100 });
  await dropDb(cdb);
  R.profile.sequential = cp.result;
}

R.duration_s = round((Date.now() - t0) / 1000, 0);
R.load = { before: load0.map((x) => round(x, 2)), after: loadavg().map((x) => round(x, 2)) };
await admin.end();

// ── report ──────────────────────────────────────────────────────────────────────────────────────
const md = renderMarkdown(R);
process.stdout.write(md);
if (!noWrite) {
  appendFileSync(join(benchDir, 'RESULTS.md'), md);
  writeFileSync(join(tmpdir(), `tasker-bench-${runId}.json`), JSON.stringify(R, null, 2));
  log(`appended to bench/RESULTS.md (raw JSON: ${join(tmpdir(), `tasker-bench-${runId}.json`)})`);
}

function renderMarkdown(r) {
  const L = [];
  const f = r.facts;
  L.push(`\n## ${r.started.slice(0, 16).replace('T', ' ')} UTC — ${r.mode} run (${r.duration_s} s)\n`);
  L.push(`Machine: ${f.cpus} cores (${f.cpu_model}), ${f.ram_gb} GB RAM; PostgreSQL ${f.pg} (synchronous_commit=${f.pg_settings.synchronous_commit}, shared_buffers=${f.pg_settings.shared_buffers}×8kB, pg_stat_statements ${f.pg_stat_statements ? 'on' : 'not preloaded'}); ` +
    `tasker on Node ${f.node_tasker} (tsx), peers on Node ${f.node_peers}; graphile-worker ${f.graphile_worker}, pg-boss ${f.pg_boss}; ${f.pgbench}; tasker commit ${f.tasker_commit}. ` +
    `Load average before/after: ${r.load.before.join(' ')} / ${r.load.after.join(' ')} (the box is shared with other sessions).\n`);
  L.push(`Parameters: N=${r.params.n}, concurrency ${r.params.concurrency}, latency samples ${r.params.samples}, chain runs ${r.params.runs}, idle window ${r.params.idleSeconds} s.\n`);
  if (r.raw) L.push(`**1. Raw limit** (pgbench, BEGIN; INSERT job; UPDATE claim; DELETE; END, 8 clients, ${r.raw.seconds} s): **${r.raw.jobs_per_s} jobs/s** (avg latency ${r.raw.latency_avg_ms} ms).\n`);
  if (r.throughput) {
    const t = r.throughput;
    L.push(`**2. Single-step throughput** (N=${r.params.n} pre-created no-op jobs, concurrency ${r.params.concurrency}):\n`);
    L.push('| system | settings | jobs/s | drain ms | peak RSS MB | extra |');
    L.push('|---|---|---:|---:|---:|---|');
    for (const label of ['tasker', 'tasker-batched']) {
      const x = t[label];
      if (!x) continue;
      L.push(`| ${label} | max_concurrent_handlers ${x.settings.max_concurrent_handlers}, claim_batch_size ${x.settings.claim_batch_size}, result_batch_size ${x.settings.result_batch_size}, pool 10, notify | **${x.per_s}** | ${x.ms} | ${x.peak_rss_mb} | ${x.server_xacts_per_step} server xacts/step, ${x.wal_bytes_per_step} WAL B/step (cluster-wide); creation ${x.create_per_s} tasks/s |`);
    }
    L.push(`| graphile-worker | concurrency 10, defaults | **${t.graphile.per_s}** | ${t.graphile.ms} | ${t.graphile.peak_rss_mb} | ${t.graphile.client_queries_per_job} queries/job |`);
    L.push(`| graphile-worker | concurrency 10, localQueue.size 500, completeJobBatchDelay 0, failJobBatchDelay 0 | **${t['graphile-batched'].per_s}** | ${t['graphile-batched'].ms} | ${t['graphile-batched'].peak_rss_mb} | ${t['graphile-batched'].client_queries_per_job} queries/job |`);
    L.push(`| pg-boss | useListenNotify, queue notify, work batchSize 50, localConcurrency 10, burstWhenBatchFull, polling 0.5 s | **${t.pgboss.per_s}** | ${t.pgboss.ms} | ${t.pgboss.peak_rss_mb} | ${t.pgboss.client_queries_per_job} queries/job |`);
    L.push('');
    L.push(`Ratios: ${Object.entries(r.ratios).map(([k, v]) => `${k} **${v}**`).join('; ')}.\n`);
    L.push(`tasker is timed from the first claim (first \`in_progress\` transition) to the last task's \`completed_at\` (database clock); peers from the first handler start to the moment a poller sees no job left. **6. Memory:** tasker worker process (orchestrator + worker, one process) peak RSS (VmHWM) ${t.tasker.peak_rss_mb} MB while draining ${r.params.n} tasks.\n`);
  }
  if (r.bulk) {
    const b = r.bulk;
    L.push(`**7. Bulk creation of ${b.n}** single-step tasks / no-op jobs, batches of ${b.batch}: tasker \`createTasks\` **${b.tasker_create_tasks_per_s} tasks/s** (a loop of \`createTask\`, concurrency 10: ${b.tasker_create_task_loop_per_s}); graphile-worker \`addJobs\` **${b.graphile_add_jobs_per_s} jobs/s**; ratio **${b.ratio}×**.\n`);
  }
  const lrow = (name, x) => `| ${name} | ${x.p50} | ${x.p95} | ${x.p99} | ${x.n} |`;
  if (r.latency) {
    L.push(`**3. Latency**, creation → handler start, sequential (ms):\n`);
    L.push('| system | p50 | p95 | p99 | samples |');
    L.push('|---|---:|---:|---:|---:|');
    L.push(lrow('tasker (createTask → handler start)', r.latency.tasker));
    L.push(lrow('graphile-worker (addJob → task start, defaults)', r.latency.graphile));
    L.push(lrow('pg-boss (send → work start, LISTEN/NOTIFY on, batchSize 1)', r.latency.pgboss));
    L.push(lrow('tasker createTask call alone', r.latency.tasker_create_call));
    L.push(lrow('tasker 1-step task end to end', r.latency.tasker_single_e2e));
    L.push('');
  }
  if (r.chain) {
    L.push(`**4. Workflows** end to end, createTask → task complete (ms):\n`);
    L.push('| workflow | p50 | p95 | p99 | runs |');
    L.push('|---|---:|---:|---:|---:|');
    L.push(lrow('4-step linear chain', r.chain.chain4));
    L.push(lrow('diamond (start → 2 branches → end)', r.chain.diamond));
    L.push('');
    L.push(`Per step (chain p50 / 4): **${r.chain.per_step_ms_p50} ms**; marginal step ((chain4 p50 − 1-step p50) / 3): **${r.chain.marginal_step_ms_p50} ms**.\n`);
  }
  if (r.csv) L.push(`**CSV batch workflow** (examples/templates/csv_processing.yaml, 1,000 rows, 5 batch workers): ${r.csv.status === 'ok' ? `p50 **${r.csv.e2e.p50} ms**, p95 ${r.csv.e2e.p95} ms over ${r.csv.e2e.n} runs (${r.csv.detail})` : `**${r.csv.status}** — ${r.csv.detail}`}.\n`);
  if (r.idle) {
    L.push(`**5. Idle cost** over ${r.params.idleSeconds} s (server: xact_commit+xact_rollback delta of the process's own database; client: statements sent, tasker counting BEGIN/COMMIT as round trips):\n`);
    L.push('| system | server xacts/s | client round trips/s |');
    L.push('|---|---:|---:|');
    for (const [k, v] of Object.entries(r.idle)) L.push(`| ${k} | ${v.server_xacts_per_s} | ${v.client_round_trips_per_s} |`);
    L.push('');
    if (r.idle.tasker?.statements?.length) L.push(`tasker idle statements: ${r.idle.tasker.statements.map((s) => `\`${s.sql}…\` ×${s.calls}`).join(', ')}.\n`);
  }
  if (r.profile) {
    const p = r.profile;
    L.push(`**Profile** (tasker drain of ${p.n} single-step tasks, statements counted client side): ${p.statements_per_step} statements/step, **${p.round_trips_per_step} round trips/step** (${p.transactions} transactions), ${p.server_xacts_per_step} server xacts/step, ${p.wal_bytes_per_step} WAL bytes/step (cluster-wide), rows/step inserted ${p.rows_per_step.inserted} / updated ${p.rows_per_step.updated} / deleted ${p.rows_per_step.deleted}; lock waits: ${p.lock_waits.samples_with_lock_waiters} of ${p.lock_waits.samples} activity samples had a backend waiting on a lock (mean ${p.lock_waits.mean_lock_waiters} waiters); deadlocks ${p.deadlocks}.\n`);
    L.push('| statement | calls | per step | total ms | rows |');
    L.push('|---|---:|---:|---:|---:|');
    for (const s of p.statements.filter((x) => x.calls >= 3)) L.push(`| \`${s.sql.replace(/\|/g, '\\|')}\` | ${s.calls} | ${s.per_step} | ${s.total_ms} | ${s.rows} |`);
    L.push('');
    L.push(`Active wait events (samples): ${Object.entries(p.lock_waits.active_wait_events).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.\n`);
    for (const [name, x] of Object.entries(p.sequential ?? {})) {
      L.push(`Sequential \`${name}\` (createTask → finished, ${x.runs} runs): **${x.round_trips_per_run} round trips per task** (${x.statements_per_run} statements, ${x.transactions_per_run} transactions): ${x.statements.map((s) => `\`${s.sql.slice(0, 48)}…\` ×${s.per_run} (${s.ms_per_call} ms)`).join(', ')}.\n`);
    }
    L.push(`Table churn during the drain: ${Object.entries(p.tables).filter(([, v]) => v.n_tup_ins + v.n_tup_upd + v.n_tup_del > 0).map(([t, v]) => `${t} ins ${v.n_tup_ins} upd ${v.n_tup_upd} (hot ${v.n_tup_hot_upd}) del ${v.n_tup_del}`).join('; ')}.\n`);
  }
  return L.join('\n') + '\n';
}
