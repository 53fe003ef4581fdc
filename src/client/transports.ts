// Where a TaskerClient sends its calls: an in-process engine, or a `tasker run` over its HTTP API.
import type { Tasker } from '../engine/index.ts';
import type { CreateTaskRequest, CreatedTask } from '../orchestration/task-creator.ts';
import { getTransitions, type StepView, type TaskFilter, type TaskView } from '../orchestration/task-queries.ts';
import type { TransitionRow, Wire } from './responses.ts';

/** The operations a client needs, in tasker's own shapes. */
export interface ClientTransport {
  create(request: CreateTaskRequest): Promise<Wire<TaskView>>;
  /** Creates all of `requests` or none (one call: createTasks / `POST /v1/tasks/batch`). */
  createMany(requests: CreateTaskRequest[]): Promise<CreatedTask[]>;
  get(taskUuid: string): Promise<Wire<TaskView>>;
  list(filter: TaskFilter): Promise<{ tasks: Array<Wire<TaskView>>; total: number }>;
  cancel(taskUuid: string): Promise<void>;
  steps(taskUuid: string): Promise<Array<Wire<StepView>>>;
  transitions(taskUuid: string, stepUuid: string): Promise<TransitionRow[]>;
  health(): Promise<boolean>;
}

/** A failed call: status (HTTP) and tasker error code when known. */
export interface TransportFailure {
  message: string;
  code?: string;
  status?: number;
  recoverable: boolean;
  cause?: unknown;
}

/** Calls straight into an engine of this process. */
export function inProcessTransport(tasker: Tasker): ClientTransport {
  return {
    async create(request) {
      const created = await tasker.createTask(request);
      return tasker.getTask(created.task_uuid, { steps: true });
    },
    createMany: (requests) => tasker.createTasks(requests),
    get: (uuid) => tasker.getTask(uuid, { steps: true }),
    list: (filter) => tasker.listTasks(filter),
    async cancel(uuid) {
      await tasker.cancelTask(uuid, { actor: 'tasker-client', reason: 'cancelled through TaskerClient' });
    },
    async steps(uuid) {
      await tasker.getTask(uuid);
      return tasker.getTaskSteps(uuid);
    },
    transitions: async (taskUuid, stepUuid) => (await getTransitions(tasker.db, taskUuid, stepUuid)) as unknown as TransitionRow[],
    async health() {
      try {
        await tasker.db.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /** Base URL of a `tasker run` HTTP API, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** API key sent as `X-API-Key` (`[web.auth] api_key` of the server). */
  apiKey?: string;
  /** `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

/** Calls a `tasker run` over its REST API (`/v1/tasks…`, `/health/ready`). */
export function httpTransport(options: HttpTransportOptions): ClientTransport {
  const root = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const request = async <T>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    let res: Response;
    try {
      res = await doFetch(`${root}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw { message: `cannot reach the tasker API at ${root}: ${(cause as Error)?.message ?? String(cause)}`, recoverable: true, cause } satisfies TransportFailure;
    }
    const payload = (await res.json().catch(() => null)) as T & { error?: { code?: string; message?: string; details?: { tasker_code?: string } } };
    if (!res.ok && !okStatuses.includes(res.status)) {
      const e = payload?.error;
      throw {
        message: `${e?.message ?? `HTTP ${res.status}`} (HTTP ${res.status} from ${root}${path})`,
        code: e?.details?.tasker_code ?? e?.code,
        status: res.status,
        recoverable: res.status >= 500 || res.status === 429,
      } satisfies TransportFailure;
    }
    return { status: res.status, body: payload };
  };
  const id = encodeURIComponent;
  const query = (params: Record<string, unknown>) =>
    new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)])).toString();
  return {
    async create(req) {
      const created = await request<Wire<TaskView>>('POST', '/v1/tasks', req);
      return (await request<Wire<TaskView>>('GET', `/v1/tasks/${id(created.body.task_uuid)}`)).body;
    },
    createMany: async (requests) => (await request<{ tasks: CreatedTask[] }>('POST', '/v1/tasks/batch', { tasks: requests })).body.tasks,
    get: async (uuid) => (await request<Wire<TaskView>>('GET', `/v1/tasks/${id(uuid)}`)).body,
    async list(filter) {
      const r = await request<{ tasks: Array<Wire<TaskView>>; pagination: { total: number } }>('GET', `/v1/tasks?${query(filter as Record<string, unknown>)}`);
      return { tasks: r.body.tasks, total: r.body.pagination.total };
    },
    async cancel(uuid) {
      await request('DELETE', `/v1/tasks/${id(uuid)}?${query({ actor: 'tasker-client', reason: 'cancelled through TaskerClient' })}`);
    },
    steps: async (uuid) => (await request<{ steps: Array<Wire<StepView>> }>('GET', `/v1/tasks/${id(uuid)}/workflow_steps`)).body.steps,
    transitions: async (taskUuid, stepUuid) =>
      (await request<{ transitions: TransitionRow[] }>('GET', `/v1/tasks/${id(taskUuid)}/workflow_steps/${id(stepUuid)}/audit`)).body.transitions,
    async health() {
      try {
        return (await request('GET', '/health/ready', undefined, [503])).status === 200;
      } catch (err) {
        if ((err as TransportFailure).recoverable) return false;
        throw err;
      }
    },
  };
}
