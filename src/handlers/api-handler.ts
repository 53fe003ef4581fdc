import { ErrorType } from './error-type.ts';
import { StepHandler } from './step-handler.ts';
import { StepHandlerResult, type OrchestrationMetadata } from './step-handler-result.ts';
import { ApiResponse, classifyHttpStatus } from './api-response.ts';

/** Options of the body-carrying request methods. */
export interface ApiRequestOptions {
  body?: unknown;
  /** Send `body` as JSON (default true); otherwise it is sent as `String(body)`. */
  json?: boolean;
  headers?: Record<string, string>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function bodyErrorMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const obj = body as Record<string, unknown>;
  for (const key of ['error', 'message', 'detail', 'error_message', 'msg']) {
    const v = obj[key];
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string') {
      return (v as { message: string }).message;
    }
  }
  return null;
}

/** True when `err` is the abort raised by a request timeout. */
function isTimeout(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Base class for HTTP handlers: `fetch` with a timeout, status classification and Retry-After propagation. */
export abstract class ApiHandler extends StepHandler {
  /** Prefix for relative request paths (absolute `http(s)://` URLs are used as is). */
  static baseUrl = '';
  /** Request timeout in milliseconds. */
  static defaultTimeout = 30000;
  /** Headers sent with every request. */
  static defaultHeaders: Record<string, string> = {};

  override get capabilities(): string[] {
    return ['process', 'http', 'api'];
  }

  /** The effective base URL (`static baseUrl`). */
  get baseUrl(): string {
    return (this.constructor as typeof ApiHandler).baseUrl;
  }

  /** The effective timeout in ms (`static defaultTimeout`). */
  get timeout(): number {
    return (this.constructor as typeof ApiHandler).defaultTimeout;
  }

  /** The effective default headers (`static defaultHeaders`). */
  get defaultHeaders(): Record<string, string> {
    return (this.constructor as typeof ApiHandler).defaultHeaders;
  }

  /** GET `path` with optional query parameters. */
  get(path: string, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.send('GET', this.buildUrl(path, params), { headers: this.mergeHeaders(headers) });
  }

  /** POST `path` (JSON body by default). */
  post(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return this.sendWithBody('POST', path, options);
  }

  /** PUT `path` (JSON body by default). */
  put(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return this.sendWithBody('PUT', path, options);
  }

  /** PATCH `path` (JSON body by default). */
  patch(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return this.sendWithBody('PATCH', path, options);
  }

  /** DELETE `path`. */
  delete(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.send('DELETE', this.buildUrl(path), { headers: this.mergeHeaders(headers) });
  }

  /** Any method with raw `RequestInit` options. */
  request(method: string, path: string, options: RequestInit = {}): Promise<ApiResponse> {
    const headers = this.mergeHeaders(options.headers as Record<string, string> | undefined);
    return this.send(method, this.buildUrl(path), { ...options, headers });
  }

  /** Success carrying `result` (default: the body, or `{data: body}` for non-objects); status and headers in metadata. */
  apiSuccess(response: ApiResponse, result?: Record<string, unknown>, includeResponse = true): StepHandlerResult {
    const data =
      result ??
      (typeof response.body === 'object' && response.body !== null && !Array.isArray(response.body)
        ? (response.body as Record<string, unknown>)
        : { data: response.body });
    const metadata: Record<string, unknown> = {};
    if (includeResponse) {
      metadata.status_code = response.statusCode;
      metadata.headers = response.headers;
    }
    return this.success(data, metadata);
  }

  /** Failure classified by status (see `classifyHttpStatus`); a `Retry-After` becomes the orchestration backoff hint. */
  apiFailure(response: ApiResponse, message?: string): StepHandlerResult {
    const { errorType, retryable } = classifyHttpStatus(response.statusCode);
    const detail = bodyErrorMessage(response.body) ?? STATUS_TEXT[response.statusCode] ?? 'HTTP Error';
    const metadata: Record<string, unknown> = { status_code: response.statusCode, headers: response.headers };
    const orchestration: OrchestrationMetadata = { errorContext: { status_code: response.statusCode, error_type: errorType } };
    const retryAfter = response.retryAfter;
    if (retryAfter !== null) {
      metadata.retry_after_seconds = retryAfter;
      orchestration.headers = { 'retry-after': response.headers['retry-after'] ?? String(retryAfter) };
      orchestration.backoffHint = { type: 'server_requested', delaySeconds: retryAfter };
    }
    if (response.body !== undefined && response.body !== '') metadata.response_body = response.body;
    return new StepHandlerResult({
      success: false,
      errorMessage: message ?? `HTTP ${response.statusCode}: ${detail}`,
      errorType,
      retryable,
      metadata,
      orchestrationMetadata: orchestration,
    });
  }

  /** Retryable failure for a network error (connection refused, DNS...), typed `connection_error`. */
  connectionError(error: Error, context?: string): StepHandlerResult {
    const where = context ? ` while ${context}` : '';
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const metadata: Record<string, unknown> = { exception_type: error.name };
    if (cause && (cause.code ?? cause.message) !== undefined) metadata.cause = String(cause.code ?? cause.message);
    return this.failure(`Connection error${where}: ${error.message}`, 'connection_error', true, metadata);
  }

  /** Retryable failure for a request that exceeded the timeout, typed `timeout`. */
  timeoutError(error: Error, context?: string): StepHandlerResult {
    const where = context ? ` while ${context}` : '';
    return this.failure(`Request timeout${where}: ${error.message}`, ErrorType.TIMEOUT, true, {
      exception_type: error.name,
    });
  }

  /** {@link timeoutError} or {@link connectionError}, whichever fits an error thrown by a request method. */
  requestError(error: unknown, context?: string): StepHandlerResult {
    const err = error instanceof Error ? error : new Error(String((error as { message?: unknown })?.message ?? error));
    if (!(error instanceof Error) && isTimeout(error)) err.name = 'TimeoutError';
    return isTimeout(err) ? this.timeoutError(err, context) : this.connectionError(err, context);
  }

  private sendWithBody(method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> {
    const asJson = options.json !== false;
    const body = options.body === undefined ? undefined : asJson ? JSON.stringify(options.body) : String(options.body);
    const headers = this.mergeHeaders(options.headers, asJson && body !== undefined);
    return this.send(method, this.buildUrl(path), { headers, body });
  }

  private async send(method: string, url: string, init: RequestInit): Promise<ApiResponse> {
    const controller = new AbortController();
    const timeoutMs = this.timeout;
    const timer = setTimeout(
      () => controller.abort(new DOMException(`request exceeded ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    try {
      const response = await fetch(url, { ...init, method, signal: controller.signal });
      const type = response.headers.get('content-type') ?? '';
      const text = await response.text();
      let body: unknown = text;
      if (type.includes('json') && text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      return new ApiResponse(response, body);
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof Error) throw controller.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private buildUrl(path: string, params?: Record<string, unknown>): string {
    let url = /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : this.baseUrl + path;
    if (params) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        if (value !== null && value !== undefined) search.append(key, String(value));
      }
      const query = search.toString();
      if (query) url += (url.includes('?') ? '&' : '?') + query;
    }
    return url;
  }

  private mergeHeaders(extra?: Record<string, string>, json = false): Record<string, string> {
    const headers: Record<string, string> = { ...this.defaultHeaders };
    if (json && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    return extra ? Object.assign(headers, extra) : headers;
  }
}
