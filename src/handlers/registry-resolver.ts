// The original worker's base class for custom resolvers: match callables by a static `pattern` or `prefix`.
import type { HandlerDefinition } from './handler-definition.ts';
import type { BaseResolver, ResolverConfig, ResolverOutcome } from './resolvers.ts';

/** Static configuration a {@link RegistryResolver} subclass sets. */
export interface RegistryResolverStatic {
  readonly _name: string;
  readonly _priority?: number;
  readonly pattern?: RegExp;
  readonly prefix?: string;
}

/**
 * Subclass with `static _name`, optional `static _priority` (default 50) and `static pattern` or `prefix`, and
 * implement `resolveHandler(definition, match)` returning a handler instance or class (or null).
 */
export abstract class RegistryResolver implements BaseResolver {
  /** `static _name` (default `custom_resolver`). */
  get name(): string {
    return (this.constructor as unknown as Partial<RegistryResolverStatic>)._name ?? 'custom_resolver';
  }

  /** `static _priority` (default 50). */
  get priority(): number {
    return (this.constructor as unknown as Partial<RegistryResolverStatic>)._priority ?? 50;
  }

  /** True when the callable matches `static pattern` (or starts with `static prefix`). */
  canResolve(definition: HandlerDefinition): boolean {
    const ctor = this.constructor as unknown as Partial<RegistryResolverStatic>;
    if (ctor.pattern) return new RegExp(ctor.pattern.source, ctor.pattern.flags.replace('g', '')).test(definition.callable);
    return ctor.prefix ? definition.callable.startsWith(ctor.prefix) : false;
  }

  /** Calls {@link resolveHandler} with the pattern's match (null without a pattern). */
  async resolve(definition: HandlerDefinition, config?: ResolverConfig): Promise<ResolverOutcome> {
    const ctor = this.constructor as unknown as Partial<RegistryResolverStatic>;
    const match = ctor.pattern ? definition.callable.match(ctor.pattern) : null;
    return this.resolveHandler(definition, match, config);
  }

  /** The resolution logic of the subclass. */
  abstract resolveHandler(definition: HandlerDefinition, match: RegExpMatchArray | null, config?: ResolverConfig): Promise<ResolverOutcome> | ResolverOutcome;
}
