// A template step's `handler` block as the resolver chain sees it, with the original worker's helper functions.

/** callable (required), method (default `call`), resolver hint, initialization (the step config). */
export interface HandlerDefinition {
  callable: string;
  /** Method to call instead of `call`. */
  method?: string | null;
  /** Name of the one resolver to use (`explicit_mapping`, `module_path` / `class_lookup`, or a custom one). */
  resolver?: string | null;
  initialization?: Record<string, unknown>;
}

/** What resolution accepts: a callable string, a definition, or a DTO-like object carrying `callable`. */
export type HandlerSpec = string | HandlerDefinition | { callable?: string | null; method?: string | null; resolver?: string | null; initialization?: Record<string, unknown> | null };

/** The method that runs the step: `definition.method`, or `call` when it is empty. */
export function effectiveMethod(definition: HandlerDefinition): string {
  return definition.method ? definition.method : 'call';
}

/** True when a method other than `call` is asked for. */
export function usesMethodDispatch(definition: HandlerDefinition): boolean {
  return !!definition.method && definition.method !== 'call';
}

/** True when the definition names one resolver to use. */
export function hasResolverHint(definition: HandlerDefinition): boolean {
  return typeof definition.resolver === 'string' && definition.resolver.length > 0;
}

/** A definition with only `callable` set. */
export function fromCallable(callable: string): HandlerDefinition {
  return { callable, method: null, resolver: null, initialization: {} };
}

/** A definition from a loose DTO (missing fields become null / {}; a missing DTO gives callable ''). */
export function fromDto(dto: { callable?: string | null; method?: string | null; resolver?: string | null; initialization?: Record<string, unknown> | null } | null | undefined): HandlerDefinition {
  return {
    callable: dto?.callable ?? '',
    method: dto?.method ?? null,
    resolver: dto?.resolver ?? null,
    initialization: dto?.initialization ?? {},
  };
}

/** Any {@link HandlerSpec} as a {@link HandlerDefinition}. */
export function normalizeToDefinition(spec: HandlerSpec): HandlerDefinition {
  if (typeof spec === 'string') return fromCallable(spec);
  if (typeof spec.callable === 'string' && ('method' in spec || 'resolver' in spec)) return spec as HandlerDefinition;
  return fromDto(spec);
}
