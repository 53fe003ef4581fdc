// createTasker: the engine a process hosts (DESIGN §9.7). It composes the parts and owns their lifecycle:
//   bootstrap  templates (templates/load-paths.ts), handlers (worker/discovery.ts), database open + migrate +
//              template registration;
//   roles      orchestrator and worker (./roles.ts), each with its own waker;
//   operations the task facade (./operations.ts), shared with the CLI's local mode.
import { resolveConfig } from '../config/resolve.ts';
import { clearCurrentTasker, setCurrentTasker } from '../client/current.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import type { Db } from '../db/types.ts';
import { TaskerError } from '../errors.ts';
import { HandlerRegistry } from '../handlers/registry.ts';
import { setDefaultLogger, silentLogger } from '../logging.ts';
import { defaultCompletionHooks, defaultFailureHooks } from '../orchestration/dynamic-hooks.ts';
import type { Orchestrator } from '../orchestration/orchestrator.ts';
import type { AdvanceOutcome } from '../orchestration/task-advancer.ts';
import { uuidv7 } from '../orchestration/uuid.ts';
import { createWakeBus } from '../queue/wake-bus.ts';
import type { Waker } from '../queue/waker.ts';
import { getRuntime } from '../runtime/index.ts';
import { loadTemplatePaths } from '../templates/load-paths.ts';
import { TemplateStore } from '../templates/store.ts';
import type { TaskTemplate } from '../templates/types.ts';
import { discoverHandlers, type DiscoveredHandler } from '../worker/discovery.ts';
import type { ThreadPool } from '../worker/thread-pool.ts';
import type { Worker } from '../worker/worker.ts';
import { createTaskOperations } from './operations.ts';
import { startOrchestratorRole, startWorkerRole, type RoleContext } from './roles.ts';
import type { FinishedTask, Tasker, TaskerOptions } from './types.ts';
import { waitForTask } from './wait-for-task.ts';
import { DomainEvents } from '../events/service.ts';
import { eventDiscovery } from '../events/discovery.ts';
import { PublisherRegistry } from '../events/publisher-registry.ts';
import { SubscriberRegistry } from '../events/subscriber.ts';
import type { Scheduler } from '../scheduling/scheduler.ts';
import { registerSchedules } from '../scheduling/schedule-store.ts';
import { scheduleSpecs } from '../scheduling/specs.ts';

export { resolveConfig };
export { createTaskOperations, type TaskOperations, type TaskOperationsOptions } from './operations.ts';
export type { FinishedTask, Tasker, TaskerOptions } from './types.ts';

/** Creates the engine; call `start()` to open the database, register templates and run its roles. */
export function createTasker(options: TaskerOptions = {}): Tasker {
  const config = resolveConfig(options.config);
  const logger = options.logger ?? silentLogger;
  const registry = options.registry ?? new HandlerRegistry();
  const store = new TemplateStore();
  const bus = createWakeBus();
  const finishedListeners = new Set<(t: FinishedTask) => void>();
  const wakers: Waker[] = [];
  const ownsDb = !options.db;
  const workerId = `tasker-${uuidv7().slice(-12)}`;
  const completionHooks = [...defaultCompletionHooks(config.orchestration), ...(options.hooks ?? [])];
  const failureHooks = [...defaultFailureHooks(), ...(options.failureHooks ?? [])];
  const publishers = options.publishers ?? new PublisherRegistry();
  const subscribers = options.subscribers ?? new SubscriberRegistry();
  const events = new DomainEvents({ config, logger: logger.child({ role: 'events' }), publishers, subscribers, bus, workerId });
  let db: Db | null = options.db ?? null;
  let orchestrator: Orchestrator | null = null;
  let scheduler: Scheduler | null = null;
  let worker: Worker | null = null;
  let threadPool: ThreadPool | null = null;
  let templates: TaskTemplate[] = [...(options.templates ?? [])];
  let handlers: DiscoveredHandler[] = [];
  let namespaces: string[] = [];
  let started = false;

  const requireDb = (): Db => {
    if (!db) throw new TaskerError('ENGINE_NOT_STARTED', 'the tasker engine is not started', { hint: 'await tasker.start() first' });
    return db;
  };
  const notifyFinished = (task: FinishedTask) => {
    for (const fn of finishedListeners) fn(task);
  };
  const afterOutcome = (outcome: AdvanceOutcome) => {
    for (const queue of outcome.enqueued.keys()) bus.wake(queue);
    for (const f of outcome.finished) notifyFinished(f);
  };
  const operations = createTaskOperations(requireDb, {
    config, store, hooks: completionHooks, sender: workerId,
    onOutcome: (outcome) => {
      scheduler?.wakeAt(outcome.nextWakeAt);
      if (orchestrator) orchestrator.observe(outcome);
      else afterOutcome(outcome);
    },
    onAbort: (stepUuids) => worker?.abortSteps(stepUuids),
    onCancelled: (taskUuid) => {
      notifyFinished({ taskUuid, state: 'cancelled' });
      void scheduler?.run();
    },
  });

  const tasker: Tasker = {
    ...operations,
    config,
    registry,
    workerId,
    get templates() {
      return templates;
    },
    get handlers() {
      return handlers;
    },
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
      const runtime = options.runtime ?? (await getRuntime());
      if (options.loadTemplatePaths !== false) {
        templates = [...templates, ...(await loadTemplatePaths(runtime, config.templates.paths, { env: config.environment, logger }))];
      }
      if (options.discoverHandlerPaths !== false) {
        handlers = (await discoverHandlers(runtime, config.handlers.paths, registry, { strict: options.strictHandlers, logger, events: eventDiscovery(publishers, subscribers) })).handlers;
      }
      if (!db) db = await openDatabase(config, runtime, { applicationName: `tasker-${workerId}` });
      await migrate(db);
      await store.register(db, templates);
      await registerSchedules(db, scheduleSpecs(templates, config));
      await events.start(db, store);

      const ctx: RoleContext = { db, config, store, bus, workerId, logger };
      if (options.roles?.orchestrator ?? config.orchestration.enabled) {
        const role = await startOrchestratorRole(ctx, { hooks: completionHooks, failureHooks, onOutcome: afterOutcome });
        orchestrator = role.orchestrator;
        scheduler = role.scheduler;
        wakers.push(role.waker);
      }
      if (options.roles?.worker ?? config.worker.enabled) {
        const role = await startWorkerRole(ctx, { runtime, registry, templates, events });
        ({ worker, threadPool, namespaces } = role);
        if (role.waker) wakers.push(role.waker);
      }
    },

    async stop() {
      if (!started) return;
      await worker?.stop();
      await threadPool?.stop();
      threadPool = null;
      await events.stop(config.worker.shutdown_timeout_ms);
      await scheduler?.stop();
      scheduler = null;
      await orchestrator?.stop();
      for (const w of wakers.splice(0)) await w.stop();
      if (db && ownsDb) {
        await db.close();
        db = null;
      }
      clearCurrentTasker(tasker);
      worker = null;
      orchestrator = null;
      started = false;
    },

    waitForTask: (taskUuid, opts = {}) => waitForTask({ getTask: operations.getTask, onTaskFinished: tasker.onTaskFinished }, taskUuid, opts.timeoutMs),

    onTaskFinished(fn) {
      finishedListeners.add(fn);
      return () => finishedListeners.delete(fn);
    },
  };
  return tasker;
}
