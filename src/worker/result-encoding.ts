// Turns a handler's result into the JSON text the completion stores, enforcing `[worker] max_result_bytes`.
// A result that cannot be encoded, or is too big, can never be stored however often the step runs, so it
// becomes a permanent failure of the step instead of a retry loop (issue: a 300 MB string result used to
// loop in the completion path forever while the step was re-claimed every lease period).
import { ErrorType } from '../handlers/error-type.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';

/** The `error_code` of a step whose result exceeds `[worker] max_result_bytes`. */
export const RESULT_TOO_LARGE = 'RESULT_TOO_LARGE';
/** The `error_code` of a step whose result could not be encoded or stored (not JSON, or rejected by PostgreSQL). */
export const RESULT_INVALID = 'RESULT_INVALID';

/** An encoded result ready to store, or the failure to store in its place. */
export interface EncodedResult {
  json: string;
  /** The result actually stored: the handler's, or the RESULT_* failure that replaced it. */
  result: StepHandlerResult;
}

const encoder = new TextEncoder();

/** Encodes `result`; on a size or encoding problem returns the permanent failure that replaces it. */
export function encodeResult(result: StepHandlerResult, handler: string, maxBytes: number): EncodedResult {
  let json: string;
  try {
    json = JSON.stringify(result.toJSON());
  } catch (err) {
    // V8 and JSC throw RangeError once a string passes their maximum length (~512 MB / ~1 GB)
    if (err instanceof RangeError) return replace(tooLarge(handler, null, maxBytes));
    return replace(invalidResult(handler, `it cannot be encoded as JSON: ${(err as Error).message}`));
  }
  // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string is too large without encoding it
  const bytes = json.length > maxBytes ? json.length : encoder.encode(json).length;
  if (bytes > maxBytes) return replace(tooLarge(handler, bytes, maxBytes));
  return { json, result };
}

/** The permanent failure recorded when PostgreSQL refused to store a result (e.g. a \u0000 in a jsonb string). */
export function invalidResult(handler: string, problem: string): StepHandlerResult {
  return StepHandlerResult.failure(
    `Handler '${handler}' returned a result that cannot be stored: ${problem}`,
    ErrorType.PERMANENT_ERROR,
    false,
    { handler },
    RESULT_INVALID,
  );
}

function tooLarge(handler: string, bytes: number | null, maxBytes: number): StepHandlerResult {
  const size = bytes === null ? 'more than the runtime can encode' : `${bytes} bytes`;
  return StepHandlerResult.failure(
    `Handler '${handler}' returned a result of ${size}, over the limit of ${maxBytes} bytes ([worker] max_result_bytes): ` +
      'store large data elsewhere and return a reference, or raise the limit',
    ErrorType.PERMANENT_ERROR,
    false,
    { handler, size_bytes: bytes, limit_bytes: maxBytes },
    RESULT_TOO_LARGE,
  );
}

function replace(result: StepHandlerResult): EncodedResult {
  return { json: JSON.stringify(result.toJSON()), result };
}
