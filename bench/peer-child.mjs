// The peer side of the bench (graphile-worker, pg-boss), run on Node >= 22 (npm's node@24 package):
//   bench/node_modules/.bin/node bench/peer-child.mjs <peer> <mode> '<json options>'
// peer: graphile | graphile-batched | pgboss ; mode: drain | latency | idle.
// Prints one JSON line prefixed with RESULT: on stdout.
import { readFileSync } from 'node:fs';
import pg from 'pg';

// Count every query the peer sends (client side), before the peer library loads.
let clientQueries = 0;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  clientQueries++;
  return originalQuery.apply(this, args);
};

const [peer, mode, json] = process.argv.slice(2);
const opts = JSON.parse(json ?? '{}');
const result = (value) => process.stdout.write(`RESULT:${JSON.stringify(value)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const vmHwmKb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
const silentLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, scope: () => silentLogger };

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  const p = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((q / 100) * s.length) - 1))];
  const r = (x) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: r(p(50)), p95: r(p(95)), p99: r(p(99)), min: r(s[0]), max: r(s[s.length - 1]) };
}

/** Polls `countSql` on its own connection until it returns 0; resolves with performance.now() then. */
async function waitEmpty(countSql, intervalMs = 20) {
  const c = new pg.Client({ connectionString: opts.url });
  await c.connect();
  try {
    for (;;) {
      const { rows } = await originalQuery.call(c, countSql);
      if (Number(rows[0].n) === 0) return performance.now();
      await sleep(intervalMs);
    }
  } finally {
    await c.end();
  }
}

// graphile-worker's batching options (https://worker.graphile.org/docs/performance#batching)
const GRAPHILE_BATCHED = { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 };

async function graphile() {
  const gw = await import('graphile-worker');
  const batched = peer === 'graphile-batched';
  const settings = { concurrency: 10, pollInterval: 2000, ...(batched ? { preset: { worker: GRAPHILE_BATCHED } } : {}) };
  await gw.runMigrations({ connectionString: opts.url, logger: new gw.Logger(() => () => {}) });
  const logger = new gw.Logger(() => () => {});
  let first = null;
  let onStart = null;
  const taskList = {
    noop: async () => {
      const now = performance.now();
      first ??= now;
      onStart?.(now);
    },
  };
  if (mode === 'drain') {
    const utils = await gw.makeWorkerUtils({ connectionString: opts.url, logger });
    for (let i = 0; i < opts.n; i += 1000) {
      await utils.addJobs(Array.from({ length: Math.min(1000, opts.n - i) }, () => ({ identifier: 'noop', payload: {} })));
    }
    await utils.release();
    const q0 = clientQueries;
    const runner = await gw.run({ connectionString: opts.url, noHandleSignals: true, logger, taskList, ...settings });
    const end = await waitEmpty('select count(*) as n from graphile_worker._private_jobs');
    const hwm = vmHwmKb();
    const queries = clientQueries - q0;
    await runner.stop();
    result({ n: opts.n, ms: end - first, per_s: opts.n / ((end - first) / 1000), vm_hwm_kb: hwm, client_queries: queries, settings });
  } else if (mode === 'bulk') {
    // bulk creation: addJobs in batches of 1,000, as the drain pre-creates its jobs
    const utils = await gw.makeWorkerUtils({ connectionString: opts.url, logger });
    await utils.addJobs([{ identifier: 'noop', payload: {} }]); // warm-up: connection and prepared statement
    const t0 = performance.now();
    for (let i = 0; i < opts.n; i += 1000) {
      await utils.addJobs(Array.from({ length: Math.min(1000, opts.n - i) }, () => ({ identifier: 'noop', payload: {} })));
    }
    const ms = performance.now() - t0;
    await utils.release();
    result({ n: opts.n, batch: 1000, ms, per_s: opts.n / (ms / 1000) });
  } else if (mode === 'latency') {
    const runner = await gw.run({ connectionString: opts.url, noHandleSignals: true, logger, taskList, ...settings });
    const lat = [];
    for (let i = 0; i < opts.samples + 20; i++) {
      const started = new Promise((r) => (onStart = r));
      const t0 = performance.now();
      await runner.addJob('noop', {});
      const at = await started;
      await sleep(1); // let the completion land before the next sample
      if (i >= 20) lat.push(at - t0);
    }
    await runner.stop();
    result({ first_handler_start: summary(lat), settings });
  } else if (mode === 'idle') {
    const runner = await gw.run({ connectionString: opts.url, noHandleSignals: true, logger, taskList, ...settings });
    idleLoop(() => runner.stop(), settings);
  }
}

async function pgboss() {
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: opts.url, useListenNotify: true, max: 10 });
  boss.on('error', (e) => process.stderr.write(`pg-boss error: ${e.message}\n`));
  await boss.start();
  await boss.createQueue('bench', { notify: true });
  const workDrain = { batchSize: 50, localConcurrency: 10, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 };
  const workLatency = { batchSize: 1, localConcurrency: 10 };
  const settings = { constructor: { useListenNotify: true, max: 10 }, queue: { notify: true }, work: mode === 'drain' ? workDrain : workLatency };
  if (mode === 'drain') {
    for (let i = 0; i < opts.n; i += 1000) {
      await boss.insert('bench', Array.from({ length: Math.min(1000, opts.n - i) }, () => ({ data: {} })));
    }
    let first = null;
    const q0 = clientQueries;
    await boss.work('bench', workDrain, async () => {
      first ??= performance.now();
    });
    const end = await waitEmpty(`select count(*) as n from pgboss.job where name = 'bench' and state <> 'completed'`, 25);
    const hwm = vmHwmKb();
    const queries = clientQueries - q0;
    await boss.stop({ graceful: false, close: true, wait: true });
    result({ n: opts.n, ms: end - first, per_s: opts.n / ((end - first) / 1000), vm_hwm_kb: hwm, client_queries: queries, settings });
  } else if (mode === 'latency') {
    let onStart = null;
    await boss.work('bench', workLatency, async () => onStart?.(performance.now()));
    await sleep(500);
    const lat = [];
    for (let i = 0; i < opts.samples + 20; i++) {
      const started = new Promise((r) => (onStart = r));
      const t0 = performance.now();
      await boss.send('bench', {});
      const at = await started;
      await sleep(1);
      if (i >= 20) lat.push(at - t0);
    }
    await boss.stop({ graceful: false, close: true, wait: true });
    result({ first_handler_start: summary(lat), settings });
  } else if (mode === 'idle') {
    await boss.work('bench', workLatency, async () => {});
    idleLoop(() => boss.stop({ graceful: false, close: true }), settings);
  }
}

function idleLoop(stop, settings) {
  process.stdout.write('READY\n');
  // cumulative; the parent asks at the start and at the end of its window and takes the difference
  process.on('SIGUSR2', () => result({ client_statements: clientQueries, settings }));
  setTimeout(() => void stop(), 10 * 60_000);
}

if (peer === 'pgboss') await pgboss();
else await graphile();
if (mode !== 'idle') process.exit(0);
