/**
 * The one place that runs a handler and turns whatever happens into a StepHandlerResult.
 *
 *   executeHandler(resolved, context): Promise<StepHandlerResult>   — never rejects
 *   handlerNotFoundResult(callable): StepHandlerResult               — for `registry.resolve()` returning null
 *
 * `resolved` is what `HandlerRegistry.resolve(spec)` returns (or a bare StepHandler instance, run via `call`).
 * Timeouts and cancellation are the caller's job: it aborts `context.signal`; a handler that then throws while
 * the signal's reason is a `TimeoutError` (or a TaskerError with code TIMEOUT) gets a retryable `timeout` failure.
 *
 * Outcome rules:
 * - a StepHandlerResult is kept; a plain object shaped like one (boolean `success`, only result fields,
 *   snake_case or camelCase) is rebuilt from it;
 * - any other return value is wrapped (`wrapReturnValue`): null/undefined → success({}), a non-array object →
 *   success(object), a primitive or array → success({result: value}). `define*` handlers already apply these;
 * - a class handler (not made by `define*`) returning undefined or null is a bug → failure `handler_error`,
 *   code HANDLER_RESULT_INVALID, not retryable;
 * - thrown PermanentError → `permanent_error`, not retryable; RetryableError → `retryable_error`; anything else
 *   → `handler_error`, retryable, metadata `{error_class, message, stack}`;
 * - a result whose result/metadata is not JSON-serialisable (function, bigint, symbol, cycle, NaN/Infinity,
 *   Map/Set) → failure `handler_error`, code HANDLER_RESULT_INVALID, not retryable (it would fail again), with a
 *   message naming the handler, the problem and its path.
 */
import { ErrorCode } from '../errors.ts';
import { ErrorType } from '../handlers/error-type.ts';
import { resultFromError, wrapReturnValue } from '../handlers/outcome.ts';
import type { ResolvedHandler } from '../handlers/resolvers.ts';
import type { StepContext } from '../handlers/step-context.ts';
import { StepHandler, type StepHandlerClass } from '../handlers/step-handler.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';

/** What {@link executeHandler} runs: a resolved handler (instance + method) or a bare handler instance. */
export type ExecutableHandler = ResolvedHandler | StepHandler;


/** The permanent failure recorded when a step's callable resolves to no handler (DESIGN §9.4). */
export function handlerNotFoundResult(callable: string): StepHandlerResult {
  return StepHandlerResult.failure(
    `No handler found for callable '${callable}': register a handler with that name, or check the handler search paths`,
    ErrorType.PERMANENT_ERROR,
    false,
    { callable },
    'handler_not_found',
  );
}

/** Runs the handler with `context` and normalises its outcome per the rules at the top of this file. */
export async function executeHandler(resolved: ExecutableHandler, context: StepContext): Promise<StepHandlerResult> {
  const handler = resolved instanceof StepHandler ? resolved : resolved.handler;
  const method = resolved instanceof StepHandler ? 'call' : resolved.method;
  const name = handler.name;
  const fn = (handler as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') return invalid(name, `it has no method '${method}'`);
  let value: unknown;
  try {
    value = await (fn as (ctx: StepContext) => unknown).call(handler, context);
  } catch (error) {
    return timeoutResult(context, error) ?? resultFromError(error);
  }
  const functional = (handler.constructor as StepHandlerClass).functional === true;
  if ((value === undefined || value === null) && !functional) {
    return invalid(name, `${method}() returned ${String(value)}; return this.success(...) or this.failure(...)`);
  }
  const result = wrapReturnValue(value);
  const problem =
    findJsonProblem(result.result, 'result') ??
    findJsonProblem(result.metadata, 'metadata') ??
    findJsonProblem(result.orchestrationMetadata, 'orchestrationMetadata');
  return problem ? invalid(name, `its result is not JSON-serialisable: ${problem}`) : result;
}

function invalid(name: string, problem: string): StepHandlerResult {
  return StepHandlerResult.failure(
    `Handler '${name}' returned an invalid result: ${problem}`,
    ErrorType.HANDLER_ERROR,
    false,
    { handler: name },
    ErrorCode.HANDLER_RESULT_INVALID,
  );
}

function timeoutResult(context: StepContext, error: unknown): StepHandlerResult | null {
  if (!context.signal?.aborted) return null;
  const reason = context.signal.reason as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  if (reason?.name !== 'TimeoutError' && reason?.code !== 'TIMEOUT') return null;
  const err = error instanceof Error ? error : null;
  return StepHandlerResult.failure(
    `Step timed out: ${String(reason.message ?? 'handler aborted')}`,
    ErrorType.TIMEOUT,
    true,
    { error_class: err?.constructor?.name ?? typeof error, message: err?.message ?? String(error), stack: err?.stack ?? null },
  );
}

/** The first value JSON cannot store faithfully, as `what at path`; null when `value` is safe. */
function findJsonProblem(value: unknown, path: string, ancestors: Set<object> = new Set()): string | null {
  switch (typeof value) {
    case 'function':
      return `a function at ${path}`;
    case 'bigint':
      return `a bigint at ${path}`;
    case 'symbol':
      return `a symbol at ${path}`;
    case 'number':
      return Number.isFinite(value) ? null : `${value} at ${path}`;
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.has(obj)) return `a circular reference at ${path}`;
  if (obj instanceof Map || obj instanceof Set) return `a ${obj.constructor.name} at ${path} (serialises as {})`;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return null;
  ancestors.add(obj);
  try {
    const entries: Array<[string, unknown]> = Array.isArray(obj)
      ? obj.map((v, i) => [`${path}[${i}]`, v])
      : Object.entries(obj).map(([k, v]) => [`${path}.${k}`, v]);
    for (const [childPath, child] of entries) {
      const problem = findJsonProblem(child, childPath, ancestors);
      if (problem) return problem;
    }
    return null;
  } finally {
    ancestors.delete(obj);
  }
}
