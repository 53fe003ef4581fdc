// Domain events in one engine process (issue 15): plans the events of finished steps for the worker,
// dispatches fast events in-process once their result is committed, runs durable delivery for the
// subscriber groups hosted here, and applies retention.
import type { TaskerConfig } from '../config/schema.ts';
import type { Db } from '../db/types.ts';
import type { StepHandlerResult } from '../handlers/step-handler-result.ts';
import type { Logger } from '../logging.ts';
import type { TemplateStore } from '../templates/store.ts';
import type { WakeBus } from '../queue/wake-bus.ts';
import { createWaker, type Waker } from '../queue/waker.ts';
import type { ClaimedStep } from '../worker/step-claimer.ts';
import { DeliveryLoop, type DeliveryStats } from './delivery-loop.ts';
import { purgeEvents, registerGroups } from './delivery-store.ts';
import { recordToDomainEvent } from './factories.ts';
import { EVENTS_BUS_KEY } from './outbox.ts';
import type { BasePublisher } from './publisher.ts';
import { PublisherRegistry } from './publisher-registry.ts';
import { planStepEvents, type StepEventsPlan } from './step-events.ts';
import { likePattern, subscriberGroupOf, SubscriberRegistry, type BaseSubscriber } from './subscriber.ts';

/** What the worker asks of domain events: a plan before recording a result, and a call once it is committed. */
export interface StepEventsHook {
  /** The events `result` fires (null: none); durable ones go into the completion's transaction. */
  plan(step: ClaimedStep, result: StepHandlerResult): Promise<StepEventsPlan | null>;
  /** The completion with these events was accepted and committed: run hooks, dispatch fast events. */
  committed(plan: StepEventsPlan): void;
}

/** Counters for `/metrics`. */
export interface DomainEventStats extends DeliveryStats {
  publishedDurable: number;
  publishedFast: number;
  schemaInvalid: number;
  /** Fast (in-process) handlings that threw. */
  fastFailed: number;
}

/** Options of {@link DomainEvents}. */
export interface DomainEventsOptions {
  config: TaskerConfig;
  logger: Logger;
  publishers: PublisherRegistry;
  subscribers: SubscriberRegistry;
  bus: WakeBus;
  workerId: string;
}

/** Domain events of one engine. */
export class DomainEvents implements StepEventsHook {
  readonly stats: DomainEventStats = { publishedDurable: 0, publishedFast: 0, schemaInvalid: 0, fastFailed: 0, delivered: 0, failed: 0, deadLettered: 0 };
  readonly #o: DomainEventsOptions;
  #db: Db | null = null;
  #templates: TemplateStore | null = null;
  #local: BaseSubscriber[] = [];
  #loop: DeliveryLoop | null = null;
  #waker: Waker | null = null;
  #retention: ReturnType<typeof setInterval> | null = null;

  constructor(options: DomainEventsOptions) {
    this.#o = options;
  }

  /** Subscribers hosted by this process. */
  get subscribers(): readonly BaseSubscriber[] {
    return this.#local;
  }

  /** Starts delivery for the hosted subscriber groups (if any) and the retention timer. */
  async start(db: Db, templates: TemplateStore): Promise<void> {
    this.#db = db;
    this.#templates = templates;
    const ev = this.#o.config.events;
    if (!ev.enabled) return;
    const registries = [this.#o.subscribers, SubscriberRegistry.instance].filter((r, i, all) => all.indexOf(r) === i);
    this.#local = registries.flatMap((r) => r.startAll());
    const groups = new Map<string, BaseSubscriber[]>();
    for (const s of this.#local) groups.set(subscriberGroupOf(s), [...(groups.get(subscriberGroupOf(s)) ?? []), s]);
    if (groups.size > 0) {
      await registerGroups(db, [...groups].map(([group, subs]) => ({ group, likePatterns: [...new Set(subs.flatMap((s) => s.subscriptions.map(likePattern)))] })));
      const q = this.#o.config.common.queues;
      this.#waker = createWaker({
        db, queues: [EVENTS_BUS_KEY], pollIntervalMs: ev.poll_interval_ms, maxPollIntervalMs: ev.max_poll_interval_ms,
        useNotify: q.notify, bus: this.#o.bus, selfId: this.#o.workerId, logger: this.#o.logger,
      });
      await this.#waker.start();
      this.#loop = new DeliveryLoop({
        db, groups, waker: this.#waker, workerId: this.#o.workerId, logger: this.#o.logger.child({ role: 'events' }), stats: this.stats,
        leaseSeconds: ev.lease_seconds, batchSize: ev.batch_size, maxAttempts: ev.max_attempts, backoffBaseMs: ev.backoff_base_ms, maxBackoffMs: ev.max_backoff_ms,
      });
      this.#loop.start();
      this.#o.logger.info('domain event subscribers started', { groups: [...groups.keys()] });
    }
    this.#retention = setInterval(() => void this.purge(), ev.retention_check_interval_seconds * 1000);
  }

  /** Deletes events past `[events] retention_hours`; returns how many. */
  async purge(): Promise<number> {
    if (!this.#db) return 0;
    try {
      const n = await purgeEvents(this.#db, this.#o.config.events.retention_hours);
      if (n > 0) this.#o.logger.info('domain events past their retention deleted', { count: n });
      return n;
    } catch (err) {
      this.#o.logger.warn('domain event retention failed', { error: (err as Error).message });
      return 0;
    }
  }

  /** Stops delivery (in-hand deliveries get up to `timeoutMs`) and the retention timer. */
  async stop(timeoutMs?: number): Promise<void> {
    if (this.#retention) clearInterval(this.#retention);
    this.#retention = null;
    await this.#loop?.stop(timeoutMs);
    await this.#waker?.stop();
    this.#loop = null;
    this.#waker = null;
    for (const s of this.#local) s.stop();
  }

  #publisher(name: string | undefined): BasePublisher {
    if (!name || name === 'default') return this.#o.publishers.getOrDefault();
    return this.#o.publishers.get(name) ?? PublisherRegistry.instance.get(name) ?? this.#o.publishers.getOrDefault(name);
  }

  async plan(step: ClaimedStep, result: StepHandlerResult): Promise<StepEventsPlan | null> {
    if (!this.#o.config.events.enabled || !this.#db || !this.#templates) return null;
    const template = await this.#templates.byId(this.#db, step.named_task_id);
    return planStepEvents({ publisher: (n) => this.#publisher(n), logger: this.#o.logger, onSchemaInvalid: () => this.stats.schemaInvalid++ }, template, step, result);
  }

  committed(plan: StepEventsPlan): void {
    this.stats.publishedDurable += plan.outbox.length;
    this.stats.publishedFast += plan.fast.length;
    for (const hook of plan.afterCommit) {
      try {
        hook();
      } catch (err) {
        this.#o.logger.warn('a publisher afterPublish hook failed', { error: (err as Error).message });
      }
    }
    if (plan.outbox.length) this.#o.bus.wake(EVENTS_BUS_KEY);
    for (const record of plan.fast) {
      const event = recordToDomainEvent(record, 'fast');
      for (const s of this.#local) {
        if (!s.matches(event.eventName)) continue;
        // best effort: not stored, not retried
        void s.deliver(event).catch(() => this.stats.fastFailed++);
      }
    }
  }
}
