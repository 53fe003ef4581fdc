// Publishers by name, as templates refer to them (`publisher:` of a publishes_events entry).
import { getDefaultLogger } from '../logging.ts';
import { DefaultPublisher, type BasePublisher } from './publisher.ts';

/** A publisher name that is not registered (from {@link PublisherRegistry.getStrict}). */
export class PublisherNotFoundError extends Error {
  readonly publisherName: string;
  readonly registeredPublishers: string[];

  constructor(name: string, registered: string[]) {
    super(`Publisher '${name}' not found. Registered: ${registered.join(', ') || '(none)'}`);
    this.name = 'PublisherNotFoundError';
    this.publisherName = name;
    this.registeredPublishers = registered;
  }
}

/** Publishers templates need but nobody registered (from {@link PublisherRegistry.validateRequired}). */
export class PublisherValidationError extends Error {
  readonly missingPublishers: string[];
  readonly registeredPublishers: string[];

  constructor(missing: string[], registered: string[]) {
    super(`Missing publishers: ${missing.join(', ')}. Registered: ${registered.join(', ') || '(none)'}`);
    this.name = 'PublisherValidationError';
    this.missingPublishers = missing;
    this.registeredPublishers = registered;
  }
}

/** A change to a registry after `freeze()` / a successful `validateRequired()`. */
export class RegistryFrozenError extends Error {
  constructor() {
    super('Registry is frozen after validation');
    this.name = 'RegistryFrozenError';
  }
}

/** A second publisher under a name already taken. */
export class DuplicatePublisherError extends Error {
  readonly publisherName: string;

  constructor(name: string) {
    super(`Publisher '${name}' is already registered`);
    this.name = 'DuplicatePublisherError';
    this.publisherName = name;
  }
}

let singleton: PublisherRegistry | null = null;

/** Publishers by name; `default` is always there. Each engine has one; `PublisherRegistry.instance` is the process-wide one. */
export class PublisherRegistry {
  readonly #publishers = new Map<string, BasePublisher>();
  readonly #default = new DefaultPublisher();
  #frozen = false;

  /** The process-wide registry (publishers registered in code the original way; every engine consults it too). */
  static get instance(): PublisherRegistry {
    singleton ??= new PublisherRegistry();
    return singleton;
  }

  /** Registers a publisher instance under its `publisherName`. */
  register(publisher: BasePublisher): void {
    if (this.#frozen) throw new RegistryFrozenError();
    const name = publisher.publisherName;
    if (this.#publishers.has(name) || name === 'default') throw new DuplicatePublisherError(name);
    this.#publishers.set(name, publisher);
  }

  /** The publisher registered under `name`, if any. */
  get(name: string): BasePublisher | undefined {
    return name === 'default' ? this.#default : this.#publishers.get(name);
  }

  /** The named publisher, or the default one (with a warning when a name was given but is unknown). */
  getOrDefault(name?: string): BasePublisher {
    if (!name || name === 'default') return this.#default;
    const found = this.#publishers.get(name);
    if (!found) getDefaultLogger().warn('domain event publisher not found; using the default publisher', { publisher: name });
    return found ?? this.#default;
  }

  /** The named publisher; {@link PublisherNotFoundError} when it is not registered. */
  getStrict(name: string): BasePublisher {
    const found = this.get(name);
    if (!found) throw new PublisherNotFoundError(name, this.registeredNames);
    return found;
  }

  /** Whether `name` is registered (`default` always is). */
  isRegistered(name: string): boolean {
    return name === 'default' || this.#publishers.has(name);
  }

  /** Registered names (without `default`). */
  get registeredNames(): string[] {
    return [...this.#publishers.keys()];
  }

  /** How many publishers are registered (without `default`). */
  get count(): number {
    return this.#publishers.size;
  }

  /** True when nothing but `default` is registered. */
  get isEmpty(): boolean {
    return this.#publishers.size === 0;
  }

  /** Whether the registry refuses changes. */
  get isFrozen(): boolean {
    return this.#frozen;
  }

  /** Removes a publisher; returns whether it was registered. */
  unregister(name: string): boolean {
    if (this.#frozen) throw new RegistryFrozenError();
    return this.#publishers.delete(name);
  }

  /** Removes every publisher. */
  clear(): void {
    if (this.#frozen) throw new RegistryFrozenError();
    this.#publishers.clear();
  }

  /** Checks that every name is registered ({@link PublisherValidationError} if not), then freezes the registry. */
  validateRequired(required: readonly string[]): void {
    const missing = [...new Set(required)].filter((n) => !this.isRegistered(n));
    if (missing.length) throw new PublisherValidationError(missing, this.registeredNames);
    this.#frozen = true;
  }

  /** Refuses further changes. */
  freeze(): void {
    this.#frozen = true;
  }

  /** Empties and unfreezes the registry (tests). */
  reset(): void {
    this.#publishers.clear();
    this.#frozen = false;
  }
}
