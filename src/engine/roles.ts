// The two roles a process can run (DESIGN §2): each builds its waker and loop from the config and returns
// what the engine must stop. They share nothing but the database and the in-process wake bus.
import type { TaskerConfig } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../logging.ts';
import { Orchestrator } from '../orchestration/orchestrator.ts';
import type { CompletionHook } from '../orchestration/result-processor.ts';
import type { AdvanceOutcome } from '../orchestration/task-advancer.ts';
import { RESULTS_QUEUE, workerQueueName } from '../queue/names.ts';
import type { WakeBus } from '../queue/wake-bus.ts';
import { createWaker, type Waker } from '../queue/waker.ts';
import type { Runtime } from '../runtime/index.ts';
import type { TemplateStore } from '../templates/store.ts';
import type { TaskTemplate } from '../templates/types.ts';
import { listenForCancellations, sqlStepStore } from '../worker/step-store.ts';
import { ThreadPool } from '../worker/thread-pool.ts';
import { workerSettings } from '../worker/settings.ts';
import { Worker } from '../worker/worker.ts';
import type { StepEventsHook } from '../events/service.ts';
import { Scheduler } from '../scheduling/scheduler.ts';
import { rateBuckets, waitForRateLimits } from '../scheduling/rate-limit.ts';

/** What both roles are built from. */
export interface RoleContext {
  db: Db;
  config: TaskerConfig;
  store: TemplateStore;
  bus: WakeBus;
  workerId: string;
  logger: Logger;
}

async function startWaker(ctx: RoleContext, queues: string[]): Promise<Waker> {
  const q = ctx.config.common.queues;
  const waker = createWaker({
    db: ctx.db, queues, pollIntervalMs: q.poll_interval_ms, maxPollIntervalMs: q.max_poll_interval_ms,
    useNotify: q.notify, bus: ctx.bus, selfId: ctx.workerId, logger: ctx.logger,
  });
  await waker.start();
  return waker;
}

/** Starts the orchestrator: result processing woken on the results queue, plus the sweep. */
export async function startOrchestratorRole(
  ctx: RoleContext,
  o: { hooks: CompletionHook[]; failureHooks: CompletionHook[]; onOutcome: (outcome: AdvanceOutcome) => void },
): Promise<{ orchestrator: Orchestrator; waker: Waker; scheduler: Scheduler }> {
  const waker = await startWaker(ctx, [RESULTS_QUEUE]);
  let scheduler: Scheduler | null = null;
  const orchestrator = new Orchestrator({
    db: ctx.db, config: ctx.config, templates: ctx.store, logger: ctx.logger.child({ role: 'orchestrator' }), signal: waker,
    hooks: o.hooks, failureHooks: o.failureHooks, senderId: ctx.workerId,
    onOutcome: (outcome) => {
      o.onOutcome(outcome);
      // finished tasks that held concurrency slots free them: admit the tasks waiting for them now, not at the
      // next net pass (one indexed probe; a full scheduler pass only when a slot was actually held)
      if (outcome.finished.length) void scheduler?.afterFinished(outcome.finished.map((f) => f.taskUuid));
    },
  });
  orchestrator.start();
  // delayed tasks and cron schedules (issue 17): started on time by a timer, with the sweep interval as the net
  scheduler = new Scheduler({
    db: ctx.db, store: ctx.store, logger: ctx.logger.child({ role: 'scheduler' }), notify: ctx.config.common.queues.notify,
    sender: ctx.workerId, maxInputBytes: ctx.config.orchestration.max_task_input_bytes,
    intervalMs: ctx.config.orchestration.sweep_interval_ms, onOutcome: (outcome) => orchestrator.observe(outcome),
  });
  scheduler.start();
  return { orchestrator, waker, scheduler: scheduler as Scheduler };
}

/** The running worker role; `worker` is null when there was no namespace to consume. */
export interface WorkerRole {
  worker: Worker | null;
  waker: Waker | null;
  threadPool: ThreadPool | null;
  namespaces: string[];
}

/**
 * Starts the worker for `[worker] namespaces` (default: the namespaces of the loaded templates): its waker on
 * the namespaces' queues, the optional handler-thread pool, and the claim loop over tasker's tables.
 */
export async function startWorkerRole(
  ctx: RoleContext,
  o: { runtime: Runtime; registry: HandlerRegistry; templates: readonly TaskTemplate[]; events?: StepEventsHook },
): Promise<WorkerRole> {
  const { config, logger } = ctx;
  const namespaces = config.worker.namespaces.length ? config.worker.namespaces : [...new Set(o.templates.map((t) => t.namespace))];
  if (namespaces.length === 0) {
    logger.warn('worker has no namespaces to consume: no templates were loaded and [worker] namespaces / TASKER_NAMESPACE is empty');
    return { worker: null, waker: null, threadPool: null, namespaces };
  }
  const queues = namespaces.map(workerQueueName);
  const waker = await startWaker(ctx, queues);
  let threadPool: ThreadPool | null = null;
  if (config.worker.isolation === 'thread') {
    threadPool = new ThreadPool(logger.child({ role: 'handler-thread' }));
    await threadPool.start(o.runtime, config.worker.thread_pool_size, config.handlers.paths);
  }
  const workerLogger = logger.child({ role: 'worker' });
  const store = sqlStepStore({
    db: ctx.db, queues, leaseSeconds: config.common.queues.visibility_timeout_seconds, workerId: ctx.workerId,
    ancestorDepth: config.worker.dependency_results_depth, notify: config.common.queues.notify,
  });
  const worker = new Worker({
    store, signal: waker, settings: workerSettings(config), registry: o.registry,
    templateOf: (namedTaskId) => ctx.store.byId(ctx.db, namedTaskId),
    cancellations: listenForCancellations(ctx.db, (payload) => workerLogger.warn('ignoring a malformed cancellation notice', { payload })),
    logger: workerLogger, workerId: ctx.workerId, threadPool: threadPool ?? undefined,
    onCompleted: () => ctx.bus.wake(RESULTS_QUEUE),
    beforeRun: async (step, template, callable, signal) => {
      const buckets = rateBuckets(template, step.template_step_name, callable);
      if (buckets.length) await waitForRateLimits(ctx.db, buckets, { stepUuid: step.step_uuid, claimToken: step.claim_token }, signal);
    },
    events: o.events,
  });
  worker.start();
  return { worker, waker, threadPool, namespaces };
}
