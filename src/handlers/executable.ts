// What resolution hands back: something with `call(context)` (the original worker's ExecutableHandler), either a
// ResolvedStepHandler (tasker's, with how it was found) or a MethodDispatchWrapper (the original's name for it).
import { MethodDispatchError } from './registry-errors.ts';
import type { StepContext } from './step-context.ts';
import type { StepHandler, StepHandlerClass } from './step-handler.ts';
import type { StepHandlerResult } from './step-handler-result.ts';

/** A runnable handler: a StepHandler, or a wrapper that routes `call` to another method. */
export interface ExecutableHandler {
  readonly name: string;
  readonly version: string;
  readonly capabilities: string[];
  call(context: StepContext): Promise<StepHandlerResult>;
  configSchema(): Record<string, unknown> | null;
}

function methodOf(handler: StepHandler, method: string): ((context: StepContext) => Promise<StepHandlerResult>) | null {
  const fn = (handler as unknown as Record<string, unknown>)[method];
  return typeof fn === 'function' ? (fn as (context: StepContext) => Promise<StepHandlerResult>) : null;
}

/** Wraps a handler so that `call(context)` runs `targetMethod` (throws MethodDispatchError when it has none). */
export class MethodDispatchWrapper implements ExecutableHandler {
  /** The wrapped handler instance. */
  readonly handler: StepHandler;
  /** The method `call` runs. */
  readonly targetMethod: string;

  constructor(handler: StepHandler, targetMethod: string) {
    if (!methodOf(handler, targetMethod)) throw new MethodDispatchError(handler.name ?? handler.constructor.name, targetMethod);
    this.handler = handler;
    this.targetMethod = targetMethod;
  }

  /** Same as `targetMethod` (the field tasker's handler executor reads). */
  get method(): string {
    return this.targetMethod;
  }

  /** The wrapped handler's name (a plain class without StepHandler's getter: its static handlerName). */
  get name(): string {
    const ctor = this.handler.constructor as Partial<StepHandlerClass> & { name: string };
    return this.handler.name ?? (ctor.handlerName || ctor.name);
  }

  /** The wrapped handler's version. */
  get version(): string {
    return this.handler.version ?? (this.handler.constructor as Partial<StepHandlerClass>).handlerVersion ?? '1.0.0';
  }

  /** The wrapped handler's capabilities. */
  get capabilities(): string[] {
    return this.handler.capabilities ?? ['process'];
  }

  /** Runs the target method. */
  call(context: StepContext): Promise<StepHandlerResult> {
    return methodOf(this.handler, this.targetMethod)!.call(this.handler, context);
  }

  /** The wrapped handler's config schema. */
  configSchema(): Record<string, unknown> | null {
    return typeof this.handler.configSchema === 'function' ? this.handler.configSchema() : null;
  }

  /** The wrapped handler. */
  unwrap(): StepHandler {
    return this.handler;
  }

  /** `MethodDispatchWrapper(handler=…, method=…)`. */
  toString(): string {
    return `MethodDispatchWrapper(handler=${this.handler.name}, method=${this.targetMethod})`;
  }
}

/** Fields of a {@link ResolvedStepHandler}. */
export interface ResolvedHandlerInit {
  callable: string;
  method: string;
  resolver: string;
  handler: StepHandler;
  /** The method the template asked for when it differs from `method` (it was missing, so `call` runs). */
  requestedMethod?: string | null;
}

/** A handler ready to run: the instance, the method to call and how it was found; `call(context)` runs it. */
export class ResolvedStepHandler extends MethodDispatchWrapper {
  /** The callable as written in the template. */
  readonly callable: string;
  /** The resolver that found it. */
  readonly resolver: string;
  /** The method the template asked for but the handler lacks (`call` runs instead), else null. */
  readonly requestedMethod: string | null;

  constructor(init: ResolvedHandlerInit) {
    super(init.handler, init.method);
    this.callable = init.callable;
    this.resolver = init.resolver;
    this.requestedMethod = init.requestedMethod ?? null;
  }

  /** The class of the handler instance. */
  get handlerClass(): StepHandlerClass {
    return this.handler.constructor as StepHandlerClass;
  }
}
