import { isTaskerError, type ErrorCode } from '../errors.ts';

/** The error codes of the HTTP error envelope. */
export const HttpErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNPROCESSABLE: 'UNPROCESSABLE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  INTERNAL: 'INTERNAL',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

/** One of {@link HttpErrorCode}. */
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

const STATUS: Record<HttpErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** An error that becomes one HTTP error response (status, envelope, extra headers). */
export class HttpError extends Error {
  readonly code: HttpErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: HttpErrorCode, message: string, options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The error envelope `{"error": {code, message, details?}}` as a response. */
export function errorResponse(err: HttpError): Response {
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.details && Object.keys(err.details).length) error.details = err.details;
  return json({ error }, err.status, err.headers);
}

// TaskerError codes a client can act on; anything else is a server-side problem (500 with a generic message).
const TASKER_TO_HTTP: Partial<Record<ErrorCode, HttpErrorCode>> = {
  INPUT_INVALID: 'BAD_REQUEST',
  INPUT_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  USAGE: 'BAD_REQUEST',
  TEMPLATE_NOT_FOUND: 'NOT_FOUND',
  TASK_NOT_FOUND: 'NOT_FOUND',
  STEP_NOT_FOUND: 'NOT_FOUND',
  DLQ_ENTRY_NOT_FOUND: 'NOT_FOUND',
  TASK_DUPLICATE: 'CONFLICT',
  TASK_BATCH_REJECTED: 'UNPROCESSABLE',
  TASK_TERMINAL: 'CONFLICT',
  STATE_TRANSITION_INVALID: 'CONFLICT',
  DB_UNREACHABLE: 'SERVICE_UNAVAILABLE',
};

/**
 * Turns any thrown value into an {@link HttpError}. A TaskerError with a client-facing code keeps its
 * message, details and hint (plus `tasker_code`); anything else is an opaque INTERNAL error, because its
 * message may carry SQL, connection strings or task input.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isTaskerError(err)) {
    let code = TASKER_TO_HTTP[err.code];
    // a batch refused only for duplicates is a conflict, like one duplicate task
    const items = err.details?.errors;
    if (err.code === 'TASK_BATCH_REJECTED' && Array.isArray(items) && items.length && items.every((e) => (e as { code?: string }).code === 'TASK_DUPLICATE')) code = 'CONFLICT';
    if (code) {
      const details: Record<string, unknown> = { tasker_code: err.code, ...err.details };
      if (err.hint) details.hint = err.hint;
      return new HttpError(code, err.message, { details });
    }
  }
  return new HttpError('INTERNAL', 'internal server error');
}
