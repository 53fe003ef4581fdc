/** Statuses worth retrying: request timeout, rate limit, and transient server/gateway failures. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Error type per HTTP status; other 4xx → `client_error`, other 5xx → `server_error`. */
export const HTTP_ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** The error type and retryability of an HTTP status (the §8 classification table). */
export function classifyHttpStatus(status: number): { errorType: string; retryable: boolean } {
  const mapped = HTTP_ERROR_TYPES[status];
  let errorType = mapped ?? 'http_error';
  if (mapped === undefined && status >= 400 && status < 500) errorType = 'client_error';
  if (mapped === undefined && status >= 500 && status < 600) errorType = 'server_error';
  return { errorType, retryable: RETRYABLE_STATUSES.has(status) };
}

/** Parses a `Retry-After` value (delta seconds or an HTTP date) into whole seconds from `now`; null if unparseable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** A fetched HTTP response with its parsed body and classification helpers. */
export class ApiResponse {
  readonly statusCode: number;
  /** Response headers with lower-case names. */
  readonly headers: Record<string, string>;
  /** Parsed JSON when the content type says JSON (falls back to text), else text. */
  readonly body: unknown;
  readonly rawResponse: Response | null;

  constructor(response: Response | { status: number; headers?: Record<string, string> }, body?: unknown) {
    this.statusCode = response.status;
    if (response instanceof Response) {
      this.headers = Object.fromEntries(response.headers.entries());
      this.rawResponse = response;
    } else {
      this.headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      this.rawResponse = null;
    }
    this.body = body;
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.statusCode >= 200 && this.statusCode < 300;
  }

  /** True for a 4xx status. */
  get isClientError(): boolean {
    return this.statusCode >= 400 && this.statusCode < 500;
  }

  /** True for a 5xx status. */
  get isServerError(): boolean {
    return this.statusCode >= 500 && this.statusCode < 600;
  }

  /** True when the status is worth retrying (408, 429, 500, 502, 503, 504). */
  get isRetryable(): boolean {
    return RETRYABLE_STATUSES.has(this.statusCode);
  }

  /** The `Retry-After` delay in seconds, or null when absent or unparseable. */
  get retryAfter(): number | null {
    return parseRetryAfter(this.headers['retry-after']);
  }

  /** `{status_code, headers, body}` for embedding in a result. */
  toDict(): Record<string, unknown> {
    return { status_code: this.statusCode, headers: this.headers, body: this.body };
  }
}
