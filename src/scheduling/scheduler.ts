// The orchestrator's clock (issue 17): one timer armed for the nearest due moment — a delayed task's run_at
// or a schedule's next tick — plus a periodic net at the sweep interval for times set by other processes.
// No polling loop: between those moments nothing runs.
import type { Db } from '../db/types.ts';
import type { Logger } from '../logging.ts';
import type { AdvanceOutcome } from '../orchestration/task-advancer.ts';
import type { TemplateStore } from '../templates/store.ts';
import { startDueTasks } from './delayed-starter.ts';
import { fireSchedules } from './schedule-store.ts';

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  db: Db;
  store: TemplateStore;
  logger: Logger;
  notify: boolean;
  sender?: string;
  maxInputBytes: number;
  /** The net: how often to look for due work that this process was not told about (ms). */
  intervalMs: number;
  /** Each pass's outcome (enqueued steps, finished tasks), to wake co-located workers. */
  onOutcome: (outcome: AdvanceOutcome) => void;
}

/** Starts delayed tasks on time and fires cron schedules. */
export class Scheduler {
  readonly #o: SchedulerOptions;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Infinity;
  #net: ReturnType<typeof setInterval> | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  /** Delayed tasks started and schedule tasks created by this process. */
  readonly stats = { delayedStarted: 0, scheduledCreated: 0 };

  constructor(o: SchedulerOptions) {
    this.#o = o;
  }

  /** Runs a first pass (catch-up after downtime) and arms the timers. */
  start(): void {
    this.#net = setInterval(() => void this.run(), this.#o.intervalMs);
    void this.run();
  }

  /** Arms the timer for `at` if it is earlier than the one armed (a delayed task created in this process). */
  wakeAt(at: Date | null): void {
    if (!at || this.#stopped) return;
    const t = at.getTime();
    if (t >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = t;
    // +1 ms: the database's now() must have passed the moment too
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      void this.run();
    }, Math.max(0, t - Date.now()) + 1);
  }

  /**
   * Tasks just finished: runs a pass if any of them held a concurrency slot (their waiting peers can start).
   * Most finished tasks hold none, and a pass costs several statements, so this probes first.
   */
  async afterFinished(taskUuids: readonly string[]): Promise<void> {
    if (this.#stopped || taskUuids.length === 0) return;
    try {
      const [row] = await this.#o.db.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM concurrency_holds WHERE task_uuid = ANY($1::uuid[])) AS held`, [taskUuids]);
      if (row.held) await this.run();
    } catch (err) {
      this.#o.logger.warn('releasing concurrency slots failed', { error: (err as Error).message });
    }
  }

  /** One pass now; a call during a pass runs one more pass after it. */
  run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again && !this.#stopped);
      this.#running = null;
    })();
    return this.#running;
  }

  async #pass(): Promise<void> {
    if (this.#stopped) return;
    const { db, store, logger, notify, sender, maxInputBytes } = this.#o;
    try {
      const delayed = await startDueTasks(db, { notify, sender });
      this.stats.delayedStarted += delayed.started;
      if (delayed.started) this.#o.onOutcome(delayed);
      this.wakeAt(delayed.nextRunAt);
    } catch (err) {
      logger.warn('starting delayed tasks failed', { error: (err as Error).message });
    }
    try {
      const fired = await fireSchedules(db, store, { notify, sender, maxInputBytes, logger });
      this.stats.scheduledCreated += fired.created;
      if (fired.created) this.#o.onOutcome(fired);
      this.wakeAt(fired.nextTickAt);
    } catch (err) {
      logger.warn('firing schedules failed', { error: (err as Error).message });
    }
  }

  /** Stops the timers and waits for a running pass. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#net) clearInterval(this.#net);
    await this.#running;
  }
}
