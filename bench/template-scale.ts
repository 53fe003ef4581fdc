// How template size scales: parse + validate, the initial step set, and task creation for templates of
// N steps in three shapes (chain, layered with two parents per step, fan-out/fan-in).
//   node bin/run-ts.mjs bench/template-scale.ts [--steps=10000] [--db] [--shape=chain,layered,fan]
// With --db (and BENCH_DATABASE_URL or the local PostgreSQL) it also times template registration and
// createTask on a fresh database, dropped afterwards. Prints one line per measurement.
import postgres from 'postgres';
import { parseTemplate } from '../src/templates/parse.ts';
import { validateTemplate } from '../src/templates/validate.ts';
import { initialStepNames } from '../src/templates/graph.ts';
import { createTasker } from '../src/engine/index.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string?]));
const steps = Number(args.get('steps') ?? 10_000);
const shapes = (args.get('shape') ?? 'chain,layered,fan').split(',');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** YAML text of an N-step template: `chain` (i ← i-1), `layered` (i ← i-1, i-2), `fan` (root → N-2 → sink). */
function templateYaml(shape: string, n: number): string {
  const lines = [`name: scale_${shape}`, 'namespace_name: bench_scale', 'version: 1.0.0', 'identity_strategy: always_unique', 'steps:'];
  for (let i = 0; i < n; i++) {
    let deps: string[] = [];
    if (shape === 'chain' && i > 0) deps = [`s${i - 1}`];
    if (shape === 'layered') deps = [i - 1, i - 2].filter((d) => d >= 0).map((d) => `s${d}`);
    if (shape === 'fan' && i > 0) deps = i === n - 1 ? Array.from({ length: n - 2 }, (_, k) => `s${k + 1}`) : ['s0'];
    lines.push(`  - name: s${i}`, '    handler: { callable: noop }', `    dependencies: [${deps.join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

const report = (shape: string, what: string, ms: number) => console.log(`${shape.padEnd(8)} ${String(steps).padStart(6)} steps  ${what.padEnd(28)} ${ms.toFixed(0).padStart(7)} ms`);

for (const shape of shapes) {
  const text = templateYaml(shape, steps);
  const [parsed, parseMs] = time(() => parseTemplate(text, `${shape}.yaml`));
  if (!parsed.template) throw new Error(`${shape}: ${parsed.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  report(shape, 'parse + validate (file)', parseMs);
  const [, validateMs] = time(() => validateTemplate(parsed.template!));
  report(shape, 'validate (model only)', validateMs);
  const [initial, initialMs] = time(() => initialStepNames(parsed.template!));
  if (initial.length !== steps) throw new Error(`${shape}: initial set has ${initial.length} steps`);
  report(shape, 'initial step set', initialMs);

  if (!args.has('db')) continue;
  const name = `bench_scale_${shape}_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    const tasker = createTasker({
      config: { common: { database: { url: url.toString() } }, web: { enabled: false }, templates: { paths: [] }, handlers: { paths: [] } },
      templates: [parsed.template],
      loadTemplatePaths: false,
      discoverHandlerPaths: false,
      roles: { orchestrator: false, worker: false },
    });
    const t0 = performance.now();
    await tasker.start();
    report(shape, 'engine start (register)', performance.now() - t0);
    for (const run of [1, 2]) {
      const t1 = performance.now();
      const task = await tasker.createTask({ namespace: 'bench_scale', name: `scale_${shape}`, context: {} });
      report(shape, `createTask #${run} (${task.step_count} steps)`, performance.now() - t1);
    }
    await tasker.stop();
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
