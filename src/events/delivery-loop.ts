// The durable delivery loop of one process (issue 15): claim deliveries for the subscriber groups hosted
// here, hand each event to the group's subscribers, record the outcome. Woken by NOTIFY / the in-process
// bus, polling as the fallback; a heartbeat keeps the leases of slow subscribers.
import type { Db } from '../db/types.ts';
import type { Logger } from '../logging.ts';
import type { Waker } from '../queue/waker.ts';
import { claimDeliveries, extendDeliveryLeases, finishDeliveries, type ClaimedDelivery, type DeliveryOutcome } from './delivery-store.ts';
import { recordToDomainEvent } from './factories.ts';
import type { BaseSubscriber } from './subscriber.ts';

/** Counters of one process's durable deliveries. */
export interface DeliveryStats {
  delivered: number;
  /** Failed handling attempts (each retry counts). */
  failed: number;
  deadLettered: number;
}

/** Options of {@link DeliveryLoop}. */
export interface DeliveryLoopOptions {
  db: Db;
  /** Subscribers by group. */
  groups: ReadonlyMap<string, readonly BaseSubscriber[]>;
  waker: Waker;
  workerId: string;
  logger: Logger;
  stats: DeliveryStats;
  leaseSeconds: number;
  batchSize: number;
  maxAttempts: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Claims and handles deliveries until stopped. */
export class DeliveryLoop {
  readonly #o: DeliveryLoopOptions;
  readonly #inFlight = new Map<string, ClaimedDelivery>();
  readonly #running = new Set<Promise<void>>();
  #slotFreed: (() => void) | null = null;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(options: DeliveryLoopOptions) {
    this.#o = options;
  }

  /** Starts the loop and the lease heartbeat. */
  start(): void {
    if (this.#loop) return;
    const every = Math.max(200, (this.#o.leaseSeconds * 1000) / 3);
    this.#heartbeat = setInterval(() => void this.#extend(), every);
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const { db, groups, batchSize, workerId, leaseSeconds, logger, waker } = this.#o;
    const names = [...groups.keys()];
    let failures = 0;
    while (!this.#stopping) {
      const capacity = batchSize - this.#inFlight.size;
      if (capacity <= 0) {
        await new Promise<void>((r) => (this.#slotFreed = r));
        continue;
      }
      let claimed: ClaimedDelivery[];
      try {
        claimed = await claimDeliveries(db, names, capacity, workerId, leaseSeconds);
        failures = 0;
      } catch (err) {
        failures++;
        logger.warn('claiming domain event deliveries failed; retrying', { error: (err as Error).message, attempt: failures });
        await sleep(Math.min(5000, 100 * 2 ** failures));
        continue;
      }
      waker.markIdle(claimed.length > 0);
      // the claim takes only each task's oldest open delivery per group, so handling them side by side keeps
      // every task's order; each finishes on its own, so one slow subscriber holds up only its own task
      for (const d of claimed) this.#start(d);
      if (claimed.length < capacity && !this.#stopping) await waker.wait();
    }
  }

  #start(d: ClaimedDelivery): void {
    const key = `${d.group_name}/${d.event_seq}`;
    this.#inFlight.set(key, d);
    const done = this.#handle(d)
      .then((outcome) => this.#finish([outcome]))
      .finally(() => {
        this.#inFlight.delete(key);
        this.#running.delete(done);
        const wake = this.#slotFreed;
        this.#slotFreed = null;
        wake?.();
        // the task's next event (if any) is claimable now
        this.#o.waker.wake();
      });
    this.#running.add(done);
  }

  async #handle(d: ClaimedDelivery): Promise<DeliveryOutcome> {
    const event = recordToDomainEvent(d.event, 'durable');
    const base = { group_name: d.group_name, event_seq: d.event_seq, claim_token: d.claim_token };
    try {
      for (const subscriber of this.#o.groups.get(d.group_name) ?? []) {
        if (subscriber.matches(event.eventName)) await subscriber.deliver(event);
      }
      return { ...base, error: null, retryInMs: null };
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const dead = d.attempts >= this.#o.maxAttempts;
      const retryInMs = dead ? null : Math.min(this.#o.maxBackoffMs, this.#o.backoffBaseMs * 2 ** (d.attempts - 1));
      return { ...base, error: message.slice(0, 2000), retryInMs };
    }
  }

  async #finish(outcomes: DeliveryOutcome[]): Promise<void> {
    const { db, logger, stats } = this.#o;
    for (let attempt = 1; ; attempt++) {
      try {
        const states = await finishDeliveries(db, outcomes);
        for (const o of outcomes) {
          const state = states.get(`${o.group_name}/${o.event_seq}`);
          if (state === 'delivered') stats.delivered++;
          else if (state === 'pending') stats.failed++;
          else if (state === 'dead') {
            stats.failed++;
            stats.deadLettered++;
            logger.error('domain event delivery dead-lettered after its last attempt', { group: o.group_name, event_seq: o.event_seq, error: o.error });
          } else logger.warn('domain event delivery outcome dropped: the lease was lost and the event handed to another process', { group: o.group_name, event_seq: o.event_seq });
        }
        return;
      } catch (err) {
        // the lease covers us meanwhile; past it, another process redelivers (at least once)
        logger.warn('recording domain event deliveries failed; retrying', { error: (err as Error).message, attempt });
        if (this.#stopping && attempt > 5) return;
        await sleep(Math.min(5000, 100 * 2 ** attempt));
      }
    }
  }

  async #extend(): Promise<void> {
    if (this.#inFlight.size === 0) return;
    try {
      await extendDeliveryLeases(this.#o.db, [...this.#inFlight.values()], this.#o.leaseSeconds);
    } catch (err) {
      this.#o.logger.warn('domain event lease heartbeat failed', { error: (err as Error).message });
    }
  }

  /** Stops claiming and waits (up to `timeoutMs`) for the deliveries in hand; unfinished ones are redelivered after their lease. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#stopping = true;
    this.#o.waker.wake();
    this.#slotFreed?.();
    await this.#loop;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all([...this.#running]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
  }
}
