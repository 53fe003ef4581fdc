// The original worker's TaskerClient: task and step operations by their names and response shapes, served by an
// engine of this process or by a `tasker run` over HTTP. Unlike the original (synchronous over FFI), every method
// returns a Promise.
import type { Tasker } from '../engine/index.ts';
import { isTaskerError } from '../errors.ts';
import type { CreateTaskRequest } from '../orchestration/task-creator.ts';
import { uuidv7 } from '../orchestration/uuid.ts';
import { getCurrentTasker } from './current.ts';
import { toStepAudit, toStepResponse, toTaskResponse } from './responses.ts';
import { httpTransport, inProcessTransport, type ClientTransport, type HttpTransportOptions, type TransportFailure } from './transports.ts';
import type {
  CreateTaskOptions, CreatedTaskResponse, HealthCheckResponse, ListTasksOptions, StepAuditResponse, StepResponse, TaskListResponse, TaskResponse,
} from './types.ts';

/** A client operation failed; `recoverable` says whether trying again may help (network, 5xx). */
export class TaskerClientError extends Error {
  readonly recoverable: boolean;
  /** tasker's error code when known (TASK_NOT_FOUND, TEMPLATE_NOT_FOUND, …). */
  readonly code: string | undefined;
  /** HTTP status of a remote call. */
  readonly status: number | undefined;

  constructor(message: string, recoverable = false, options: { code?: string; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TaskerClientError';
    this.recoverable = recoverable;
    this.code = options.code;
    this.status = options.status;
  }
}

/** What a client talks to: an engine of this process, or a remote `tasker run` (`{url, apiKey?}`). */
export type TaskerClientTarget = Tasker | HttpTransportOptions;

function isTasker(target: TaskerClientTarget): target is Tasker {
  return typeof (target as Tasker).createTask === 'function' && typeof (target as Tasker).getTask === 'function';
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TaskerClientError) throw err;
    if (isTaskerError(err)) throw new TaskerClientError(err.message, err.code === 'DB_UNREACHABLE' || err.code === 'TIMEOUT', { code: err.code, cause: err });
    const failure = err as Partial<TransportFailure>;
    if (failure && typeof failure.message === 'string' && typeof failure.recoverable === 'boolean') {
      throw new TaskerClientError(failure.message, failure.recoverable, { code: failure.code, status: failure.status, cause: failure.cause });
    }
    throw new TaskerClientError((err as Error)?.message ?? String(err), true, { cause: err });
  }
}

/** Task and step operations with the original worker's method names and response shapes. */
export class TaskerClient {
  private readonly transport: ClientTransport;

  constructor(target: TaskerClientTarget) {
    this.transport = isTasker(target) ? inProcessTransport(target) : httpTransport(target);
  }

  /** Creates a task (only `name` is required; namespace `default`, latest version) and returns it. */
  createTask(options: CreateTaskOptions): Promise<TaskResponse> {
    return wrap(async () => toTaskResponse(await this.transport.create(toRequest(options))));
  }

  /**
   * Creates all of the tasks or none, in one call (code TASK_BATCH_REJECTED when any is refused; over HTTP the
   * per-item errors are in the server's answer). Returns them in order, without status summaries.
   */
  createTasks(options: CreateTaskOptions[]): Promise<CreatedTaskResponse[]> {
    return wrap(async () =>
      (await this.transport.createMany(options.map(toRequest))).map((t) => ({
        task_uuid: t.task_uuid, namespace: t.namespace, name: t.name, version: t.version, status: t.state, correlation_id: t.correlation_id, step_count: t.step_count,
      })),
    );
  }

  /** The task with its execution summary and step readiness. */
  getTask(taskUuid: string): Promise<TaskResponse> {
    return wrap(async () => toTaskResponse(await this.transport.get(taskUuid)));
  }

  /** A page of tasks, newest first (limit 50, offset 0 by default). */
  listTasks(options: ListTasksOptions = {}): Promise<TaskListResponse> {
    return wrap(async () => {
      const limit = options.limit ?? 50;
      const offset = options.offset ?? 0;
      const page = await this.transport.list({ limit, offset, namespace: options.namespace, state: options.status });
      return { tasks: page.tasks.map(toTaskResponse), pagination: { total: page.total, limit, offset, has_more: offset + page.tasks.length < page.total } };
    });
  }

  /** Cancels the task and its unfinished steps. */
  cancelTask(taskUuid: string): Promise<void> {
    return wrap(() => this.transport.cancel(taskUuid));
  }

  /** Every step of the task. */
  listTaskSteps(taskUuid: string): Promise<StepResponse[]> {
    return wrap(async () => {
      const steps = await this.transport.steps(taskUuid);
      return steps.map((s) => toStepResponse(taskUuid, s, steps));
    });
  }

  /** One step of the task, by uuid (or name). */
  getStep(taskUuid: string, stepUuid: string): Promise<StepResponse> {
    return wrap(async () => {
      const steps = await this.transport.steps(taskUuid);
      return toStepResponse(taskUuid, findStep(taskUuid, stepUuid, steps), steps);
    });
  }

  /** The audited transitions of a step, oldest first. */
  getStepAuditHistory(taskUuid: string, stepUuid: string): Promise<StepAuditResponse[]> {
    return wrap(async () => {
      const steps = await this.transport.steps(taskUuid);
      const step = findStep(taskUuid, stepUuid, steps);
      return toStepAudit(taskUuid, step, await this.transport.transitions(taskUuid, step.step_uuid));
    });
  }

  /** `{healthy}`: the database answers (in-process) or `/health/ready` says ready (HTTP). */
  healthCheck(): Promise<HealthCheckResponse> {
    return wrap(async () => ({ healthy: await this.transport.health() }));
  }
}

/** The engine's request for a client's options (the original worker's defaults). */
function toRequest(options: CreateTaskOptions): CreateTaskRequest {
  return {
    name: options.name,
    namespace: options.namespace ?? 'default',
    version: options.version ?? null,
    context: options.context ?? {},
    initiator: options.initiator ?? 'tasker-core-typescript',
    source_system: options.sourceSystem ?? 'tasker-core',
    reason: options.reason ?? 'Task requested',
    tags: options.tags ?? [],
    priority: options.priority,
    correlation_id: options.correlationId ?? uuidv7(),
    parent_correlation_id: options.parentCorrelationId ?? null,
    idempotency_key: options.idempotencyKey ?? null,
  };
}

function findStep<T extends { step_uuid: string; name: string }>(taskUuid: string, step: string, steps: T[]): T {
  const found = steps.find((s) => s.step_uuid === step.toLowerCase()) ?? steps.find((s) => s.name === step);
  if (!found) {
    throw new TaskerClientError(`task ${taskUuid} has no step ${JSON.stringify(step)} (steps: ${steps.map((s) => s.name).join(', ') || 'none'})`, false, { code: 'STEP_NOT_FOUND' });
  }
  return found;
}

/**
 * A client for `target`, or for the engine this process started (`createTasker(...).start()`) when none is given;
 * TaskerClientError when there is neither.
 */
export function getTaskerClient(target?: TaskerClientTarget): TaskerClient {
  const resolved = target ?? getCurrentTasker();
  if (!resolved) {
    throw new TaskerClientError('no tasker engine is running in this process: pass a Tasker (createTasker) or {url, apiKey} of a `tasker run`', false);
  }
  return new TaskerClient(resolved);
}
