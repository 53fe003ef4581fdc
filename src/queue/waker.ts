import type { Db } from '../db/types.ts';
import { silentLogger, type Logger } from '../logging.ts';
import { notifyChannel, validateQueueName } from './names.ts';
import type { WakeBus } from './wake-bus.ts';

/** Why {@link Waker.wait} returned. */
export type WakeReason = 'notify' | 'timer' | 'stopped';

/** Options for {@link createWaker}. */
export interface WakerOptions {
  /** Only `listen` (and `pooled`, for the warning) is used, so a test can pass a stub. */
  db: Pick<Db, 'listen'> & Partial<Pick<Db, 'pooled'>>;
  /** Queues whose NOTIFY channels (and WakeBus entries) wake this waker. */
  queues: readonly string[];
  /** Poll interval while there is work; also the first interval after work runs out. */
  pollIntervalMs: number;
  /** Upper bound of the interval as consecutive empty polls double it. */
  maxPollIntervalMs: number;
  /** LISTEN on `tq_<queue>`; when false (or LISTEN is unavailable) the waker polls. */
  useNotify: boolean;
  /** In-process bus to subscribe to, so a co-located producer can wake this consumer directly. */
  bus?: WakeBus;
  /**
   * This process's sender id: a notification whose payload is `<queue>:<selfId>` came from this process,
   * which already woke us through the bus, so it is ignored.
   */
  selfId?: string;
  logger?: Logger;
}

/** What a consumer loop awaits between polls. */
export interface Waker {
  /**
   * Resolves on the next wake-up (notification, `wake()` or bus), when the poll interval passes,
   * or when stopped. A wake-up that arrived while nobody waited resolves it immediately.
   */
  wait(): Promise<WakeReason>;
  /** Wakes the waiting consumer now, or the next `wait()` when nobody is waiting. */
  wake(): void;
  /** Reports a poll's outcome: empty polls double the interval up to the max; work resets it. */
  markIdle(found: boolean): void;
  /** The interval the next `wait()` will use. */
  currentIntervalMs(): number;
  /** Subscribes to notifications and the bus; call before the first poll so nothing sent after it is missed. */
  start(): Promise<void>;
  /** Unsubscribes, and resolves every pending and later `wait()` with 'stopped'. */
  stop(): Promise<void>;
}

/** The part of a {@link Waker} a consumer loop (worker, orchestrator) uses; tests pass a stub. */
export interface WorkSignal {
  wait(): Promise<unknown>;
  wake(): void;
  markIdle(found: boolean): void;
}

// Databases whose missing LISTEN was already reported: a process has several wakers on one database
// and says it once.
const warnedNoListen = new WeakSet<object>();

/** Creates a {@link Waker}: push wake-ups from LISTEN/NOTIFY and the in-process bus, polling as the fallback. */
export function createWaker(options: WakerOptions): Waker {
  const queues = options.queues.map(validateQueueName);
  const logger = options.logger ?? silentLogger;
  const base = Math.max(1, options.pollIntervalMs);
  const max = Math.max(base, options.maxPollIntervalMs);
  let emptyPolls = 0;
  let pending = false;
  let stopped = false;
  let started: Promise<void> | null = null;
  const waiters = new Set<(reason: WakeReason) => void>();
  const cleanups: Array<() => unknown> = [];

  const interval = () => Math.min(max, base * 2 ** Math.max(0, emptyPolls - 1));

  const settleAll = (reason: WakeReason) => {
    const all = [...waiters];
    waiters.clear();
    for (const settle of all) settle(reason);
  };

  const wake = () => {
    if (stopped) return;
    if (waiters.size === 0) pending = true;
    else settleAll('notify');
  };

  async function listenAll(): Promise<void> {
    if (options.bus) for (const queue of queues) cleanups.push(options.bus.subscribe(queue, { wake }));
    if (!options.useNotify) return;
    for (const queue of queues) {
      let unlisten: (() => Promise<void>) | null;
      try {
        const echo = options.bus && options.selfId ? `${queue}:${options.selfId}` : null;
        let listening = false;
        unlisten = await options.db.listen(
          notifyChannel(queue),
          (payload) => {
            if (payload !== echo) wake();
          },
          // re-established after a lost connection: what was sent meanwhile notified nobody, so look now
          () => {
            if (listening) wake();
            listening = true;
          },
        );
      } catch (err) {
        logger.warn('LISTEN failed; falling back to polling', { queue, error: err as Error, poll_interval_ms: base });
        return;
      }
      if (unlisten === null) {
        const first = !warnedNoListen.has(options.db);
        warnedNoListen.add(options.db);
        const message = options.db.pooled
          ? 'LISTEN does not work through a transaction-pooling connection pooler (PgBouncer); falling back to polling'
          : 'LISTEN is not available on this connection; falling back to polling';
        const hint = options.db.pooled ? 'for push wake-ups point [common.database] url at the PostgreSQL server itself (or a session-mode pool)' : undefined;
        const fields = { queues, poll_interval_ms: base, max_poll_interval_ms: max, ...(hint ? { hint } : {}) };
        if (first) logger.warn(message, fields);
        else logger.debug(message, fields);
        return;
      }
      cleanups.push(unlisten);
      if (stopped) break;
    }
  }

  return {
    wait() {
      if (stopped) return Promise.resolve('stopped');
      if (pending) {
        pending = false;
        return Promise.resolve('notify');
      }
      return new Promise<WakeReason>((resolve) => {
        const settle = (reason: WakeReason) => {
          clearTimeout(timer);
          waiters.delete(settle);
          resolve(reason);
        };
        const timer = setTimeout(() => settle('timer'), interval());
        waiters.add(settle);
      });
    },
    wake,
    markIdle(found) {
      emptyPolls = found ? 0 : emptyPolls + 1;
    },
    currentIntervalMs: interval,
    start() {
      started ??= listenAll();
      return started;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      pending = false;
      settleAll('stopped');
      await started?.catch(() => {});
      const all = cleanups.splice(0);
      await Promise.all(all.map(async (cleanup) => {
        try {
          await cleanup();
        } catch (err) {
          logger.debug('UNLISTEN failed', { error: err as Error });
        }
      }));
    },
  };
}
