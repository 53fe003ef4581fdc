// Subscribers receive domain events: fast ones in the process that ran the step, durable ones from the
// outbox in any process that hosts them, once per subscriber group (issue 15).
import { getDefaultLogger, type Logger } from '../logging.ts';
import type { DomainEvent } from './types.ts';

/** The static side of a subscriber class. */
export interface SubscriberClass {
  /** Event-name patterns; `*` matches any run of characters (`payment.*`, `*`). */
  subscribesTo(): string[];
  /** Processes hosting subscribers of one group share its durable deliveries (default: the class name). */
  subscriberGroup?: string;
  new (): BaseSubscriber;
}

/** Whether `eventName` matches `pattern` (`*` = any run of characters, everything else literal). */
export function matchesPattern(eventName: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(eventName);
}

/** The SQL LIKE form of a pattern (`_`, `%` and `\` escaped), for matching in the database. */
export function likePattern(pattern: string): string {
  return pattern.split('*').map((p) => p.replace(/[\\%_]/g, '\\$&')).join('%');
}

/** Base class of event subscribers, discovered from the handler path like handlers. */
export abstract class BaseSubscriber {
  #active = false;

  /** The patterns this subscriber receives; override. */
  static subscribesTo(): string[] {
    return ['*'];
  }

  /** The process logger. */
  protected get logger(): Logger {
    return getDefaultLogger().child({ subscriber: this.constructor.name });
  }

  /** Whether the subscriber is receiving events. */
  get active(): boolean {
    return this.#active;
  }

  /** Its patterns. */
  get subscriptions(): readonly string[] {
    return (this.constructor as unknown as SubscriberClass).subscribesTo();
  }

  /** Handles one event; a throw (or rejection) makes a durable delivery retry with backoff. */
  abstract handle(event: DomainEvent): void | Promise<void>;

  /** Runs before `handle`; false skips the event (a durable delivery then counts as delivered). */
  beforeHandle(_event: DomainEvent): boolean {
    return true;
  }

  /** Runs after `handle` succeeded. */
  afterHandle(_event: DomainEvent): void {}

  /** Runs when `handle` threw. */
  onHandleError(event: DomainEvent, error: Error): void {
    this.logger.warn('domain event subscriber failed', { event: event.eventName, event_id: event.eventId, error: error.message });
  }

  /** Whether this subscriber wants `eventName`. */
  matches(eventName: string): boolean {
    return this.subscriptions.some((p) => matchesPattern(eventName, p));
  }

  /** Marks it active (the engine calls this when it starts delivering). */
  start(): void {
    this.#active = true;
  }

  /** Marks it inactive. */
  stop(): void {
    this.#active = false;
  }

  /** The full flow for one event: beforeHandle → handle → afterHandle, onHandleError and rethrow on failure. */
  async deliver(event: DomainEvent): Promise<void> {
    if (!this.beforeHandle(event)) return;
    try {
      await this.handle(event);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      try {
        this.onHandleError(event, error);
      } catch {
        // a failing error hook must not hide the handler's error
      }
      throw error;
    }
    this.afterHandle(event);
  }
}

/** The group a subscriber's durable deliveries belong to: `static subscriberGroup`, else the class name. */
export function subscriberGroupOf(subscriber: BaseSubscriber): string {
  const cls = subscriber.constructor as unknown as SubscriberClass;
  return cls.subscriberGroup || cls.name;
}

/** Whether `value` is a subscriber class (duck-typed: static subscribesTo, prototype handle and deliver). */
export function isSubscriberClass(value: unknown): value is SubscriberClass {
  if (typeof value !== 'function' || value === BaseSubscriber) return false;
  const proto = (value as { prototype?: Record<string, unknown> }).prototype;
  return typeof (value as { subscribesTo?: unknown }).subscribesTo === 'function' && !!proto && typeof proto.handle === 'function' && typeof proto.deliver === 'function';
}

let singleton: SubscriberRegistry | null = null;

/** Subscriber classes and instances; every engine has one, `SubscriberRegistry.instance` is the process-wide one. */
export class SubscriberRegistry {
  readonly #classes: SubscriberClass[] = [];
  readonly #instances: BaseSubscriber[] = [];
  #started = false;

  /** The process-wide registry (subscribers registered in code the original way; every engine consults it too). */
  static get instance(): SubscriberRegistry {
    singleton ??= new SubscriberRegistry();
    return singleton;
  }

  /** Registers a class; it is instantiated by `startAll()` (or the engine). */
  register(cls: SubscriberClass): void {
    if (!this.#classes.includes(cls)) this.#classes.push(cls);
  }

  /** Registers a ready instance (one that needs constructor arguments). */
  registerInstance(subscriber: BaseSubscriber): void {
    if (!this.#instances.includes(subscriber)) this.#instances.push(subscriber);
  }

  /** Instantiates the registered classes (once) and marks every subscriber active; returns them. */
  startAll(): BaseSubscriber[] {
    if (!this.#started) {
      for (const cls of this.#classes.splice(0)) {
        try {
          this.#instances.push(new cls());
        } catch (err) {
          getDefaultLogger().error('cannot instantiate a domain event subscriber', { subscriber: cls.name, error: (err as Error).message });
        }
      }
      this.#started = true;
    }
    for (const s of this.#instances) s.start();
    return [...this.#instances];
  }

  /** Marks every subscriber inactive. */
  stopAll(): void {
    for (const s of this.#instances) s.stop();
    this.#started = false;
  }

  /** Whether `startAll()` ran. */
  get isStarted(): boolean {
    return this.#started;
  }

  /** Registered classes plus instances. */
  get count(): number {
    return this.#classes.length + this.#instances.length;
  }

  /** The registered classes and instances' classes, for listings. */
  get classes(): SubscriberClass[] {
    return [...this.#classes, ...this.#instances.map((s) => s.constructor as unknown as SubscriberClass)];
  }

  /** Counts and patterns, for status output. */
  get stats(): { started: boolean; subscriberCount: number; activeCount: number; subscribers: Array<{ className: string; active: boolean; patterns: readonly string[] }> } {
    return {
      started: this.#started,
      subscriberCount: this.#instances.length,
      activeCount: this.#instances.filter((s) => s.active).length,
      subscribers: this.#instances.map((s) => ({ className: s.constructor.name, active: s.active, patterns: s.subscriptions })),
    };
  }

  /** Stops and forgets everything (tests). */
  reset(): void {
    this.stopAll();
    this.#classes.length = 0;
    this.#instances.length = 0;
  }
}
