// Per-step cost of a long linear chain at shallow and deep positions (issue 10, defect 8):
//   node bin/run-ts.mjs bench/deep-chain.ts [steps=1000]
// One task of an N-step chain of no-op handlers, run by one in-process engine on a fresh database of the
// local PostgreSQL (BENCH_DATABASE_URL). Per-step cost = time from a step's parent completing to the step
// completing, from the database clock; prints the median over steps 5–15 and over the last 11 steps.
import postgres from 'postgres';
import { createTasker } from '../src/index.ts';
import { HandlerRegistry, defineHandler } from '../src/handlers/index.ts';
import { parseTemplate } from '../src/templates/index.ts';

const steps = Number(process.argv[2] ?? 1000);
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `bench_chain_${Date.now().toString(36)}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${dbName}`);
const url = new URL(base);
url.pathname = `/${dbName}`;

const yaml = [
  'name: deep_chain', 'namespace_name: bench_chain', 'version: 1.0.0', 'identity_strategy: always_unique', 'steps:',
  ...Array.from({ length: steps }, (_, i) => `  - name: s${i}\n    handler: { callable: noop }${i ? `\n    dependencies: [s${i - 1}]` : ''}`),
].join('\n');
const t0 = performance.now();
const { template, problems } = parseTemplate(yaml, 'deep_chain.yaml');
const parseMs = performance.now() - t0;
if (!template) throw new Error(problems.map((p) => p.message).join('\n'));

const registry = new HandlerRegistry();
registry.register(defineHandler('noop', {}, () => ({ ok: true })));
const tasker = createTasker({
  config: { common: { database: { url: url.toString() } }, worker: { dependency_results_depth: Number(process.env.BENCH_DEPTH ?? 50) }, web: { enabled: false }, templates: { paths: [] }, handlers: { paths: [] } },
  templates: [template],
  registry,
  loadTemplatePaths: false,
  discoverHandlerPaths: false,
});
await tasker.start();
const created = await tasker.createTask({ namespace: 'bench_chain', name: 'deep_chain', context: {} });
const done = await tasker.waitForTask(created.task_uuid, { timeoutMs: 3_600_000 });
const rows = await tasker.db.query<{ name: string; at: Date }>(
  `SELECT s.name, max(tr.created_at) AS at FROM workflow_steps s JOIN workflow_step_transitions tr ON tr.step_uuid = s.step_uuid
   WHERE s.task_uuid = $1 AND tr.to_state = 'complete' GROUP BY s.name`,
  [created.task_uuid],
);
await tasker.stop();
await admin.unsafe(`DROP DATABASE ${dbName} WITH (FORCE)`);
await admin.end();

const at = new Map(rows.map((r) => [r.name, new Date(r.at).getTime()]));
const cost = (i: number) => at.get(`s${i}`)! - at.get(`s${i - 1}`)!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const shallow = median(Array.from({ length: 11 }, (_, k) => cost(5 + k)));
const deep = median(Array.from({ length: 11 }, (_, k) => cost(steps - 11 + k)));
console.log(JSON.stringify({ steps, state: done.state, parse_validate_ms: Math.round(parseMs), per_step_ms_at_5_15: shallow, per_step_ms_last_11: deep, ratio: Math.round((deep / shallow) * 100) / 100 }));
