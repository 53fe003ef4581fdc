import { isConnectionLost, isTransientDbError } from '../db/connection-errors.ts';
import type { Logger } from '../logging.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { StepHandlerResult } from '../handlers/step-handler-result.ts';
import type { ClaimedStep } from './step-claimer.ts';
import type { CancelSubscription, Lease, StepStore } from './step-store.ts';
import { CompletionBatcher } from './completion-batcher.ts';
import type { Completion } from './step-completer.ts';
import type { ThreadPool } from './thread-pool.ts';
import { AbortKind, abortKindOf, abortWith } from './abort.ts';
import { executeStep, type ExecutionDeps, type TemplateLookup } from './step-execution.ts';
import type { WorkSignal } from '../queue/waker.ts';
import type { WorkerSettings } from './settings.ts';
import { encodeResult, invalidResult } from './result-encoding.ts';
import { waitBeforeRetry } from '../db/reconnect.ts';
import type { StepEventsHook } from '../events/service.ts';

/** Live numbers for status lines, health and metrics. */
export interface WorkerStats {
  claimed: number;
  succeeded: number;
  failed: number;
  lostLeases: number;
  /** Steps this worker found abandoned by a dead worker on their last attempt and failed as worker_lost. */
  workersLost: number;
  inFlight: number;
  /** Step execution durations in ms since the last read (for the histogram). */
  durations: Array<{ namespace: string; ms: number; success: boolean }>;
}

/** Options for {@link Worker}: its primitives (store, signal, lookups) and numbers, no database or config. */
export interface WorkerOptions {
  /** Claims, completions, leases and checkpoints (tasker's tables: `sqlStepStore`; tests pass a fake). */
  store: StepStore;
  /** How the loop waits for work: woken by NOTIFY / in-process signals, or by its poll timer. */
  signal: WorkSignal;
  settings: WorkerSettings;
  registry: HandlerRegistry;
  /** The template of a claimed step's task. */
  templateOf: TemplateLookup;
  logger: Logger;
  workerId: string;
  /** Cancellations from any process (LISTEN); without it, the lease heartbeat finds cancelled steps. */
  cancellations?: CancelSubscription;
  /** Called after completions were written (to wake a co-located orchestrator). */
  onCompleted?: () => void;
  /** Before a handler's first run (rate limits, issue 17). */
  beforeRun?: ExecutionDeps['beforeRun'];
  /** Run handlers in worker threads (`[worker] isolation = "thread"`); handlers the threads don't know run in-process. */
  threadPool?: ThreadPool;
  /** Domain events: planned before a result is recorded, written with it, dispatched once it is committed (issue 15). */
  events?: StepEventsHook;
}

/** One execution of a claimed step; keyed by claim token, since one process may hold two claims of a step. */
interface Running {
  step: ClaimedStep;
  controller: AbortController;
  done: Promise<void>;
  /** The handler has settled: the heartbeat no longer judges this claim. */
  settled: boolean;
}

const leaseOf = (step: ClaimedStep): Lease => ({ stepUuid: step.step_uuid, claimToken: step.claim_token, msgId: step.msg_id });

/** The poll → claim → execute → complete loop (DESIGN §6.6, §9.2–§9.6). */
export class Worker {
  readonly stats: WorkerStats = { claimed: 0, succeeded: 0, failed: 0, lostLeases: 0, workersLost: 0, inFlight: 0, durations: [] };
  readonly #o: WorkerOptions;
  readonly #store: StepStore;
  readonly #deps: ExecutionDeps;
  readonly #running = new Map<string, Running>();
  /** Every claim this process holds, by claim token: from the claim until its completion is written. */
  readonly #leases = new Map<string, Lease>();
  readonly #completing = new Set<Promise<void>>();
  readonly #batcher: CompletionBatcher;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #heartbeatBusy = false;
  #slotFreed: (() => void) | null = null;
  #leaseSeconds: number;
  #unlisten: Promise<(() => Promise<void>) | null> | null = null;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.#leaseSeconds = options.settings.leaseSeconds;
    this.#store = options.store;
    this.#deps = {
      registry: options.registry,
      templateOf: options.templateOf,
      store: this.#store,
      threadPool: options.threadPool,
      defaultTimeoutMs: options.settings.handlerTimeoutMs,
      beforeRun: options.beforeRun,
    };
    this.#batcher = new CompletionBatcher((batch) => this.#store.complete(batch));
  }

  /** Starts the loop and the lease heartbeat. */
  start(): void {
    if (this.#loop) return;
    const every = Math.max(200, Math.min(this.#o.settings.heartbeatMs, (this.#leaseSeconds * 1000) / 3));
    this.#heartbeat = setInterval(() => void this.#extendLeases(), every);
    // cancellations from any process abort our handlers at once; the heartbeat is the fallback without LISTEN
    this.#unlisten = this.#o.cancellations?.((stepUuids) => this.abortSteps(stepUuids)).catch((err) => {
      this.#o.logger.warn('cannot LISTEN for cancellations; relying on the lease heartbeat', { error: (err as Error).message });
      return null;
    }) ?? null;
    this.#loop = this.#run();
  }

  /** Aborts the handlers of these steps if they run here (cancelled or finished manually); returns how many. */
  abortSteps(stepUuids: readonly string[]): number {
    const wanted = new Set(stepUuids);
    let n = 0;
    for (const r of this.#running.values()) {
      if (!wanted.has(r.step.step_uuid) || r.controller.signal.aborted) continue;
      abortWith(r.controller, AbortKind.CANCELLED, 'the step was cancelled');
      n++;
    }
    return n;
  }

  async #run(): Promise<void> {
    const { settings, logger } = this.#o;
    const max = settings.maxConcurrent;
    let failures = 0;
    while (!this.#stopping) {
      const capacity = max - this.#running.size;
      if (capacity <= 0) {
        // load shedding: don't read while the handler pool is full
        await new Promise<void>((r) => (this.#slotFreed = r));
        continue;
      }
      const want = Math.min(capacity, settings.claimBatchSize);
      let claimed: ClaimedStep[];
      try {
        const outcome = await this.#store.claim(want);
        claimed = outcome.claimed;
        if (outcome.lost > 0) {
          this.stats.workersLost += outcome.lost;
          logger.warn(`${outcome.lost} step(s) abandoned by a dead worker on their last attempt were failed as worker_lost`);
          this.#o.onCompleted?.();
        }
        failures = 0;
      } catch (err) {
        failures++;
        logger.warn('claiming steps failed; retrying', { error: (err as Error).message, attempt: failures });
        await waitBeforeRetry(failures);
        continue;
      }
      this.#o.signal.markIdle(claimed.length > 0);
      for (const step of claimed) this.#start(step);
      // fewer rows than asked for: the queue is (momentarily) empty, so wait for a wake-up or the poll timer
      // instead of asking again at once; a wake-up that came meanwhile returns immediately
      if (claimed.length < want && !this.#stopping) await this.#o.signal.wait();
    }
  }

  #start(step: ClaimedStep): void {
    this.stats.claimed++;
    const entry: Running = { step, controller: new AbortController(), done: Promise.resolve(), settled: false };
    this.#running.set(step.claim_token, entry);
    this.#leases.set(step.claim_token, leaseOf(step));
    this.stats.inFlight = this.#running.size;
    entry.done = this.#execute(entry).finally(() => {
      this.#running.delete(step.claim_token);
      this.stats.inFlight = this.#running.size;
      const wake = this.#slotFreed;
      this.#slotFreed = null;
      wake?.();
    });
  }

  async #execute(entry: Running): Promise<void> {
    const { step, controller } = entry;
    const log = this.#o.logger.child({ task_uuid: step.task_uuid, step_uuid: step.step_uuid, namespace: step.namespace, step: step.name });
    const started = performance.now();
    const { handler, result: raw } = await executeStep(this.#deps, step, controller, log);
    entry.settled = true;
    // nothing to record when the step is no longer ours: cancelled, lease lost (the fence would refuse the
    // write, and a new owner runs it), or aborted by shutdown (its lease is released instead)
    const kind = abortKindOf(controller.signal);
    if (!raw || kind === AbortKind.CANCELLED || kind === AbortKind.LEASE_LOST || (kind === AbortKind.SHUTDOWN && this.#stopping)) {
      if (kind === AbortKind.LEASE_LOST) this.stats.lostLeases++;
      // a shutdown-aborted claim keeps its lease entry until stop() released it
      if (kind !== AbortKind.SHUTDOWN) this.#leases.delete(step.claim_token);
      return;
    }
    const { json, result } = encodeResult(raw, handler, this.#o.settings.maxResultBytes);
    const ms = performance.now() - started;
    this.stats.durations.push({ namespace: step.namespace, ms, success: result.success });
    if (this.stats.durations.length > 10_000) this.stats.durations.splice(0, 5_000);
    if (result.success) {
      this.stats.succeeded++;
      log.debug('step completed', { handler, duration_ms: Math.round(ms * 10) / 10, attempt: step.attempts });
    } else {
      this.stats.failed++;
      log.warn('step failed', { handler, error_type: result.errorType, error_code: result.errorCode, error: result.errorMessage, retryable: result.retryable, attempt: step.attempts });
    }
    // the handler slot frees now; the completion commits in the background (batched with others), so
    // claiming the next steps overlaps with writing this result
    const completing = this.#complete(step, handler, result, json, log).finally(() => {
      this.#completing.delete(completing);
      this.#leases.delete(step.claim_token);
    });
    this.#completing.add(completing);
    if (this.#completing.size > this.#o.settings.maxConcurrent * 4) await completing;
  }

  /**
   * Records a result. Only a lost connection (or another transient server condition) is retried; a result
   * PostgreSQL refuses (e.g. a \u0000 in a jsonb string) is replaced once by a permanent RESULT_INVALID failure.
   */
  async #complete(step: ClaimedStep, handler: string, result: StepHandlerResult, json: string, log: Logger): Promise<void> {
    let plan = await this.#o.events?.plan(step, result).catch((err) => {
      log.error('planning the step\'s domain events failed; none are published for this result', { error: (err as Error).message });
      return null;
    }) ?? null;
    let completion: Completion = { ...leaseOf(step), success: result.success, resultsJson: json, events: plan?.outbox };
    let replaced = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const accepted = await this.#batcher.add(completion);
        if (!accepted.has(step.claim_token)) {
          this.stats.lostLeases++;
          log.warn('completion rejected: the lease was lost and the step re-claimed elsewhere');
        } else if (plan) this.#o.events?.committed(plan);
        this.#o.onCompleted?.();
        return;
      } catch (err) {
        if (!isTransientDbError(err)) {
          if (replaced) {
            log.error('recording the step failure failed; the lease will expire and the step count as a lost attempt', { error: (err as Error).message });
            return;
          }
          log.error('the database refused the step result; recording it as a RESULT_INVALID failure', { handler, error: (err as Error).message });
          const failure = invalidResult(handler, `PostgreSQL refused it: ${(err as Error).message}`);
          completion = { ...completion, success: false, resultsJson: JSON.stringify(failure.toJSON()), events: undefined };
          plan = null;
          replaced = true;
          continue;
        }
        // the database is away: keep the result and retry; the claim token fences a stale write
        log.warn('recording the step result failed; retrying', { error: (err as Error).message, attempt, connection_lost: isConnectionLost(err) });
        if (this.#stopping && attempt > 20) return;
        await waitBeforeRetry(attempt);
      }
    }
  }

  async #extendLeases(): Promise<void> {
    if (this.#heartbeatBusy || this.#leases.size === 0) return;
    // every claim is extended until its completion is written (a busy database may hold a finished
    // step's completion for a while); only handlers still running are judged, and only those that were
    // asked about: a step claimed during the round trip is not in the answer, and must not be taken for
    // a lost lease
    const leases = [...this.#leases.values()];
    const asked = [...this.#running.values()].filter((r) => !r.settled && this.#leases.has(r.step.claim_token));
    this.#heartbeatBusy = true;
    try {
      const kept = await this.#store.extend(leases);
      for (const r of asked) {
        if (kept.has(r.step.claim_token) || r.settled || this.#running.get(r.step.claim_token) !== r) continue;
        // cancelled, finished manually or re-claimed elsewhere: stop the handler; there is nothing to record
        abortWith(r.controller, AbortKind.LEASE_LOST, 'lease lost');
      }
    } catch (err) {
      this.#o.logger.warn('lease heartbeat failed', { error: (err as Error).message });
    } finally {
      this.#heartbeatBusy = false;
    }
  }

  /**
   * Graceful stop (DESIGN §9.6): stop claiming, let in-flight handlers finish for up to `timeoutMs`,
   * then abort the rest and release their leases so other workers re-claim them at once, flush completions.
   */
  async stop(timeoutMs = this.#o.settings.shutdownTimeoutMs): Promise<void> {
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
      for (const r of leftovers) abortWith(r.controller, AbortKind.SHUTDOWN, 'worker shutting down');
      const released = await this.#store.release(leftovers.map((r) => leaseOf(r.step))).catch(() => 0);
      for (const r of leftovers) this.#leases.delete(r.step.claim_token);
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
