import type { StepContext } from './step-context.ts';
import { ErrorType } from './error-type.ts';
import { StepHandlerResult } from './step-handler-result.ts';
import { createFieldLogger, type FieldLogger } from './log-helpers.ts';

/** What a handler does, as shown by `tasker handlers list`. */
export const HandlerType = {
  STEP: 'step',
  API: 'api',
  DECISION: 'decision',
  BATCHABLE: 'batchable',
  BATCH_WORKER: 'batch_worker',
} as const;

/** One of the {@link HandlerType} values. */
export type HandlerType = (typeof HandlerType)[keyof typeof HandlerType];

/** Base class of every step handler: set `static handlerName` and implement `call`. */
export abstract class StepHandler {
  /** Unique name that a template's `handler.callable` refers to. */
  static handlerName: string;
  /** Handler version string. */
  static handlerVersion = '1.0.0';
  /** Optional explicit type for listings; inferred from the base class when absent. */
  static handlerType?: HandlerType;

  /** Structured logger whose lines carry `handler` (writes through tasker's logger; per-step fields: `context.logger`). */
  logger: FieldLogger = createFieldLogger(() => ({ handler: this.name }));

  /** Runs the step and returns its result. */
  abstract call(context: StepContext): Promise<StepHandlerResult>;

  /** The handler name (`static handlerName`, else the class name). */
  get name(): string {
    const ctor = this.constructor as typeof StepHandler;
    return ctor.handlerName || ctor.name;
  }

  /** The handler version (`static handlerVersion`). */
  get version(): string {
    return (this.constructor as typeof StepHandler).handlerVersion;
  }

  /** Capabilities advertised by this handler. */
  get capabilities(): string[] {
    return ['process'];
  }

  /** JSON schema for `stepConfig`, or null when the handler declares none. */
  configSchema(): Record<string, unknown> | null {
    return null;
  }

  /** A success result. */
  protected success(result: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
    return StepHandlerResult.success(result, metadata);
  }

  /** A failure result (`handler_error`, retryable, by default). */
  protected failure(...args: Parameters<typeof StepHandlerResult.failure>): StepHandlerResult {
    return StepHandlerResult.failure(...args);
  }

  /** `ClassName(name=..., version=...)`. */
  toString(): string {
    return `${this.constructor.name}(name=${this.name}, version=${this.version})`;
  }
}

/** A concrete handler class: a constructor of {@link StepHandler} with the static metadata. */
export interface StepHandlerClass {
  new (): StepHandler;
  handlerName: string;
  handlerVersion?: string;
  handlerType?: HandlerType;
  /** Set on classes produced by the `define*` functions. */
  functional?: boolean;
  readonly prototype: StepHandler;
}

/** True for a class with a non-empty static `handlerName` and a `call` method (what discovery registers). */
export function isHandlerClass(value: unknown): value is StepHandlerClass {
  if (typeof value !== 'function') return false;
  const cls = value as { handlerName?: unknown; prototype?: { call?: unknown } };
  return typeof cls.handlerName === 'string' && cls.handlerName.length > 0 && typeof cls.prototype?.call === 'function';
}
