import { dirname, join, resolve } from 'node:path';
import type { CliContext } from './shared.ts';
import { formatTable } from './shared.ts';
import { createTasker } from '../engine/index.ts';
import { withStatus } from './status-line.ts';
import { loadTemplates } from '../templates/load.ts';
import { TaskerError } from '../errors.ts';
import type { TaskTemplate } from '../templates/types.ts';
import { isTerminalTaskState } from '../orchestration/state-machine.ts';
import { uuidv7 } from '../orchestration/uuid.ts';

/** One smoke run request: template files/dirs, inputs, timeout. */
export interface SmokeOptions {
  templatePaths: string[];
  /** Input for every template, or a map `namespace/name` → input. */
  input: unknown;
  timeoutMs: number;
  handlerPaths: string[];
  /** `json`: print one JSON document with every task and step (results in full) instead of tables. */
  format?: 'text' | 'json';
}

function inputFor(template: TaskTemplate, input: unknown): Record<string, unknown> {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const map = input as Record<string, unknown>;
    const keys = Object.keys(map);
    if (keys.length && keys.every((k) => k.includes('/'))) {
      return (map[`${template.namespace}/${template.name}`] ?? map[`${template.namespace}/${template.name}@${template.version}`] ?? {}) as Record<string, unknown>;
    }
    return map;
  }
  return {};
}

function summarizeResult(results: unknown): string {
  const r = results as { success?: boolean; result?: unknown; error_message?: string } | null;
  if (!r) return '';
  const text = r.success === false ? `error: ${r.error_message}` : JSON.stringify(r.result);
  return text.length > 70 ? text.slice(0, 67) + '...' : text;
}

/**
 * Starts an in-process engine, creates one task per template, shows live progress, prints a per-step
 * table and returns 0 iff every task completed (DESIGN §11 `tasker smoke`).
 */
export async function runSmoke(ctx: CliContext, options: SmokeOptions): Promise<number> {
  const { runtime } = ctx;
  const loaded = await loadTemplates(runtime, options.templatePaths, { env: ctx.loaded.environment });
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length || loaded.templates.length === 0) {
    throw new TaskerError('TEMPLATE_INVALID', errors.length ? errors.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path} ${p.message}`).join('\n') : `no templates found in ${options.templatePaths.join(', ')}`, {
      hint: 'run `tasker validate` on these paths',
    });
  }
  // handlers next to the templates (…/templates → …/handlers) are discovered too
  const handlerPaths = [...options.handlerPaths];
  for (const p of options.templatePaths) {
    const abs = resolve(runtime.cwd(), p);
    const s = await runtime.stat(abs);
    const dir = s?.isDirectory ? abs : dirname(abs);
    const sibling = join(dirname(dir), 'handlers');
    if ((await runtime.stat(sibling))?.isDirectory && !handlerPaths.includes(sibling)) handlerPaths.push(sibling);
  }
  const config = {
    ...ctx.config,
    handlers: { paths: handlerPaths },
    web: { ...ctx.config.web, enabled: false },
    common: { ...ctx.config.common, queues: { ...ctx.config.common.queues, poll_interval_ms: Math.min(ctx.config.common.queues.poll_interval_ms, 200) } },
  };
  const tasker = createTasker({ config, runtime, logger: ctx.logger, templates: loaded.templates, loadTemplatePaths: false });
  await withStatus(runtime, 'starting a throwaway engine (database, migrations, handlers)', () => tasker.start());
  const started = performance.now();
  try {
    const tasks = [];
    for (const template of loaded.templates) {
      const task = await tasker.createTask({
        namespace: template.namespace, name: template.name, version: template.version,
        context: inputFor(template, options.input), initiator: 'tasker-smoke', reason: 'smoke run',
        // every smoke run is a new unit of work, even with the same input against the same database
        idempotency_key: `smoke-${uuidv7()}`,
      });
      tasks.push({ template, uuid: task.task_uuid });
    }
    const deadline = Date.now() + options.timeoutMs;
    let last = '';
    for (;;) {
      const views = await Promise.all(tasks.map((t) => tasker.getTask(t.uuid)));
      const line = views.map((v) => `${v.name} ${v.step_counts.complete}/${v.step_counts.total} ${v.state}`).join(' | ');
      if (line !== last) {
        runtime.writeStderr(runtime.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
        last = line;
      }
      if (views.every((v) => isTerminalTaskState(v.state))) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (runtime.isTTY) runtime.writeStderr('\n');
    let ok = true;
    const report = [];
    for (const t of tasks) {
      const view = await tasker.getTask(t.uuid, { steps: true });
      const complete = view.state === 'complete';
      ok &&= complete;
      report.push({
        template: `${t.template.namespace}/${t.template.name}@${t.template.version}`, task_uuid: view.task_uuid, state: view.state, passed: complete,
        steps: (view.steps ?? []).map((s) => ({ name: s.name, state: s.state, attempts: s.attempts, max_attempts: s.max_attempts, results: s.results })),
      });
      if (options.format === 'json') continue;
      runtime.writeStdout(`\n${complete ? 'PASS' : 'FAIL'} ${t.template.namespace}/${t.template.name}@${t.template.version}  task ${view.task_uuid}  state ${view.state}\n`);
      runtime.writeStdout(
        formatTable(
          (view.steps ?? []).map((s) => ({ step: s.name, state: s.state, attempts: `${s.attempts}/${s.max_attempts}`, result: summarizeResult(s.results) })),
          ['step', 'state', 'attempts', 'result'],
        ),
      );
      if (!isTerminalTaskState(view.state)) runtime.writeStdout(`timed out after ${options.timeoutMs / 1000} s\n`);
    }
    const seconds = (performance.now() - started) / 1000;
    if (options.format === 'json') runtime.writeStdout(JSON.stringify({ passed: ok, seconds, tasks: report }, null, 2) + '\n');
    else runtime.writeStdout(`\n${tasks.length} task(s), ${ok ? 'all complete' : 'NOT all complete'} in ${seconds.toFixed(2)} s\n`);
    return ok ? 0 : 1;
  } finally {
    await tasker.stop();
  }
}
