// The resolver chain: resolvers by priority, a `handler.resolver` hint picks one, `handler.method` picks the method
// (falling back to `call`, with a warning, when the handler lacks it, as the original worker does).
import { TaskerError } from '../errors.ts';
import { ResolvedStepHandler } from './executable.ts';
import { effectiveMethod, hasResolverHint, normalizeToDefinition, usesMethodDispatch, type HandlerDefinition, type HandlerSpec } from './handler-definition.ts';
import { logWarn } from './log-helpers.ts';
import { ClassLookupResolver } from './module-path-resolver.ts';
import { ResolverNotFoundError } from './registry-errors.ts';
import { ExplicitMappingResolver, type BaseResolver, type HandlerLookup, type ResolverConfig, type ResolverOutcome } from './resolvers.ts';
import type { StepHandler } from './step-handler.ts';

// the original worker names the module-path resolver class_lookup; either name finds it
const ALIASES: Record<string, string> = { class_lookup: 'module_path', module_path: 'class_lookup' };
const noLookup: HandlerLookup = { getHandlerClass: () => undefined };

function hasMethod(handler: StepHandler, method: string): boolean {
  return typeof (handler as unknown as Record<string, unknown>)[method] === 'function';
}

/** Resolvers in priority order (lowest first); a resolver added with an existing name replaces it. */
export class ResolverChain {
  private readonly resolvers: BaseResolver[] = [];
  private readonly lookup: HandlerLookup;
  private readonly warned = new Set<string>();

  constructor(lookup: HandlerLookup = noLookup) {
    this.lookup = lookup;
  }

  /** A chain with the original's default resolvers: explicit_mapping (10) and class_lookup (100). */
  static async default(): Promise<ResolverChain> {
    return ResolverChain.withResolvers([new ExplicitMappingResolver(), new ClassLookupResolver()]);
  }

  /** A chain with exactly these resolvers. */
  static withResolvers(resolvers: BaseResolver[]): ResolverChain {
    const chain = new ResolverChain();
    for (const r of resolvers) chain.addResolver(r);
    return chain;
  }

  /** Adds `resolver` (replacing one of the same name) and keeps the chain sorted by priority. */
  addResolver(resolver: BaseResolver): void {
    const existing = this.resolvers.findIndex((r) => r.name === resolver.name);
    if (existing !== -1) this.resolvers.splice(existing, 1);
    this.resolvers.push(resolver);
    this.resolvers.sort((a, b) => a.priority - b.priority);
  }

  /** The resolver named `name` (`class_lookup` and `module_path` name the same one). */
  getResolver(name: string): BaseResolver | undefined {
    return this.resolvers.find((r) => r.name === name) ?? this.resolvers.find((r) => r.name === ALIASES[name]);
  }

  /** `[name, priority]` of every resolver, in the order they are tried. */
  listResolvers(): Array<[string, number]> {
    return this.resolvers.map((r) => [r.name, r.priority]);
  }

  /**
   * Resolves a spec to a runnable handler, or null when no resolver finds it. Throws ResolverNotFoundError for an
   * unknown `resolver` hint and TaskerError HANDLER_LOAD_FAILED when a module fails to load or a constructor throws.
   */
  async resolve(spec: HandlerSpec, config: ResolverConfig = {}): Promise<ResolvedStepHandler | null> {
    const definition = normalizeToDefinition(spec);
    let chain = this.resolvers;
    if (hasResolverHint(definition)) {
      const hinted = this.getResolver(definition.resolver!);
      if (!hinted) throw new ResolverNotFoundError(definition.resolver!, this.resolvers.map((r) => r.name));
      chain = [hinted];
    }
    const context: HandlerLookup & ResolverConfig = { ...config, getHandlerClass: (name: string) => this.lookup.getHandlerClass(name) };
    for (const resolver of chain) {
      if (resolver.canResolve && !hasResolverHint(definition) && !resolver.canResolve(definition, config)) continue;
      const outcome = await resolver.resolve(definition, context);
      const handler = instantiate(outcome, definition);
      if (handler) return this.wrapForMethodDispatch(handler, definition, resolver.name);
    }
    return null;
  }

  /**
   * The handler ready to run `definition.method`; when the handler has no such method it runs `call` instead and a
   * warning (once per callable and method) names the handler and the method, as the original worker does.
   */
  wrapForMethodDispatch(handler: StepHandler, definition: HandlerDefinition, resolverName = 'custom'): ResolvedStepHandler {
    let method = effectiveMethod(definition);
    let requestedMethod: string | null = null;
    if (usesMethodDispatch(definition) && !hasMethod(handler, method)) {
      const key = `${definition.callable}#${method}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        logWarn(`Handler '${handler.name}' has no method '${method}'; running call() instead`, { callable: definition.callable, handler: handler.name, method });
      }
      requestedMethod = method;
      method = 'call';
    }
    return new ResolvedStepHandler({ callable: definition.callable, method, resolver: resolverName, handler, requestedMethod });
  }
}

function instantiate(outcome: ResolverOutcome, definition: HandlerDefinition): StepHandler | null {
  if (!outcome) return null;
  if (typeof outcome !== 'function') return outcome;
  try {
    return new outcome();
  } catch (err) {
    throw new TaskerError('HANDLER_LOAD_FAILED', `Handler '${definition.callable}' could not be constructed: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
      details: { callable: definition.callable },
    });
  }
}
