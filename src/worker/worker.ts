import type { TaskerConfig } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../logging.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { createStepContext, type StepCheckpoint } from '../handlers/step-context.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import { extractCheckpointYield } from '../handlers/batch-worker.ts';
import { ErrorType } from '../handlers/error-type.ts';
import type { TemplateStore } from '../orchestration/template-store.ts';
import { executeHandler, handlerNotFoundResult } from './handler-executor.ts';
import { claimSteps, type ClaimedStep } from './step-claimer.ts';
import { completeSteps, extendLeases, releaseLeases, saveCheckpoint } from './step-completer.ts';
import { CompletionBatcher } from './completion-batcher.ts';
import type { ThreadPool } from './thread-pool.ts';
import { CANCEL_CHANNEL } from '../orchestration/task-cancel.ts';
import { retryDelayMs } from '../db/reconnect.ts';

/** How the loop waits for work: woken by NOTIFY / in-process signals, or by its poll timer. */
export interface WorkSignal {
  wait(): Promise<unknown>;
  wake(): void;
  markIdle(found: boolean): void;
}

/** Live numbers for status lines, health and metrics. */
export interface WorkerStats {
  claimed: number;
  succeeded: number;
  failed: number;
  lostLeases: number;
  inFlight: number;
  /** Step execution durations in ms since the last read (for the histogram). */
  durations: Array<{ namespace: string; ms: number; success: boolean }>;
}

/** Options for {@link Worker}. */
export interface WorkerOptions {
  db: Db;
  config: TaskerConfig;
  registry: HandlerRegistry;
  templates: TemplateStore;
  logger: Logger;
  workerId: string;
  /** Worker queue names to consume (worker_<namespace>_queue). */
  queues: string[];
  signal: WorkSignal;
  /** Called after completions were written (to wake a co-located orchestrator). */
  onCompleted?: () => void;
  /** Run handlers in worker threads (`[worker] isolation = "thread"`); handlers the threads don't know run in-process. */
  threadPool?: ThreadPool;
}

interface Running {
  step: ClaimedStep;
  controller: AbortController;
  done: Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The poll → claim → execute → complete loop (DESIGN §6.6, §9.2–§9.6). */
export class Worker {
  readonly stats: WorkerStats = { claimed: 0, succeeded: 0, failed: 0, lostLeases: 0, inFlight: 0, durations: [] };
  readonly #o: WorkerOptions;
  readonly #running = new Map<string, Running>();
  readonly #completing = new Set<Promise<void>>();
  readonly #batcher: CompletionBatcher;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #slotFreed: (() => void) | null = null;
  #leaseSeconds: number;
  #unlisten: Promise<(() => Promise<void>) | null> | null = null;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.#leaseSeconds = options.config.common.queues.visibility_timeout_seconds;
    this.#batcher = new CompletionBatcher((batch) => completeSteps(options.db, batch, options.config.common.queues.notify, options.workerId));
  }

  /** Starts the loop and the lease heartbeat. */
  start(): void {
    if (this.#loop) return;
    const every = Math.max(200, Math.min(this.#o.config.worker.heartbeat_interval_ms, (this.#leaseSeconds * 1000) / 3));
    this.#heartbeat = setInterval(() => void this.#extendLeases(), every);
    // cancellations from any process abort our handlers at once; the heartbeat is the fallback without LISTEN
    if (this.#o.db.supportsListen) {
      this.#unlisten = this.#o.db.listen(CANCEL_CHANNEL, (payload) => {
        try {
          this.abortSteps(JSON.parse(payload) as string[]);
        } catch {
          this.#o.logger.warn('ignoring a malformed cancellation notice', { payload });
        }
      }).catch((err) => {
        this.#o.logger.warn('cannot LISTEN for cancellations; relying on the lease heartbeat', { error: (err as Error).message });
        return null;
      });
    }
    this.#loop = this.#run();
  }

  /** Aborts the handlers of these steps if they run here (cancelled or finished manually); returns how many. */
  abortSteps(stepUuids: readonly string[]): number {
    let n = 0;
    for (const id of stepUuids) {
      const r = this.#running.get(id);
      if (!r || r.controller.signal.aborted) continue;
      r.controller.abort(Object.assign(new Error('the step was cancelled'), { name: 'CancelledError' }));
      n++;
    }
    return n;
  }

  async #run(): Promise<void> {
    const { config, logger } = this.#o;
    const max = config.worker.max_concurrent_handlers;
    let failures = 0;
    let drained = false;
    while (!this.#stopping) {
      const capacity = max - this.#running.size;
      if (capacity <= 0) {
        // load shedding: don't read while the handler pool is full
        await new Promise<void>((r) => (this.#slotFreed = r));
        continue;
      }
      let claimed: ClaimedStep[];
      try {
        const want = Math.min(capacity, config.common.queues.claim_batch_size);
        claimed = await claimSteps(this.#o.db, this.#o.queues, want, this.#leaseSeconds, this.#o.workerId);
        drained = claimed.length < want;
        failures = 0;
      } catch (err) {
        failures++;
        logger.warn('claiming steps failed; retrying', { error: (err as Error).message, attempt: failures });
        await sleep(retryDelayMs(failures));
        continue;
      }
      this.#o.signal.markIdle(claimed.length > 0);
      for (const step of claimed) this.#start(step);
      // fewer rows than asked for: the queue is (momentarily) empty, so wait for a wake-up or the poll timer
      // instead of asking again at once; a wake-up that came meanwhile returns immediately
      if (drained && !this.#stopping) await this.#o.signal.wait();
    }
  }

  #start(step: ClaimedStep): void {
    this.stats.claimed++;
    const controller = new AbortController();
    const entry: Running = { step, controller, done: Promise.resolve() };
    this.#running.set(step.step_uuid, entry);
    this.stats.inFlight = this.#running.size;
    entry.done = this.#execute(step, controller).finally(() => {
      this.#running.delete(step.step_uuid);
      this.stats.inFlight = this.#running.size;
      const wake = this.#slotFreed;
      this.#slotFreed = null;
      wake?.();
    });
  }

  async #execute(step: ClaimedStep, controller: AbortController): Promise<void> {
    const { registry, templates, config, db } = this.#o;
    const log = this.#o.logger.child({ task_uuid: step.task_uuid, step_uuid: step.step_uuid, namespace: step.namespace, step: step.name });
    const started = performance.now();
    let result: StepHandlerResult;
    let handlerName = step.template_step_name;
    let checkpoint = (step.checkpoint as StepCheckpoint | null) ?? null;
    try {
      const template = await templates.byId(db, step.named_task_id);
      const stepTemplate = template.steps.find((s) => s.name === step.template_step_name);
      const callable = stepTemplate?.handler.callable ?? step.template_step_name;
      handlerName = callable;
      const timeoutMs = stepTemplate?.timeoutSeconds ? stepTemplate.timeoutSeconds * 1000 : config.worker.handler_timeout_ms;
      const resolved = stepTemplate
        ? await registry.resolve({ callable, method: stepTemplate.handler.method, resolver: stepTemplate.handler.resolver })
        : null;
      if (!resolved) {
        result = handlerNotFoundResult(callable);
      } else {
        for (;;) {
          const timer = setTimeout(() => controller.abort(new DOMException(`step exceeded its timeout of ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
          const data = {
            taskUuid: step.task_uuid,
            stepUuid: step.step_uuid,
            correlationId: step.correlation_id,
            handlerName: callable,
            stepName: step.name,
            namespace: step.namespace,
            inputData: step.context ?? {},
            dependencyResults: step.dependency_results ?? {},
            stepConfig: stepTemplate?.handler.initialization ?? {},
            stepInputs: step.inputs ?? {},
            retryCount: step.attempts - 1,
            maxRetries: step.max_attempts,
            checkpoint,
          };
          const pool = this.#o.threadPool;
          const run = pool && pool.has(callable)
            ? pool.run({ callable, method: stepTemplate!.handler.method, resolver: stepTemplate!.handler.resolver }, data, controller.signal)
            : executeHandler(resolved, createStepContext({ ...data, signal: controller.signal, logger: log.child({ handler: callable }) }));
          // a handler that ignores its AbortSignal still loses the race against the timeout
          result = await Promise.race([
            run,
            new Promise<StepHandlerResult>((resolve) =>
              controller.signal.addEventListener('abort', () => resolve(abortResult(controller.signal.reason, timeoutMs)), { once: true }),
            ),
          ]);
          clearTimeout(timer);
          const yielded = extractCheckpointYield(result);
          if (!yielded || controller.signal.aborted) break;
          // checkpoint: persist, then run the same claimed step again from the new cursor
          checkpoint = { ...yielded, history: undefined };
          if (!(await saveCheckpoint(db, step.step_uuid, step.claim_token, yielded as unknown as Record<string, unknown>))) {
            log.warn('lease lost while checkpointing; stopping this execution');
            this.stats.lostLeases++;
            return;
          }
        }
      }
    } catch (err) {
      result = StepHandlerResult.failure(`worker error while running the step: ${(err as Error).message}`, ErrorType.HANDLER_ERROR, true, {
        error_class: (err as Error).name,
        stack: (err as Error).stack,
      });
    }
    if (this.#stopping && controller.signal.aborted && (controller.signal.reason as { name?: string })?.name === 'ShutdownError') return;
    // a cancelled step is no longer ours: there is nothing to record (the completion fence would refuse it anyway)
    if (controller.signal.aborted && (controller.signal.reason as { name?: string })?.name === 'CancelledError') return;
    const ms = performance.now() - started;
    this.stats.durations.push({ namespace: step.namespace, ms, success: result.success });
    if (this.stats.durations.length > 10_000) this.stats.durations.splice(0, 5_000);
    if (result.success) {
      this.stats.succeeded++;
      log.debug('step completed', { handler: handlerName, duration_ms: Math.round(ms * 10) / 10, attempt: step.attempts });
    } else {
      this.stats.failed++;
      log.warn('step failed', { handler: handlerName, error_type: result.errorType, error: result.errorMessage, retryable: result.retryable, attempt: step.attempts });
    }
    // the handler slot frees now; the completion commits in the background (batched with others), so
    // claiming the next steps overlaps with writing this result
    const completing = this.#complete(step, result, log).finally(() => this.#completing.delete(completing));
    this.#completing.add(completing);
    if (this.#completing.size > this.#o.config.worker.max_concurrent_handlers * 4) await completing;
  }

  async #complete(step: ClaimedStep, result: StepHandlerResult, log: ReturnType<Logger['child']>): Promise<void> {
    const completion = { stepUuid: step.step_uuid, claimToken: step.claim_token, msgId: step.msg_id, success: result.success, results: result.toJSON() };
    for (let attempt = 1; ; attempt++) {
      try {
        const accepted = await this.#batcher.add(completion);
        if (!accepted) {
          this.stats.lostLeases++;
          log.warn('completion rejected: the lease was lost and the step re-claimed elsewhere');
        }
        this.#o.onCompleted?.();
        return;
      } catch (err) {
        // the database is away: keep the result and retry; the claim token fences a stale write
        log.warn('recording the step result failed; retrying', { error: (err as Error).message, attempt });
        if (this.#stopping && attempt > 20) return;
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  async #extendLeases(): Promise<void> {
    const leases = [...this.#running.values()].map((r) => ({ stepUuid: r.step.step_uuid, claimToken: r.step.claim_token, msgId: r.step.msg_id }));
    if (leases.length === 0) return;
    try {
      const kept = await extendLeases(this.#o.db, leases, this.#leaseSeconds);
      for (const r of this.#running.values()) {
        if (!kept.has(r.step.step_uuid) && this.#running.has(r.step.step_uuid) && !r.controller.signal.aborted) {
          // the step was cancelled or re-claimed: stop the handler
          r.controller.abort(Object.assign(new Error('lease lost'), { name: 'LeaseLostError' }));
        }
      }
    } catch (err) {
      this.#o.logger.warn('lease heartbeat failed', { error: (err as Error).message });
    }
  }

  /**
   * Graceful stop (DESIGN §9.6): stop claiming, let in-flight handlers finish for up to `timeoutMs`,
   * then abort the rest and release their leases so other workers re-claim them at once, flush completions.
   */
  async stop(timeoutMs = this.#o.config.worker.shutdown_timeout_ms): Promise<void> {
    this.#stopping = true;
    this.#o.signal.wake();
    this.#slotFreed?.();
    await this.#loop;
    const all = Promise.all([...this.#running.values()].map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    const leftovers = [...this.#running.values()];
    if (leftovers.length) {
      for (const r of leftovers) r.controller.abort(Object.assign(new Error('worker shutting down'), { name: 'ShutdownError' }));
      const released = await releaseLeases(
        this.#o.db,
        leftovers.map((r) => ({ stepUuid: r.step.step_uuid, claimToken: r.step.claim_token, msgId: r.step.msg_id })),
        this.#o.workerId,
      ).catch(() => 0);
      this.#o.logger.warn(`released ${released} lease(s) of handlers that did not finish in time`);
    }
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const unlisten = await this.#unlisten;
    await unlisten?.().catch(() => {});
    await this.#batcher.idle();
  }

  /** Steps currently executing. */
  get inFlight(): number {
    return this.#running.size;
  }
}

function abortResult(reason: unknown, timeoutMs: number): StepHandlerResult {
  const name = (reason as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError') {
    return StepHandlerResult.failure(`step timed out after ${timeoutMs} ms`, ErrorType.TIMEOUT, true, { timeout_ms: timeoutMs });
  }
  return StepHandlerResult.failure(`step aborted: ${(reason as Error)?.message ?? 'aborted'}`, ErrorType.HANDLER_ERROR, true, { aborted: name ?? 'AbortError' });
}
