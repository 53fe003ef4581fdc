import type { CliContext } from './shared.ts';
import { withDb } from './shared.ts';
import { TaskerError, ErrorCode } from '../errors.ts';
import { createTaskOperations } from '../engine/operations.ts';
import type { CreateTaskRequest } from '../orchestration/task-creator.ts';
import type { StepView, TaskFilter, TaskView } from '../orchestration/task-queries.ts';
import type { StepActionRequest } from '../orchestration/step-actions.ts';

/** What the `tasker task` commands need, served by the database directly or by a remote `tasker run` over HTTP. */
export interface TaskBackend {
  create(request: CreateTaskRequest): Promise<{ task_uuid: string; namespace: string; name: string; version: string; step_count?: number }>;
  /** Creates all of `requests` or none (TASK_BATCH_REJECTED, `details.errors` by index). */
  createMany(requests: CreateTaskRequest[]): Promise<Array<{ task_uuid: string; namespace: string; name: string; version: string }>>;
  get(taskUuid: string): Promise<TaskView>;
  list(filter: TaskFilter): Promise<{ tasks: TaskView[]; total: number }>;
  steps(taskUuid: string): Promise<StepView[]>;
  cancel(taskUuid: string, options: { actor: string; reason: string | null }): Promise<{ task_uuid: string; previous_state?: string; cancelled_steps: string[]; aborted_steps: string[] }>;
  stepAction(taskUuid: string, step: string, request: StepActionRequest): Promise<{ step_name: string; from_state: string; to_state: string; task_state: string }>;
}

/** Flags selecting a remote server instead of the database. */
export const remoteArgs = {
  url: { type: 'string', description: 'talk to a running tasker over its HTTP API (e.g. http://127.0.0.1:8080) instead of the database' },
  'api-key': { type: 'string', description: 'API key for --url (default: TASKER_API_KEY)' },
} as const;

const DATE_FIELDS = new Set(['created_at', 'updated_at', 'completed_at', 'last_attempted_at', 'next_attempt_at', 'lease_expires_at']);

function reviveDates<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v) => (DATE_FIELDS.has(key) && typeof v === 'string' ? new Date(v) : v));
}

function httpBackend(base: string, apiKey: string | undefined): TaskBackend {
  const root = base.replace(/\/+$/, '');
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (apiKey) headers['x-api-key'] = apiKey;
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw new TaskerError('API_UNREACHABLE', `cannot reach the tasker API at ${root}`, { cause, hint: 'check --url and that `tasker run` serves HTTP there' });
    }
    const payload = (await res.json().catch(() => null)) as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null;
    if (!res.ok) {
      const e = payload?.error;
      const taskerCode = e?.details?.tasker_code as string | undefined;
      const code = taskerCode && taskerCode in ErrorCode ? (taskerCode as ErrorCode) : res.status === 401 ? 'USAGE' : 'API_ERROR';
      throw new TaskerError(code, `${e?.message ?? `HTTP ${res.status}`} (HTTP ${res.status} from ${root})`, {
        hint: (e?.details?.hint as string | undefined) ?? (res.status === 401 ? 'pass --api-key or set TASKER_API_KEY' : undefined),
        details: e?.details,
      });
    }
    return reviveDates(payload as T);
  }
  const q = (params: Record<string, unknown>) =>
    new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)])).toString();
  return {
    create: (request) => call('POST', '/v1/tasks', request),
    createMany: async (requests) => (await call<{ tasks: Array<{ task_uuid: string; namespace: string; name: string; version: string }> }>('POST', '/v1/tasks/batch', { tasks: requests })).tasks,
    get: (uuid) => call('GET', `/v1/tasks/${encodeURIComponent(uuid)}`),
    async list(filter) {
      const r = await call<{ tasks: TaskView[]; pagination: { total: number } }>('GET', `/v1/tasks?${q(filter as Record<string, unknown>)}`);
      return { tasks: r.tasks, total: r.pagination.total };
    },
    async steps(uuid) {
      const r = await call<{ steps: StepView[] } | StepView[]>('GET', `/v1/tasks/${encodeURIComponent(uuid)}/workflow_steps`);
      return Array.isArray(r) ? r : r.steps;
    },
    cancel: (uuid, o) => call('DELETE', `/v1/tasks/${encodeURIComponent(uuid)}?${q({ actor: o.actor, reason: o.reason })}`),
    async stepAction(uuid, step, request) {
      const r = await call<{ name: string; state: string; from_state: string; task_state: string }>(
        'PATCH', `/v1/tasks/${encodeURIComponent(uuid)}/workflow_steps/${encodeURIComponent(step)}`, request,
      );
      return { step_name: r.name, from_state: r.from_state, to_state: r.state, task_state: r.task_state };
    },
  };
}

/** Runs `fn` with the HTTP backend when `--url` is given, else with the database (opened and closed around it). */
export async function withTaskBackend<T>(ctx: CliContext, args: Record<string, unknown>, fn: (backend: TaskBackend) => Promise<T>): Promise<T> {
  if (typeof args.url === 'string' && args.url) {
    if (!/^https?:\/\//.test(args.url)) throw new TaskerError('USAGE', `--url must be an http(s) URL, not ${JSON.stringify(args.url)}`);
    return fn(httpBackend(args.url, (args['api-key'] as string | undefined) ?? ctx.runtime.env.TASKER_API_KEY));
  }
  return withDb(ctx, (db) => {
    const ops = createTaskOperations(() => db, { config: ctx.config });
    return fn({
      create: ops.createTask,
      createMany: ops.createTasks,
      get: (uuid) => ops.getTask(uuid, { steps: true }),
      list: ops.listTasks,
      steps: async (uuid) => {
        await ops.getTask(uuid);
        return ops.getTaskSteps(uuid);
      },
      cancel: ops.cancelTask,
      stepAction: ops.stepAction,
    });
  });
}
