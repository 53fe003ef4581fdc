import type { TaskerConfig } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { Logger } from '../logging.ts';
import type { WorkSignal } from '../queue/waker.ts';
import { processResultBatch, type CompletionHook } from './result-processor.ts';
import { RESULTS_QUEUE, anyVisible } from '../queue/sql.ts';
import { sweep } from './sweeper.ts';
import { sweepStaleTasks } from './staleness.ts';
import type { AdvanceOutcome } from './task-advancer.ts';
import type { TemplateStore } from '../templates/store.ts';
import { waitBeforeRetry } from '../db/reconnect.ts';

/** Counters for status lines and metrics. */
export interface OrchestratorStats {
  resultsProcessed: number;
  stepsCompleted: number;
  stepsFailed: number;
  stepsRetried: number;
  stepsEnqueued: number;
  tasksCompleted: number;
  tasksFailed: number;
  sweeps: number;
  lastSweepAt: Date | null;
  /** Tasks moved to error (and the DLQ) by the staleness pass. */
  tasksStale: number;
}

/** Options for {@link Orchestrator}. */
export interface OrchestratorOptions {
  db: Db;
  config: TaskerConfig;
  templates: TemplateStore;
  logger: Logger;
  signal: WorkSignal;
  /** This process's id in NOTIFY payloads, so its own consumers skip the echo of wake-ups already sent in-process. */
  senderId?: string;
  hooks?: CompletionHook[];
  /** Hooks for steps that just failed permanently (fail_fast batches). */
  failureHooks?: CompletionHook[];
  /** Called after each pass that enqueued steps or finished tasks (wake co-located workers, events). */
  onOutcome?: (outcome: AdvanceOutcome) => void;
}


// Steps waiting for result processing (workflow_steps_results_idx), or a message someone sent to the results queue.
async function hasWaitingResults(db: Db): Promise<boolean> {
  const [row] = await db.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM workflow_steps
       WHERE state IN ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration')) OR ${anyVisible('$1')} AS any`,
    [RESULTS_QUEUE],
  );
  return row.any;
}

/** The orchestration loop: results in batches, plus the periodic sweep (DESIGN §6.6.5, §6.10, §6.11). */
export class Orchestrator {
  readonly stats: OrchestratorStats = {
    resultsProcessed: 0, stepsCompleted: 0, stepsFailed: 0, stepsRetried: 0, stepsEnqueued: 0,
    tasksCompleted: 0, tasksFailed: 0, sweeps: 0, lastSweepAt: null, tasksStale: 0,
  };
  #lastStaleCheck = 0;
  readonly #o: OrchestratorOptions;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #sweepTimer: ReturnType<typeof setInterval> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retryAt = Infinity;
  #sweeping: Promise<void> | null = null;

  constructor(options: OrchestratorOptions) {
    this.#o = options;
  }

  /** Starts the result loop and the sweep timer. */
  start(): void {
    if (this.#loop) return;
    this.#loop = this.#run();
    this.#sweepTimer = setInterval(() => void this.runSweep(), this.#o.config.orchestration.sweep_interval_ms);
  }

  /** Records an outcome (from here or from task creation in this process). */
  observe(outcome: AdvanceOutcome): void {
    let enqueued = 0;
    for (const n of outcome.enqueued.values()) enqueued += n;
    this.stats.stepsEnqueued += enqueued;
    for (const f of outcome.finished) {
      if (f.state === 'complete') this.stats.tasksCompleted++;
      else if (f.state === 'error') this.stats.tasksFailed++;
    }
    if (outcome.nextWakeAt) this.#scheduleRetryWake(outcome.nextWakeAt);
    this.#o.onOutcome?.(outcome);
  }

  // A precise wake-up for the earliest retry this process knows of, so short backoffs don't wait for the sweep.
  #scheduleRetryWake(at: Date): void {
    const t = at.getTime();
    if (t >= this.#retryAt || this.#stopping) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryAt = t;
    this.#retryTimer = setTimeout(() => {
      this.#retryAt = Infinity;
      this.#retryTimer = null;
      void this.runSweep();
    }, Math.max(0, t - Date.now()) + 5);
  }

  async #run(): Promise<void> {
    const { db, config, templates, logger, signal } = this.#o;
    let failures = 0;
    let woken: unknown = 'notify';
    while (!this.#stopping) {
      try {
        // woken by the poll timer rather than a notification: probe with one cheap autocommit query
        // before opening a transaction, so an idle orchestrator costs one query per poll interval
        if (woken === 'timer' && !(await hasWaitingResults(db))) {
          signal.markIdle(false);
          woken = await signal.wait();
          continue;
        }
        const outcome = await processResultBatch(db, {
          store: templates, limit: config.common.queues.result_batch_size, backoff: config.common.backoff, notify: config.common.queues.notify,
          hooks: this.#o.hooks, failureHooks: this.#o.failureHooks, sender: this.#o.senderId,
        });
        failures = 0;
        this.stats.resultsProcessed += outcome.processed;
        this.stats.stepsCompleted += outcome.completed;
        this.stats.stepsFailed += outcome.failed;
        this.stats.stepsRetried += outcome.retried;
        this.observe(outcome);
        signal.markIdle(outcome.processed > 0);
        if (outcome.skipped > 0 && outcome.processed === 0) {
          // every waiting result belongs to a task another transaction holds: look again shortly
          await waitBeforeRetry(1);
          woken = 'notify';
        } else {
          // a short batch means no result is waiting: wait for the next wake-up instead of polling again
          woken = outcome.processed < config.common.queues.result_batch_size && outcome.skipped === 0 ? await signal.wait() : 'notify';
        }
      } catch (err) {
        failures++;
        logger.warn('processing step results failed; retrying', { error: (err as Error).message, attempt: failures });
        await waitBeforeRetry(failures);
      }
    }
  }

  /** Runs one sweep now (also on its timer). Overlapping calls share one run. */
  runSweep(): Promise<void> {
    if (this.#sweeping) return this.#sweeping;
    this.#sweeping = (async () => {
      try {
        const checkLost = (this.stats.sweeps + 1) % 12 === 0;
        const outcome = await sweep(this.#o.db, { notify: this.#o.config.common.queues.notify, staleSeconds: 30, checkLostMessages: checkLost });
        this.stats.sweeps++;
        this.stats.lastSweepAt = new Date();
        this.observe(outcome);
        if (outcome.messagesResent) {
          this.#o.logger.warn('sweep re-sent lost messages', { steps: outcome.messagesResent });
        }
        await this.#checkStaleness();
      } catch (err) {
        this.#o.logger.warn('sweep failed', { error: (err as Error).message });
      } finally {
        this.#sweeping = null;
      }
    })();
    return this.#sweeping;
  }

  // Staleness (DESIGN §6.11) every `staleness.check_interval_seconds`, as part of a sweep.
  async #checkStaleness(): Promise<void> {
    const staleness = this.#o.config.orchestration.staleness;
    if (!staleness.enabled || Date.now() - this.#lastStaleCheck < staleness.check_interval_seconds * 1000) return;
    this.#lastStaleCheck = Date.now();
    const moved = await sweepStaleTasks(this.#o.db, this.#o.config);
    if (moved.length === 0) return;
    this.stats.tasksStale += moved.length;
    this.#o.logger.warn('stale tasks moved to error and/or the DLQ', {
      tasks: moved.map((m) => `${m.taskUuid} (${m.originalState}${m.failed ? ' → error' : ''}${m.dlqId ? ', dlq' : ''})`),
    });
    const failed = moved.filter((m) => m.failed);
    this.observe({ enqueued: new Map(), finished: failed.map((m) => ({ taskUuid: m.taskUuid, state: 'error' as const })), nextWakeAt: null });
  }

  /** Stops the loop and timers, letting the current batch finish. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#o.signal.wake();
    await this.#loop;
    await this.#sweeping;
  }
}
