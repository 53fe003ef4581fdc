// HTTP request latency of `tasker run`'s API on a real socket (node adapter), for comparing two checkouts
// in one sitting (e.g. before / after the move onto hono):
//
//   node bin/run-ts.mjs bench/http-latency.ts [--root /path/to/other/checkout] [--n 2000]
//
// The engine runs with no roles (nothing else competes for the CPU); one task of the diamond example is
// created so GET /v1/tasks/{uuid} reads real rows. Per route: N sequential requests after 100 warm-ups
// (p50 / p99 in ms), then N requests from 16 concurrent clients (requests/s). Needs a PostgreSQL you may
// create databases on (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
// Prints one Markdown table. The box is usually shared: treat the figures as indicative, and compare
// checkouts measured back to back.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const root = resolve(flag('root', '.'));
const n = Number(flag('n', '2000'));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const load = (path: string) => import(pathToFileURL(resolve(root, path)).href);
const { createTasker } = await load('src/index.ts');
const { createHttpApp, startHttpServer } = await load('src/http/index.ts');
const { getRuntime } = await load('src/runtime/index.ts');

const dbName = `bench_http_${randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;

const runtime = await getRuntime();
const tasker = createTasker({
  config: {
    common: { database: { url: url.toString(), schema: 'tasker' } },
    templates: { paths: [resolve(root, 'examples/templates')] },
    handlers: { paths: [resolve(root, 'examples/handlers')] },
    orchestration: { enabled: false },
    worker: { enabled: false },
  },
  runtime,
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(base: string, path: string, init?: RequestInit): Promise<{ p50: number; p99: number; rps: number }> {
  const once = async () => {
    const res = await fetch(base + path, init);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 100; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  let left = n;
  const started = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (left-- > 0) await once();
  }));
  const rps = n / ((performance.now() - started) / 1000);
  return { p50: percentile(times, 50), p99: percentile(times, 99), rps };
}

try {
  await tasker.start();
  const server = await startHttpServer(createHttpApp({ tasker, runtime }), runtime, '127.0.0.1:0');
  const base = `http://127.0.0.1:${server.port}`;
  const created = await tasker.createTask({ namespace: 'diamond_workflow', name: 'diamond_workflow', context: { even_number: 6 } });
  const routes: Array<[string, string, RequestInit | undefined]> = [
    ['GET /health/live', '/health/live', undefined],
    ['GET /v1/tasks/{uuid}', `/v1/tasks/${created.task_uuid}`, undefined],
    ['GET /v1/tasks?limit=10', '/v1/tasks?limit=10', undefined],
    ['POST /v1/tasks (400, invalid body)', '/v1/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"namespace":1}' }],
  ];
  const [load1] = (await import('node:os')).loadavg();
  process.stdout.write(`\nHTTP latency — ${root} — node ${process.versions.node}, n=${n}, load avg ${load1.toFixed(2)}\n\n`);
  process.stdout.write('| route | p50 ms | p99 ms | req/s (16 clients) |\n|---|---|---|---|\n');
  for (const [label, path, init] of routes) {
    const r = await measure(base, path, init);
    process.stdout.write(`| ${label} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${Math.round(r.rps)} |\n`);
  }
  await server.close();
} finally {
  await tasker.stop();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
