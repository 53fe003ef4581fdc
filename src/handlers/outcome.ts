// How handler return values and thrown errors become a StepHandlerResult. Shared by the functional API and the
// worker's handler executor so both apply exactly the same rules.
import { ErrorType } from './error-type.ts';
import { PermanentError, RetryableError } from './handler-errors.ts';
import { StepHandlerResult, isResultShaped } from './step-handler-result.ts';

/**
 * Wraps a functional handler's return value:
 * - a `StepHandlerResult` is kept as is;
 * - a plain object shaped like a result (boolean `success`, only result fields) is rebuilt with `fromJSON`;
 * - `undefined` / `null` → `success({})`;
 * - any other non-array object → `success(value)`;
 * - anything else (number, string, boolean, array) → `success({result: value})`.
 */
export function wrapReturnValue(value: unknown): StepHandlerResult {
  if (value instanceof StepHandlerResult) return value;
  if (isResultShaped(value)) return StepHandlerResult.fromJSON(value);
  if (value === undefined || value === null) return StepHandlerResult.success({});
  if (typeof value === 'object' && !Array.isArray(value)) return StepHandlerResult.success(value as Record<string, unknown>);
  return StepHandlerResult.success({ result: value });
}

/**
 * Maps a thrown value: `PermanentError` → `permanent_error` (not retryable); `RetryableError` →
 * `retryable_error`; anything else → `handler_error`, retryable, with `{error_class, message, stack}` in metadata.
 */
export function resultFromError(error: unknown): StepHandlerResult {
  if (error instanceof PermanentError) {
    return StepHandlerResult.failure(error.message, ErrorType.PERMANENT_ERROR, false, error.metadata, error.errorCode);
  }
  if (error instanceof RetryableError) {
    return StepHandlerResult.failure(error.message, ErrorType.RETRYABLE_ERROR, true, error.metadata, error.errorCode);
  }
  const err = error instanceof Error ? error : null;
  const message = err ? err.message : String(error);
  const errorClass = err ? err.constructor?.name || err.name : typeof error;
  return StepHandlerResult.failure(message || errorClass, ErrorType.HANDLER_ERROR, true, {
    error_class: errorClass,
    message,
    stack: err?.stack ?? null,
  });
}
