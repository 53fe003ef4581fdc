// Errors of the resolver chain, with the original worker's names and fields.

/** Base class of the resolver chain's errors. */
export class ResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolutionError';
  }
}

/** A `handler.resolver` hint names a resolver the chain does not have. */
export class ResolverNotFoundError extends ResolutionError {
  readonly resolverName: string;

  constructor(resolverName: string, known: string[] = []) {
    super(`Resolver not found: '${resolverName}'${known.length ? ` (known resolvers: ${known.join(', ')})` : ''}`);
    this.name = 'ResolverNotFoundError';
    this.resolverName = resolverName;
  }
}

/** No resolver of the chain could resolve a callable. */
export class NoResolverMatchError extends ResolutionError {
  readonly callable: string;
  readonly triedResolvers: string[];

  constructor(callable: string, triedResolvers: string[]) {
    super(`No resolver could resolve callable '${callable}'. Tried: ${triedResolvers.length ? triedResolvers.join(', ') : 'none'}`);
    this.name = 'NoResolverMatchError';
    this.callable = callable;
    this.triedResolvers = triedResolvers;
  }
}

/** A method-dispatch target does not exist on the handler. */
export class MethodDispatchError extends ResolutionError {
  readonly handlerName: string;
  readonly methodName: string;

  constructor(handlerName: string, methodName: string) {
    super(`Handler '${handlerName}' does not have method '${methodName}'`);
    this.name = 'MethodDispatchError';
    this.handlerName = handlerName;
    this.methodName = methodName;
  }
}
