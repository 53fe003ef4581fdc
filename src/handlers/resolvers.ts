// The resolver contract and the explicit-mapping resolver (priority 10). A resolver turns a handler definition into
// a handler class or instance; the chain (resolver-chain.ts) tries them by priority.
import type { HandlerDefinition } from './handler-definition.ts';
import type { StepHandler, StepHandlerClass } from './step-handler.ts';

/** A template step's `handler` block as far as resolution is concerned (same shape as HandlerDefinition). */
export type HandlerSpec = HandlerDefinition;

/** Read access to registered handler classes, as resolvers see the registry. */
export interface HandlerLookup {
  getHandlerClass(name: string): StepHandlerClass | undefined;
}

/** Extra context handed to resolvers (the original worker's ResolverConfig). */
export type ResolverConfig = Record<string, unknown>;

/** What a resolver may return: a handler class (instantiated by the chain), an instance, or null. */
export type ResolverOutcome = StepHandlerClass | StepHandler | null;

/**
 * One link of the resolver chain; lower `priority` runs first. `canResolve` (optional) is a cheap pre-check;
 * `resolve` returns null when it cannot resolve the definition, throws only for real failures (a module that fails
 * to load). The second argument is the registry for tasker resolvers, extra config for original-style ones.
 */
export interface BaseResolver {
  readonly name: string;
  readonly priority: number;
  canResolve?(definition: HandlerDefinition, config?: ResolverConfig): boolean;
  resolve(definition: HandlerDefinition, context: HandlerLookup & ResolverConfig): ResolverOutcome | Promise<ResolverOutcome>;
}

/** tasker's name for {@link BaseResolver}. */
export type HandlerResolver = BaseResolver;

/** A factory registered with {@link ExplicitMappingResolver.register}: called with the resolver config. */
export type HandlerFactory = (config: ResolverConfig) => StepHandler;

/** What {@link ExplicitMappingResolver.register} accepts: a handler class, an instance or a factory. */
export type HandlerEntry = StepHandlerClass | StepHandler | HandlerFactory;

function isClass(entry: unknown): entry is StepHandlerClass {
  return typeof entry === 'function' && typeof (entry as { prototype?: { call?: unknown } }).prototype?.call === 'function';
}

/**
 * Resolves a callable that is registered (priority 10): first its own entries (`register(key, classOrInstanceOrFactory)`),
 * then the handler classes of the registry it belongs to.
 */
/** A handler ready to run, as `HandlerRegistry.resolve` describes it (a `ResolvedStepHandler` is one). */
export interface ResolvedHandler {
  /** The handler's name (`static handlerName`, else the class name). */
  name: string;
  /** The callable as written in the template. */
  callable: string;
  /** The method the handler executor calls. */
  method: string;
  /** The resolver that found it. */
  resolver: string;
  handler: StepHandler;
  handlerClass: StepHandlerClass;
}

/** Resolves a registered callable (priority 10). */
export class ExplicitMappingResolver implements BaseResolver {
  readonly name: string;
  readonly priority = 10;
  private readonly entries = new Map<string, HandlerEntry>();
  private readonly lookup: HandlerLookup | null;

  constructor(name = 'explicit_mapping', lookup: HandlerLookup | null = null) {
    this.name = name;
    this.lookup = lookup;
  }

  /** Registers `handler` (class, instance or factory) under `key` (matched against `callable`). */
  register(key: string, handler: HandlerEntry): void {
    this.entries.set(key, handler);
  }

  /** Removes `key`; true when it was registered here. */
  unregister(key: string): boolean {
    return this.entries.delete(key);
  }

  /** True when `definition.callable` is registered here or in the registry. */
  canResolve(definition: HandlerDefinition): boolean {
    return this.entries.has(definition.callable) || this.lookup?.getHandlerClass(definition.callable) !== undefined;
  }

  /** Callables this resolver answers: its own entries, then the registry's handlers. */
  registeredCallables(): string[] {
    const registry = this.lookup && 'listHandlers' in this.lookup ? (this.lookup as { listHandlers(): string[] }).listHandlers() : [];
    return [...new Set([...this.entries.keys(), ...registry])];
  }

  /** The entry for `definition.callable` (a factory is called with `config`), else the registry's class, else null. */
  resolve(definition: HandlerDefinition, config: Partial<HandlerLookup> & ResolverConfig = {}): ResolverOutcome {
    const entry = this.entries.get(definition.callable);
    if (entry !== undefined) {
      if (isClass(entry)) return entry;
      if (typeof entry === 'function') return (entry as HandlerFactory)(config);
      return entry;
    }
    const lookup = this.lookup ?? (typeof config.getHandlerClass === 'function' ? (config as HandlerLookup) : null);
    return lookup?.getHandlerClass(definition.callable) ?? null;
  }
}
