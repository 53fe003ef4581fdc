import * as v from 'valibot';
import { configSchema, type TaskerConfig, type TaskerConfigInput } from './config/schema.ts';
import { TaskerError } from './errors.ts';
import { getRuntime, type Runtime } from './runtime/index.ts';
import { setDefaultLogger, silentLogger, type Logger } from './logging.ts';
import { clearCurrentTasker, setCurrentTasker } from './client/current.ts';
import { openDatabase } from './db/open.ts';
import { migrate } from './db/migrate.ts';
import type { Db } from './db/types.ts';
import { HandlerRegistry } from './handlers/registry.ts';
import { discoverHandlers, type DiscoveredHandler } from './worker/discovery.ts';
import { loadTemplates } from './templates/load.ts';
import type { TaskTemplate } from './templates/types.ts';
import { createWaker, type Waker } from './queue/waker.ts';
import { createWakeBus } from './queue/wake-bus.ts';
import { workerQueueName, ORCHESTRATION_STEP_RESULTS } from './queue/names.ts';
import { TemplateStore } from './orchestration/template-store.ts';
import { createTask, type CreateTaskRequest, type CreatedTask } from './orchestration/task-creator.ts';
import { getTask, getTaskSteps, listTasks, type TaskFilter, type TaskView, type StepView } from './orchestration/task-queries.ts';
import { Orchestrator } from './orchestration/orchestrator.ts';
import type { AdvanceOutcome } from './orchestration/task-advancer.ts';
import type { CompletionHook } from './orchestration/result-processor.ts';
import { isTerminalTaskState } from './orchestration/states.ts';
import { Worker } from './worker/worker.ts';
import { ThreadPool } from './worker/thread-pool.ts';
import { uuidv7 } from './orchestration/uuid.ts';
import { defaultCompletionHooks, defaultFailureHooks } from './orchestration/dynamic-hooks.ts';
import { cancelTask, type CancelTaskOptions, type CancelTaskResult } from './orchestration/task-cancel.ts';
import { applyStepAction, type StepActionRequest, type StepActionResult } from './orchestration/step-actions.ts';
import { DomainEvents } from './events/service.ts';
import { eventDiscovery } from './events/discovery.ts';
import { PublisherRegistry } from './events/publisher-registry.ts';
import { SubscriberRegistry } from './events/subscriber.ts';

/** Options of {@link createTasker}. */
export interface TaskerOptions {
  /** Configuration: a full config (from `loadConfig`) or a partial one; defaults fill the rest. */
  config?: TaskerConfig | TaskerConfigInput;
  runtime?: Runtime;
  /** Use this database instead of opening one from the config (it is not closed by `stop()`). */
  db?: Db;
  logger?: Logger;
  /** A registry with handlers registered in code; discovered handlers are added to it. */
  registry?: HandlerRegistry;
  /** Templates given in code, in addition to those found under the template paths. */
  templates?: TaskTemplate[];
  /** Load templates from `[templates] paths` (default true). */
  loadTemplatePaths?: boolean;
  /** Discover handlers under `[handlers] paths` (default true). */
  discoverHandlerPaths?: boolean;
  /** Fail `start()` when a handler module fails to import (default: log it and go on without its handlers). */
  strictHandlers?: boolean;
  /** Which roles to run (defaults from `[orchestration] enabled` and `[worker] enabled`). */
  roles?: { orchestrator?: boolean; worker?: boolean };
  /** Extra completion hooks run inside result processing, after the built-in decision and batch hooks. */
  hooks?: CompletionHook[];
  /** Extra hooks for steps that just failed permanently, after the built-in fail_fast hook. */
  failureHooks?: CompletionHook[];
  /** Serve an embedded database to other local processes (long-running `tasker run`). */
  shareEmbedded?: boolean;
  /** Domain event publishers registered in code; discovered ones are added (issue 15). */
  publishers?: PublisherRegistry;
  /** Domain event subscribers registered in code; discovered ones are added. */
  subscribers?: SubscriberRegistry;
}

/** A finished task, as delivered to {@link Tasker.waitForTask}. */
export interface FinishedTask {
  taskUuid: string;
  state: string;
}

/** The engine as a library (DESIGN §9.7): the same engine `tasker run` hosts, without the HTTP server. */
export interface Tasker {
  readonly config: TaskerConfig;
  readonly registry: HandlerRegistry;
  readonly templates: TaskTemplate[];
  readonly handlers: DiscoveredHandler[];
  readonly workerId: string;
  /** The open database (after `start()`). */
  readonly db: Db;
  readonly orchestrator: Orchestrator | null;
  readonly worker: Worker | null;
  /** Namespaces this process's worker consumes. */
  readonly namespaces: string[];
  /** Domain events: publishing, subscribers hosted here, counters. */
  readonly events: DomainEvents;
  start(): Promise<void>;
  stop(): Promise<void>;
  createTask(request: CreateTaskRequest): Promise<CreatedTask>;
  getTask(taskUuid: string, options?: { steps?: boolean }): Promise<TaskView>;
  getTaskSteps(taskUuid: string): Promise<StepView[]>;
  listTasks(filter?: TaskFilter): Promise<{ tasks: TaskView[]; total: number }>;
  /** Resolves when the task reaches a terminal state (or rejects with TIMEOUT). */
  waitForTask(taskUuid: string, options?: { timeoutMs?: number }): Promise<TaskView>;
  /** Cancels a task and its unfinished steps (DESIGN §6.11); running handlers see their AbortSignal fire. */
  cancelTask(taskUuid: string, options?: CancelTaskOptions): Promise<CancelTaskResult>;
  /** Applies a manual action (reset_for_retry, resolve_manually, complete_manually) to a step, then re-advances the task. */
  stepAction(taskUuid: string, stepNameOrUuid: string, request: StepActionRequest): Promise<StepActionResult>;
  /** Subscribes to tasks finishing in this process's orchestrator. */
  onTaskFinished(fn: (task: FinishedTask) => void): () => void;
}

/** Errors that mean the connection went away (postgres.js codes, socket errors, SQLSTATE 08xxx / 57P0x). */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^(CONNECTION_|CONNECT_TIMEOUT|ECONN|EPIPE|ETIMEDOUT)/.test(code) || /^(08|57P0)/.test(code));
}

/** Resolves a full or partial configuration into a validated {@link TaskerConfig}. */
export function resolveConfig(input: TaskerConfig | TaskerConfigInput | undefined): TaskerConfig {
  const result = v.safeParse(configSchema, input ?? {});
  if (!result.success) {
    const lines = result.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`);
    throw new TaskerError('CONFIG_INVALID', `invalid configuration: ${lines.join('; ')}`);
  }
  return result.output;
}

/** Creates the engine; call `start()` to open the database, register templates and run its roles. */
export function createTasker(options: TaskerOptions = {}): Tasker {
  const config = resolveConfig(options.config);
  const logger = options.logger ?? silentLogger;
  const registry = options.registry ?? new HandlerRegistry();
  const store = new TemplateStore();
  const bus = createWakeBus();
  const finishedListeners = new Set<(t: FinishedTask) => void>();
  const wakers: Waker[] = [];
  let runtime: Runtime;
  let db: Db | null = options.db ?? null;
  let ownsDb = !options.db;
  let orchestrator: Orchestrator | null = null;
  let worker: Worker | null = null;
  let threadPool: ThreadPool | null = null;
  let templates: TaskTemplate[] = [...(options.templates ?? [])];
  let handlers: DiscoveredHandler[] = [];
  let namespaces: string[] = [];
  let started = false;
  const workerId = `${'tasker'}-${uuidv7().slice(-12)}`;
  const completionHooks = [...defaultCompletionHooks(config.orchestration), ...(options.hooks ?? [])];
  const failureHooks = [...defaultFailureHooks(), ...(options.failureHooks ?? [])];
  const publishers = options.publishers ?? new PublisherRegistry();
  const subscribers = options.subscribers ?? new SubscriberRegistry();
  const events = new DomainEvents({ config, logger: logger.child({ role: 'events' }), publishers, subscribers, bus, workerId });

  const requireDb = (): Db => {
    if (!db) throw new TaskerError('DB_UNREACHABLE', 'the tasker engine is not started', { hint: 'await tasker.start() first' });
    return db;
  };

  const afterOutcome = (outcome: AdvanceOutcome) => {
    for (const queue of outcome.enqueued.keys()) bus.wake(queue);
    for (const f of outcome.finished) for (const fn of finishedListeners) fn(f);
  };

  const tasker: Tasker = {
    config,
    registry,
    get templates() {
      return templates;
    },
    get handlers() {
      return handlers;
    },
    workerId,
    get db() {
      return requireDb();
    },
    get orchestrator() {
      return orchestrator;
    },
    get worker() {
      return worker;
    },
    get namespaces() {
      return namespaces;
    },
    events,

    async start() {
      if (started) return;
      started = true;
      if (options.logger) setDefaultLogger(options.logger);
      setCurrentTasker(tasker);
      runtime = options.runtime ?? (await getRuntime());
      if (options.loadTemplatePaths !== false) {
        // search paths that don't exist are skipped (the defaults ./templates and ./config/tasks often don't)
        const existing: string[] = [];
        for (const p of config.templates.paths) {
          if (await runtime.stat(p)) existing.push(p);
          else logger.debug('template path does not exist; skipped', { path: p });
        }
        const loaded = existing.length
          ? await loadTemplates(runtime, existing, { env: runtime.env.TASKER_ENV ?? 'development' })
          : { templates: [], problems: [] };
        const errors = loaded.problems.filter((p) => p.severity === 'error' && !/no template files/i.test(p.message));
        if (errors.length) {
          throw new TaskerError('TEMPLATE_INVALID', errors.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'), {
            hint: 'run `tasker validate` for the full report',
          });
        }
        templates = [...templates, ...loaded.templates];
      }
      if (options.discoverHandlerPaths !== false) {
        handlers = (await discoverHandlers(runtime, config.handlers.paths, registry, { strict: options.strictHandlers, logger, events: eventDiscovery(publishers, subscribers) })).handlers;
      }
      if (!db) db = await openDatabase(config, runtime, { share: options.shareEmbedded ?? false, applicationName: `tasker-${workerId}` });
      await migrate(db);
      await store.register(db, templates);
      await events.start(db, store);

      const roles = {
        orchestrator: options.roles?.orchestrator ?? config.orchestration.enabled,
        worker: options.roles?.worker ?? config.worker.enabled,
      };
      const q = config.common.queues;
      if (roles.orchestrator) {
        const waker = createWaker({ db, queues: [ORCHESTRATION_STEP_RESULTS], pollIntervalMs: q.poll_interval_ms, maxPollIntervalMs: q.max_poll_interval_ms, useNotify: q.notify, bus, selfId: workerId, logger });
        await waker.start();
        wakers.push(waker);
        orchestrator = new Orchestrator({ db, config, templates: store, logger: logger.child({ role: 'orchestrator' }), signal: waker, hooks: completionHooks, failureHooks, onOutcome: afterOutcome, senderId: workerId });
        orchestrator.start();
      }
      if (roles.worker) {
        namespaces = config.worker.namespaces.length ? config.worker.namespaces : [...new Set(templates.map((t) => t.namespace))];
        if (namespaces.length === 0) {
          logger.warn('worker has no namespaces to consume: no templates were loaded and [worker] namespaces / TASKER_NAMESPACE is empty');
        } else {
          const queues = namespaces.map(workerQueueName);
          const waker = createWaker({ db, queues, pollIntervalMs: q.poll_interval_ms, maxPollIntervalMs: q.max_poll_interval_ms, useNotify: q.notify, bus, selfId: workerId, logger });
          await waker.start();
          wakers.push(waker);
          if (config.worker.isolation === 'thread') {
            threadPool = new ThreadPool(logger.child({ role: 'handler-thread' }));
            await threadPool.start(runtime, config.worker.thread_pool_size, config.handlers.paths);
          }
          worker = new Worker({
            threadPool: threadPool ?? undefined,
            db, config, registry, templates: store, logger: logger.child({ role: 'worker' }), workerId, queues, signal: waker,
            onCompleted: () => bus.wake(ORCHESTRATION_STEP_RESULTS),
            events,
          });
          worker.start();
        }
      }
    },

    async stop() {
      if (!started) return;
      await worker?.stop();
      await threadPool?.stop();
      threadPool = null;
      await events.stop(config.worker.shutdown_timeout_ms);
      await orchestrator?.stop();
      for (const w of wakers.splice(0)) await w.stop();
      if (db && ownsDb) await db.close();
      db = ownsDb ? null : db;
      clearCurrentTasker(tasker);
      worker = null;
      orchestrator = null;
      started = false;
    },

    async createTask(request) {
      const { task, outcome } = await createTask(requireDb(), store, request, { notify: config.common.queues.notify, sender: workerId, maxInputBytes: config.orchestration.max_task_input_bytes });
      orchestrator?.observe(outcome);
      if (!orchestrator) afterOutcome(outcome);
      return task;
    },

    getTask: (uuid, opts) => getTask(requireDb(), uuid, opts),
    getTaskSteps: (uuid) => getTaskSteps(requireDb(), uuid),
    listTasks: (filter) => listTasks(requireDb(), filter),

    async waitForTask(taskUuid, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 60_000;
      const deadline = Date.now() + timeoutMs;
      // in-process events when our orchestrator finishes it; a short poll covers other orchestrators
      let wake: (() => void) | null = null;
      let lastError: unknown;
      const off = tasker.onTaskFinished((t) => t.taskUuid === taskUuid && wake?.());
      try {
        for (let interval = 10; ; interval = Math.min(interval * 2, 250)) {
          let view: TaskView | null = null;
          try {
            view = await getTask(requireDb(), taskUuid);
          } catch (err) {
            // a lost connection is retried until the deadline (postgres.js reconnects); anything else is final
            if (err instanceof TaskerError || !isConnectionError(err)) throw err;
            lastError = err;
          }
          if (view && isTerminalTaskState(view.state)) return view;
          const left = deadline - Date.now();
          if (left <= 0) {
            const where = view ? `state ${view.state}, ${view.step_counts.complete}/${view.step_counts.total} steps complete` : 'the database was not answering';
            throw new TaskerError('TIMEOUT', `task ${taskUuid} did not finish within ${timeoutMs} ms (${where})`, {
              hint: 'inspect it with `tasker task get` and `tasker task steps`',
              cause: lastError,
            });
          }
          await new Promise<void>((r) => {
            const timer = setTimeout(r, Math.min(interval, left));
            wake = () => {
              clearTimeout(timer);
              r();
            };
          });
        }
      } finally {
        off();
      }
    },

    async cancelTask(taskUuid, opts) {
      const result = await cancelTask(requireDb(), taskUuid, opts);
      worker?.abortSteps(result.aborted_steps);
      for (const fn of finishedListeners) fn({ taskUuid, state: 'cancelled' });
      return result;
    },

    async stepAction(taskUuid, stepNameOrUuid, request) {
      const result = await applyStepAction(requireDb(), taskUuid, stepNameOrUuid, request, { notify: config.common.queues.notify, hooks: completionHooks });
      if (result.from_state === 'in_progress') worker?.abortSteps([result.step_uuid]);
      if (orchestrator) orchestrator.observe(result.outcome);
      else afterOutcome(result.outcome);
      return result;
    },

    onTaskFinished(fn) {
      finishedListeners.add(fn);
      return () => finishedListeners.delete(fn);
    },
  };
  void ownsDb;
  return tasker;
}
