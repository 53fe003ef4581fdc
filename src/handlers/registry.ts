import { TaskerError } from '../errors.ts';
import type { StepHandlerClass } from './step-handler.ts';
import {
  ExplicitMappingResolver,
  ModulePathResolver,
  type HandlerResolver,
  type HandlerSpec,
  type ModulePathResolverOptions,
  type ResolvedHandler,
} from './resolvers.ts';

/** Options of {@link HandlerRegistry}. */
export interface HandlerRegistryOptions {
  /** Options of the built-in module-path resolver (its base directory, module loader). */
  modulePath?: ModulePathResolverOptions;
}

/**
 * Registered handler classes plus the resolver chain that turns a template's `handler` spec into a runnable
 * handler: explicit mapping (priority 10), then relative module paths (priority 100), then custom resolvers
 * by priority. A spec's `resolver` restricts resolution to that one resolver.
 */
export class HandlerRegistry {
  private readonly handlers = new Map<string, StepHandlerClass>();
  private readonly resolvers: HandlerResolver[] = [];

  constructor(options: HandlerRegistryOptions = {}) {
    this.addResolver(new ExplicitMappingResolver());
    this.addResolver(new ModulePathResolver(options.modulePath));
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
  addResolver(resolver: HandlerResolver): void {
    const existing = this.resolvers.findIndex((r) => r.name === resolver.name);
    if (existing !== -1) this.resolvers.splice(existing, 1);
    this.resolvers.push(resolver);
    this.resolvers.sort((a, b) => a.priority - b.priority);
  }

  /** The resolver named `name`. */
  getResolver(name: string): HandlerResolver | undefined {
    return this.resolvers.find((r) => r.name === name);
  }

  /** `[name, priority]` of every resolver, in the order they are tried. */
  listResolvers(): Array<[string, number]> {
    return this.resolvers.map((r) => [r.name, r.priority]);
  }

  /**
   * Resolves a callable (or full spec) to an instance ready for `executeHandler`. Null when no resolver finds it,
   * the spec names an unknown resolver, or the handler lacks `spec.method`. Rejects with TaskerError
   * HANDLER_LOAD_FAILED when a module fails to load or the constructor throws.
   */
  async resolve(spec: string | HandlerSpec): Promise<ResolvedHandler | null> {
    const full: HandlerSpec = typeof spec === 'string' ? { callable: spec } : spec;
    const chain = full.resolver ? this.resolvers.filter((r) => r.name === full.resolver) : this.resolvers;
    for (const resolver of chain) {
      const cls = await resolver.resolve(full, this);
      if (!cls) continue;
      const method = full.method || 'call';
      let handler;
      try {
        handler = new cls();
      } catch (err) {
        throw new TaskerError('HANDLER_LOAD_FAILED', `Handler '${full.callable}' could not be constructed: ${(err as Error)?.message ?? String(err)}`, {
          cause: err,
          details: { callable: full.callable },
        });
      }
      if (typeof (handler as unknown as Record<string, unknown>)[method] !== 'function') return null;
      return { name: handler.name, callable: full.callable, method, resolver: resolver.name, handler, handlerClass: cls };
    }
    return null;
  }
}
