import { defineCommand } from 'citty';
import { commonArgs, formatTable, readJsonArg, setup } from './shared.ts';
import { TaskerError } from '../errors.ts';
import { remoteArgs, withTaskBackend } from './task-backend.ts';
import { isTerminalTaskState } from '../orchestration/state-machine.ts';
import { createInBatches, isNdjsonInput, parseNdjsonRequests } from './task-bulk.ts';

/** Parses `namespace/name[@version]`. */
export function parseTemplateRef(ref: string): { namespace: string; name: string; version?: string } {
  const m = /^([A-Za-z0-9_]+)\/([^@\s]+)(?:@(\S+))?$/.exec(ref);
  if (!m) {
    throw new TaskerError('USAGE', `expected <namespace>/<name>[@version], got ${JSON.stringify(ref)}`, {
      hint: 'for example: tasker task create linear_workflow/linear_workflow@1.0.0 --input \'{"even_number": 6}\'',
    });
  }
  return { namespace: m[1], name: m[2], version: m[3] };
}

function print(runtime: { writeStdout(t: string): void }, value: unknown, format: unknown): void {
  runtime.writeStdout(format === 'json' ? JSON.stringify(value, null, 2) + '\n' : String(value));
}

const formatArg = { format: { type: 'string', description: 'text|json', default: 'text' }, ...remoteArgs } as const;

const create = defineCommand({
  meta: { name: 'create', description: 'Create a task — example: tasker task create linear_workflow/linear_workflow --input \'{"even_number": 6}\'' },
  args: {
    ...commonArgs,
    ...formatArg,
    template: { type: 'positional', required: false, description: '<namespace>/<name>[@version] (optional with @file.ndjson when each line names its template)' },
    input: { type: 'string', description: 'task input as JSON, or @file.json; @file.ndjson: one task request per line, created in batches' },
    'batch-size': { type: 'string', description: 'with @file.ndjson: requests per all-or-nothing batch (default 1000)' },
    'idempotency-key': { type: 'string', description: 'deduplicate requests with this key' },
    initiator: { type: 'string', description: 'who asked for it' },
    reason: { type: 'string', description: 'why' },
    priority: { type: 'string', description: 'integer priority' },
    'run-at': { type: 'string', description: 'start at this ISO 8601 time (until then the task waits in pending)' },
    delay: { type: 'string', description: 'start this many seconds from now' },
    wait: { type: 'boolean', description: 'wait until the task finishes; exit 0 when it completed, 1 otherwise' },
    timeout: { type: 'string', description: 'with --wait: give up after this many seconds (exit 1, TIMEOUT); default 300' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    if (isNdjsonInput(args.input)) return createFromNdjson(ctx, args);
    if (!args.template) throw new TaskerError('USAGE', 'missing the template: tasker task create <namespace>/<name>[@version]', { hint: 'or pass --input @requests.ndjson whose lines name their template' });
    const ref = parseTemplateRef(String(args.template));
    const context = await readJsonArg(ctx.runtime, args.input, 'input');
    const priority = args.priority === undefined ? undefined : Number(args.priority);
    const timeout = args.timeout === undefined ? 300 : Number(args.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new TaskerError('USAGE', `--timeout must be a positive number of seconds, not ${JSON.stringify(args.timeout)}`);
    if (args.timeout !== undefined && !args.wait) throw new TaskerError('USAGE', '--timeout only applies with --wait', { hint: 'add --wait' });
    return withTaskBackend(ctx, args, async (backend) => {
      const task = await backend.create({
        ...ref,
        context: context as Record<string, unknown>,
        idempotency_key: args['idempotency-key'] as string | undefined,
        initiator: (args.initiator as string | undefined) ?? 'tasker-cli',
        reason: args.reason as string | undefined,
        priority,
        run_at: (args['run-at'] as string | undefined) ?? null,
        delay_seconds: args.delay === undefined ? null : Number(args.delay),
      });
      if (!args.wait) {
        print(ctx.runtime, args.format === 'json' ? task : `created task ${task.task_uuid} (${task.namespace}/${task.name}@${task.version})\n`, args.format);
        return 0;
      }
      if (args.format !== 'json') ctx.runtime.writeStderr(`created task ${task.task_uuid} (${task.namespace}/${task.name}@${task.version}); waiting for it to finish\n`);
      const done = await waitUntilFinished(backend, task.task_uuid, timeout * 1000);
      print(ctx.runtime, args.format === 'json' ? done : `task ${done.task_uuid} ${done.state}\n`, args.format);
      return done.state === 'complete' ? 0 : 1;
    });
  },
});

/** `--input @file.ndjson`: every line a request, created in all-or-nothing batches; prints the counts. */
async function createFromNdjson(ctx: Awaited<ReturnType<typeof setup>>, args: Record<string, unknown>): Promise<number> {
  const file = String(args.input).slice(1);
  if (args.wait) throw new TaskerError('USAGE', '--wait does not apply to --input @file.ndjson', { hint: 'drop --wait, then follow the tasks with tasker task list' });
  if (args['idempotency-key'] !== undefined) {
    throw new TaskerError('USAGE', '--idempotency-key would give every line the same identity', { hint: 'put "idempotency_key" in each line of the file instead' });
  }
  const batchSize = args['batch-size'] === undefined ? 1000 : Number(args['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TaskerError('USAGE', `--batch-size must be a positive integer, not ${JSON.stringify(args['batch-size'])}`);
  let text: string;
  try {
    text = await ctx.runtime.readTextFile(file);
  } catch (cause) {
    throw new TaskerError('USAGE', `--input: cannot read ${file}`, { cause, hint: 'give a readable NDJSON file after @' });
  }
  const defaults = {
    ...(args.template ? parseTemplateRef(String(args.template)) : {}),
    initiator: (args.initiator as string | undefined) ?? 'tasker-cli',
    ...(args.reason !== undefined ? { reason: String(args.reason) } : {}),
    ...(args.priority !== undefined ? { priority: Number(args.priority) } : {}),
  };
  const requests = parseNdjsonRequests(text, file, defaults);
  return withTaskBackend(ctx, args, async (backend) => {
    const result = await createInBatches(backend, requests, file, batchSize, (n) => {
      if (args.format !== 'json') ctx.runtime.writeStderr(`created ${n} of ${requests.length}\n`);
    });
    print(ctx.runtime, args.format === 'json' ? { file, ...result } : `created ${result.created} task(s) from ${file} in ${result.batches} batch(es)\n`, args.format);
    return 0;
  });
}

/** Polls a task until it is in a terminal state; TIMEOUT after `timeoutMs`. */
async function waitUntilFinished(backend: Parameters<Parameters<typeof withTaskBackend>[2]>[0], uuid: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const view = await backend.get(uuid);
    if (isTerminalTaskState(view.state)) return view;
    if (Date.now() > deadline) {
      throw new TaskerError('TIMEOUT', `task ${uuid} is still ${view.state} after ${timeoutMs / 1000} s`, {
        hint: `inspect it with \`tasker task get ${uuid}\`, or raise --timeout`,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

const get = defineCommand({
  meta: { name: 'get', description: 'Show a task with its status and steps — example: tasker task get 0192f2a4-…' },
  args: { ...commonArgs, ...formatArg, uuid: { type: 'positional', required: true, description: 'task uuid' } },
  async run({ args }) {
    const ctx = await setup(args);
    const task = await withTaskBackend(ctx, args, (backend) => backend.get(String(args.uuid)));
    if (args.format === 'json') return print(ctx.runtime, task, 'json'), 0;
    const lines = [
      `task ${task.task_uuid}  ${task.namespace}/${task.name}@${task.version}`,
      `state ${task.state}  (${task.execution_status}, ${task.completion_percentage}% complete, ${task.step_counts.complete}/${task.step_counts.total} steps)`,
      `created ${task.created_at.toISOString()}${task.completed_at ? `  completed ${task.completed_at.toISOString()}` : ''}`,
      '',
    ];
    ctx.runtime.writeStdout(lines.join('\n') + stepTable(task.steps ?? []));
    return 0;
  },
});

function stepTable(steps: Array<{ name: string; state: string; attempts: number; max_attempts: number; results: unknown }>): string {
  return formatTable(
    steps.map((s) => {
      const r = s.results as { success?: boolean; result?: unknown; error_message?: string } | null;
      const detail = r ? (r.success === false ? `error: ${r.error_message}` : JSON.stringify(r.result)) : '';
      return { step: s.name, state: s.state, attempts: `${s.attempts}/${s.max_attempts}`, result: detail.length > 80 ? detail.slice(0, 77) + '...' : detail };
    }),
    ['step', 'state', 'attempts', 'result'],
  );
}

const steps = defineCommand({
  meta: { name: 'steps', description: 'List the steps of a task — example: tasker task steps 0192f2a4-… --format json' },
  args: { ...commonArgs, ...formatArg, uuid: { type: 'positional', required: true, description: 'task uuid' } },
  async run({ args }) {
    const ctx = await setup(args);
    const rows = await withTaskBackend(ctx, args, (backend) => backend.steps(String(args.uuid)));
    print(ctx.runtime, args.format === 'json' ? rows : stepTable(rows), args.format);
    return 0;
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List tasks, newest first — example: tasker task list --status error --namespace billing' },
  args: {
    ...commonArgs,
    ...formatArg,
    status: { type: 'string', description: 'filter by task state' },
    namespace: { type: 'string', description: 'filter by namespace' },
    limit: { type: 'string', description: 'page size (default 50)', default: '50' },
    offset: { type: 'string', description: 'page offset', default: '0' },
  },
  async run({ args }) {
    const ctx = await setup(args);
    const result = await withTaskBackend(ctx, args, (backend) =>
      backend.list({ state: args.status as string | undefined, namespace: args.namespace as string | undefined, limit: Number(args.limit), offset: Number(args.offset) }),
    );
    if (args.format === 'json') return print(ctx.runtime, result, 'json'), 0;
    ctx.runtime.writeStdout(
      formatTable(
        result.tasks.map((t) => ({ task_uuid: t.task_uuid, template: `${t.namespace}/${t.name}@${t.version}`, state: t.state, progress: `${t.step_counts.complete}/${t.step_counts.total}`, created: t.created_at.toISOString() })),
        ['task_uuid', 'template', 'state', 'progress', 'created'],
      ) + `${result.tasks.length} of ${result.total} task(s)\n`,
    );
    return 0;
  },
});

export default defineCommand({
  meta: { name: 'task', description: 'Create, inspect, cancel and repair tasks' },
  subCommands: {
    create,
    get,
    list,
    steps,
    cancel: () => import('./task-actions.ts').then((m) => m.cancel),
    'reset-step': () => import('./task-actions.ts').then((m) => m.resetStep),
    'resolve-step': () => import('./task-actions.ts').then((m) => m.resolveStep),
    'complete-step': () => import('./task-actions.ts').then((m) => m.completeStep),
    visualize: () => import('./task-actions.ts').then((m) => m.visualize),
  },
});

export { stepTable };
