// Factory functions that turn a plain async function into a handler class (the original worker's functional API).
// Every `define*` result is a StepHandler subclass with `static functional = true`, so the registry, discovery
// and the executor treat it like any class handler.
import type { StepContext } from './step-context.ts';
import { StepHandler, type HandlerType, type StepHandlerClass } from './step-handler.ts';
import { StepHandlerResult } from './step-handler-result.ts';
import { ApiHandler } from './api-handler.ts';
import { DecisionHandler, decisionRouteResult, decisionSkipResult } from './decision-handler.ts';
import { BatchableStepHandler } from './batchable.ts';
import { batchSuccess, cursorConfigsForWorkers, cursorConfigsOfSize, noBatchesResult } from './batch-analyzer.ts';
import { getBatchContext, handleNoOpWorker, type BatchWorkerContext } from './batch-worker.ts';
import { resultFromError, wrapReturnValue } from './outcome.ts';

/** Options of every `define*` function. */
export interface HandlerOptions {
  /** Parent results to inject: `{argName: stepName}` or a list of step names (injected under the step name). */
  depends?: Record<string, string> | string[];
  /** Task input fields to inject: `{argName: inputKey}` or a list of keys. */
  inputs?: Record<string, string> | string[];
  /** Handler version (default `1.0.0`). */
  version?: string;
}

/** The single argument of a functional handler: injected values plus the full `context`. */
export type HandlerArgs = Record<string, any> & { context: StepContext };

/** A functional handler body; see `wrapReturnValue` for how its return value becomes a result. */
export type HandlerFn<A extends HandlerArgs = HandlerArgs> = (args: A) => unknown;

/** A routing choice returned by a {@link defineDecisionHandler} body. */
export class Decision {
  readonly type: 'create_steps' | 'no_branches';
  readonly steps: string[];
  readonly reason: string | undefined;
  readonly routingContext: Record<string, unknown>;

  private constructor(type: Decision['type'], steps: string[], reason: string | undefined, routingContext?: Record<string, unknown>) {
    this.type = type;
    this.steps = steps;
    this.reason = reason;
    this.routingContext = routingContext ?? {};
  }

  /** Create the named branch steps. */
  static route(steps: string[], routingContext?: Record<string, unknown>): Decision {
    return new Decision('create_steps', [...steps], undefined, routingContext);
  }

  /** Create no branch, recording why. */
  static skip(reason: string, routingContext?: Record<string, unknown>): Decision {
    return new Decision('no_branches', [], reason, routingContext);
  }
}

/** What a {@link defineBatchAnalyzer} body returns: the item count and either `batchSize` or `workerCount`. */
export interface BatchConfig {
  totalItems: number;
  batchSize?: number;
  workerCount?: number;
  metadata?: Record<string, unknown>;
}

/** Options of {@link defineApiHandler}: the `ApiHandler` statics. */
export interface ApiHandlerOptions extends HandlerOptions {
  baseUrl?: string;
  defaultTimeout?: number;
  defaultHeaders?: Record<string, string>;
}

/** What a {@link defineApiHandler} body receives: the injected args plus `api`, the ApiHandler instance. */
export type ApiHandlerArgs = HandlerArgs & { api: ApiHandler };

function pairs(spec: Record<string, string> | string[] | undefined): Array<[string, string]> {
  if (!spec) return [];
  return Array.isArray(spec) ? spec.map((s) => [s, s]) : Object.entries(spec);
}

function injectArgs(context: StepContext, options: HandlerOptions): HandlerArgs {
  const args: HandlerArgs = { context };
  for (const [arg, step] of pairs(options.depends)) args[arg] = context.getDependencyResult(step);
  for (const [arg, key] of pairs(options.inputs)) args[arg] = context.getInput(key);
  return args;
}

type Runner = (handler: StepHandler, context: StepContext, args: HandlerArgs) => Promise<StepHandlerResult>;

function finish<C extends abstract new () => StepHandler>(cls: C, name: string, options: HandlerOptions, type: HandlerType): StepHandlerClass {
  const statics = cls as unknown as Record<string, unknown>;
  statics.handlerName = name;
  statics.handlerVersion = options.version ?? '1.0.0';
  statics.handlerType = type;
  statics.functional = true;
  Object.defineProperty(cls, 'name', { value: name });
  return cls as unknown as StepHandlerClass;
}

async function run(handler: StepHandler, context: StepContext, options: HandlerOptions, body: Runner): Promise<StepHandlerResult> {
  try {
    return await body(handler, context, injectArgs(context, options));
  } catch (error) {
    return resultFromError(error);
  }
}

/** A handler class from an async function; injected args per `options`, return values wrapped, errors mapped. */
export function defineHandler(name: string, options: HandlerOptions, fn: HandlerFn): StepHandlerClass {
  const cls = class extends StepHandler {
    call(context: StepContext): Promise<StepHandlerResult> {
      return run(this, context, options, async (_h, _c, args) => wrapReturnValue(await fn(args)));
    }
  };
  return finish(cls, name, options, 'step');
}

/** A decision handler class; the body returns `Decision.route(steps)` / `Decision.skip(reason)` (or a result). */
export function defineDecisionHandler(name: string, options: HandlerOptions, fn: HandlerFn): StepHandlerClass {
  const cls = class extends DecisionHandler {
    call(context: StepContext): Promise<StepHandlerResult> {
      return run(this, context, options, async (handler, _c, args) => {
        const value = await fn(args);
        if (!(value instanceof Decision)) return wrapReturnValue(value);
        return value.type === 'create_steps'
          ? decisionRouteResult(handler, value.steps, value.routingContext)
          : decisionSkipResult(handler, value.reason ?? '', value.routingContext);
      });
    }
  };
  return finish(cls, name, options, 'decision');
}

/**
 * A batch analyzer class creating workers of template step `options.workerTemplate`. The body returns a
 * {@link BatchConfig} (`workerCount` → `cursorConfigsForWorkers`, else `batchSize` → `cursorConfigsOfSize`;
 * 0 items → `no_batches`) or a result.
 */
export function defineBatchAnalyzer(
  name: string,
  options: HandlerOptions & { workerTemplate: string },
  fn: HandlerFn,
): StepHandlerClass {
  const cls = class extends BatchableStepHandler {
    call(context: StepContext): Promise<StepHandlerResult> {
      return run(this, context, options, async (_h, _c, args) => {
        const value = await fn(args);
        if (value instanceof StepHandlerResult || typeof (value as BatchConfig)?.totalItems !== 'number') {
          return wrapReturnValue(value);
        }
        const config = value as BatchConfig;
        if (config.totalItems === 0) return noBatchesResult('no items to process', config.metadata);
        const configs =
          config.workerCount !== undefined
            ? cursorConfigsForWorkers(config.totalItems, config.workerCount)
            : cursorConfigsOfSize(config.totalItems, config.batchSize ?? config.totalItems);
        return batchSuccess(options.workerTemplate, configs, config.metadata);
      });
    }
  };
  return finish(cls, name, options, 'batchable');
}

/** A batch worker class; the body gets `batchContext` too. No-op placeholder workers succeed without calling it. */
export function defineBatchWorker(
  name: string,
  options: HandlerOptions,
  fn: HandlerFn<HandlerArgs & { batchContext: BatchWorkerContext | null }>,
): StepHandlerClass {
  const cls = class extends BatchableStepHandler {
    call(context: StepContext): Promise<StepHandlerResult> {
      return run(this, context, options, async (_h, _c, args) => {
        const noOp = handleNoOpWorker(context);
        if (noOp) return noOp;
        return wrapReturnValue(await fn({ ...args, batchContext: getBatchContext(context) }));
      });
    }
  };
  return finish(cls, name, options, 'batch_worker');
}

/** An API handler class; the body gets `api`, the handler instance (`api.get(...)`, `api.apiSuccess(...)`...). */
export function defineApiHandler(
  name: string,
  options: ApiHandlerOptions,
  fn: HandlerFn<ApiHandlerArgs>,
): StepHandlerClass {
  const cls = class extends ApiHandler {
    static override baseUrl = options.baseUrl ?? '';
    static override defaultTimeout = options.defaultTimeout ?? 30000;
    static override defaultHeaders = options.defaultHeaders ?? {};

    call(context: StepContext): Promise<StepHandlerResult> {
      return run(this, context, options, async (handler, _c, args) =>
        wrapReturnValue(await fn({ ...args, api: handler as ApiHandler })),
      );
    }
  };
  return finish(cls, name, options, 'api');
}
