// Overhead of an enabled concurrency key on single-step throughput (issue 17):
//   node bin/run-ts.mjs bench/concurrency-key.ts [N] [postgres-url]
// Drains N pre-created single-step no-op tasks twice on a fresh database — a template without limits, and the
// same template with `concurrency: {key: "$.customer_id", limit: 1000}` over 100 customers (never binding, so
// only the cost of the mechanism is measured: the task waits in pending, is admitted under the key's lock,
// and gives its slot back) — and prints steps/s for each and the ratio. Same engine settings as bench/tasker-child.ts.
import postgres from 'postgres';
import { createTasker, defineHandler } from '../src/index.ts';
import { HandlerRegistry } from '../src/handlers/registry.ts';
import { parseTemplate } from '../src/templates/index.ts';

const N = Number(process.argv[2] ?? 2000);
const base = process.argv[3] ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const template = (name: string, limited: boolean) => {
  const { template: t, problems } = parseTemplate(`name: ${name}
namespace_name: bench_conc
version: 1.0.0
identity_strategy: always_unique
${limited ? 'concurrency: { key: $.customer_id, limit: 1000 }\n' : ''}steps:
  - name: only
    handler: { callable: bench_noop }
`, `${name}.yaml`);
  if (!t) throw new Error(problems.map((p) => p.message).join('\n'));
  return t;
};

async function run(url: string, limited: boolean): Promise<{ steps_per_s: number; drain_ms: number }> {
  const registry = new HandlerRegistry();
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  registry.register(defineHandler('bench_noop', {}, () => ({})));
  const name = limited ? 'keyed' : 'plain';
  const config = {
    common: { database: { url, pool_max: 10 }, queues: { poll_interval_ms: 50, max_poll_interval_ms: 200 } },
    worker: { max_concurrent_handlers: 10 },
    web: { enabled: false }, templates: { paths: [] }, handlers: { paths: [] },
  };
  // create with no roles running, then drain with orchestrator + worker in one process
  const creator = createTasker({ config, registry, templates: [template(name, limited)], roles: { orchestrator: false, worker: false }, discoverHandlerPaths: false, loadTemplatePaths: false });
  await creator.start();
  for (let i = 0; i < N; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => creator.createTask({ namespace: 'bench_conc', name, context: { customer_id: `c${(i + k) % 100}` } })));
  }
  await creator.stop();
  const engine = createTasker({ config, registry, templates: [template(name, limited)], discoverHandlerPaths: false, loadTemplatePaths: false });
  engine.onTaskFinished(() => {
    if (++done === N) finish();
  });
  const t0 = performance.now();
  await engine.start();
  await finished;
  const drainMs = performance.now() - t0;
  await engine.stop();
  return { steps_per_s: Math.round((N / drainMs) * 1000), drain_ms: Math.round(drainMs) };
}

const admin = postgres(base, { max: 1, onnotice: () => {} });
const results: Record<string, { steps_per_s: number; drain_ms: number }> = {};
try {
  for (const limited of [false, true]) {
    const db = `bench_conc_${limited ? 'keyed' : 'plain'}_${Date.now()}`;
    await admin.unsafe(`CREATE DATABASE ${db}`);
    try {
      const u = new URL(base);
      u.pathname = `/${db}`;
      results[limited ? 'keyed' : 'plain'] = await run(u.toString(), limited);
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  }
} finally {
  await admin.end();
}
const ratio = Math.round((results.keyed.steps_per_s / results.plain.steps_per_s) * 100) / 100;
console.log(`RESULT:${JSON.stringify({ n: N, plain: results.plain, keyed: results.keyed, keyed_over_plain: ratio })}`);
