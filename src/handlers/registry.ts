import { ResolvedStepHandler } from './executable.ts';
import { hasResolverHint, normalizeToDefinition, type HandlerSpec } from './handler-definition.ts';
import { ModulePathResolver, type ModulePathResolverOptions } from './module-path-resolver.ts';
import { ResolverNotFoundError } from './registry-errors.ts';
import { ResolverChain } from './resolver-chain.ts';
import { ExplicitMappingResolver, type BaseResolver } from './resolvers.ts';
import type { StepHandler, StepHandlerClass } from './step-handler.ts';

/** Options of {@link HandlerRegistry}. */
export interface HandlerRegistryOptions {
  /** Options of the built-in module-path resolver (its base directory, module loader). */
  modulePath?: ModulePathResolverOptions;
}

/**
 * Registered handler classes plus the resolver chain that turns a template's `handler` spec into a runnable
 * handler: explicit mapping (priority 10), then module paths / packages (`module_path`, alias `class_lookup`,
 * priority 100), then custom resolvers by priority. A spec's `resolver` restricts resolution to that one resolver.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, StepHandlerClass>();
  private readonly chain: ResolverChain;
  private readonly explicit: ExplicitMappingResolver;
  private initialized = false;

  constructor(options: HandlerRegistryOptions = {}) {
    this.chain = new ResolverChain(this);
    this.explicit = new ExplicitMappingResolver('explicit_mapping', this);
    this.chain.addResolver(this.explicit);
    this.chain.addResolver(new ModulePathResolver(options.modulePath));
  }

  /** Prepares the registry (the resolver chain is ready at construction, so this only marks it initialized). */
  async initialize(): Promise<void> {
    this.initialized = true;
  }

  /** {@link initialize} unless already done. */
  async ensureInitialized(): Promise<void> {
    if (!this.initialized) await this.initialize();
  }

  /** Registers `cls` under `name`, or under its static `handlerName` when called as `register(cls)`. Replaces an existing entry. */
  register(nameOrClass: string | StepHandlerClass, cls?: StepHandlerClass): void {
    const handlerClass = typeof nameOrClass === 'string' ? cls : nameOrClass;
    const name = typeof nameOrClass === 'string' ? nameOrClass : nameOrClass?.handlerName;
    if (typeof handlerClass !== 'function' || typeof handlerClass.prototype?.call !== 'function') {
      throw new TypeError(`Handler '${String(name)}' must be a class with a call(context) method`);
    }
    if (!name) throw new TypeError(`Handler class ${handlerClass.name} has no static handlerName; pass a name`);
    this.handlers.set(name, handlerClass);
  }

  /** Removes `name`; true when it was registered. */
  unregister(name: string): boolean {
    return this.handlers.delete(name);
  }

  /** The class registered as `name`. */
  getHandlerClass(name: string): StepHandlerClass | undefined {
    return this.handlers.get(name);
  }

  /** True when `name` is registered. */
  isRegistered(name: string): boolean {
    return this.handlers.has(name);
  }

  /** Registered handler names, in registration order. */
  listHandlers(): string[] {
    return [...this.handlers.keys()];
  }

  /** Number of registered handlers. */
  handlerCount(): number {
    return this.handlers.size;
  }

  /** Removes every registered handler (resolvers stay). */
  clear(): void {
    this.handlers.clear();
  }

  /** Adds a resolver to the chain (kept sorted by priority; a resolver with the same name is replaced). */
  addResolver(resolver: BaseResolver): void {
    this.chain.addResolver(resolver);
  }

  /** The resolver named `name` (`class_lookup` finds the module-path resolver). */
  getResolver(name: string): BaseResolver | undefined {
    return this.chain.getResolver(name);
  }

  /** `[name, priority]` of every resolver, in the order they are tried. */
  listResolvers(): Array<[string, number]> {
    return this.chain.listResolvers();
  }

  /** The resolver chain this registry resolves with. */
  getResolverChain(): ResolverChain {
    return this.chain;
  }

  /**
   * Resolves a callable (or full spec) to a handler ready to run: `call(context)` runs it, `handler` / `method` say
   * what runs. A `method` the handler lacks falls back to `call` with a warning (`requestedMethod` keeps the name).
   * Null when no resolver finds it or the spec names an unknown resolver. Rejects with TaskerError
   * HANDLER_LOAD_FAILED when a module fails to load or the constructor throws.
   */
  async resolve(spec: HandlerSpec): Promise<ResolvedStepHandler | null> {
    try {
      return await this.chain.resolve(spec);
    } catch (err) {
      if (err instanceof ResolverNotFoundError) return null;
      throw err;
    }
  }

  /** Like {@link resolve} but synchronous, from registered handlers only (explicit mapping); null otherwise. */
  resolveSync(spec: HandlerSpec): ResolvedStepHandler | null {
    const definition = normalizeToDefinition(spec);
    if (hasResolverHint(definition) && this.chain.getResolver(definition.resolver!) !== this.explicit) return null;
    const outcome = this.explicit.resolve(definition);
    if (!outcome) return null;
    const handler: StepHandler = typeof outcome === 'function' ? new outcome() : outcome;
    return this.chain.wrapForMethodDispatch(handler, definition, this.explicit.name);
  }

  /** What the registry holds: `{initialized, handlerCount, handlers: {name: className}, resolvers}`. */
  debugInfo(): Record<string, unknown> {
    return {
      initialized: this.initialized,
      handlerCount: this.handlers.size,
      handlers: Object.fromEntries([...this.handlers].map(([name, cls]) => [name, cls.name])),
      resolvers: this.listResolvers(),
    };
  }
}

export { ResolvedStepHandler };
