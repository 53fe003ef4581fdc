// HTTP helpers shared by ApiHandler and the original worker's APIMixin / applyAPI composition API: `fetch` with a
// timeout, JSON bodies, status classification and Retry-After propagation. Every method reads `baseUrl`, `timeout`
// and `defaultHeaders` from `this`, so it works bound to any handler that has them.
import { ErrorType } from './error-type.ts';
import { ApiResponse, classifyHttpStatus } from './api-response.ts';
import { StepHandlerResult, type OrchestrationMetadata } from './step-handler-result.ts';

/** Options of the body-carrying request methods. */
export interface ApiRequestOptions {
  body?: unknown;
  /** Send `body` as JSON (default true); otherwise it is sent as `String(body)`. */
  json?: boolean;
  headers?: Record<string, string>;
}

/** Where the HTTP helpers read their settings. */
export interface ApiSettings {
  readonly baseUrl: string;
  readonly timeout: number;
  readonly defaultHeaders: Record<string, string>;
}

/** What an API-capable handler offers (the original worker's APICapable). */
export interface APICapable extends ApiSettings {
  get(path: string, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse>;
  post(path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  put(path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  patch(path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  delete(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
  request(method: string, path: string, options?: RequestInit): Promise<ApiResponse>;
  apiSuccess(response: ApiResponse, result?: Record<string, unknown>, includeResponse?: boolean): StepHandlerResult;
  apiFailure(response: ApiResponse, message?: string): StepHandlerResult;
  connectionError(error: Error, context?: string): StepHandlerResult;
  timeoutError(error: Error, context?: string): StepHandlerResult;
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
    if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string') return (v as { message: string }).message;
  }
  return null;
}

function buildUrl(s: ApiSettings, path: string, params?: Record<string, unknown>): string {
  let url = /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : s.baseUrl + path;
  if (params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined) search.append(key, String(value));
    const query = search.toString();
    if (query) url += (url.includes('?') ? '&' : '?') + query;
  }
  return url;
}

function mergeHeaders(s: ApiSettings, extra?: Record<string, string>, json = false): Record<string, string> {
  const headers: Record<string, string> = { ...s.defaultHeaders };
  if (json && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  return extra ? Object.assign(headers, extra) : headers;
}

async function send(s: ApiSettings, method: string, url: string, init: RequestInit): Promise<ApiResponse> {
  const controller = new AbortController();
  const timeoutMs = s.timeout;
  const timer = setTimeout(() => controller.abort(new DOMException(`request exceeded ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
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

function sendWithBody(s: ApiSettings, method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> {
  const asJson = options.json !== false;
  const body = options.body === undefined ? undefined : asJson ? JSON.stringify(options.body) : String(options.body);
  return send(s, method, buildUrl(s, path), { headers: mergeHeaders(s, options.headers, asJson && body !== undefined), body });
}

function statics(self: object): { baseUrl?: string; defaultTimeout?: number; defaultHeaders?: Record<string, string> } {
  return self.constructor as { baseUrl?: string; defaultTimeout?: number; defaultHeaders?: Record<string, string> };
}

/**
 * The HTTP helpers as a class (the original worker's APIMixin). Settings come from `source` when given, else from the
 * static `baseUrl`, `defaultTimeout` and `defaultHeaders` of the object's class.
 */
export class APIMixin implements APICapable {
  private readonly source: ApiSettings | null;

  constructor(source: ApiSettings | null = null) {
    this.source = source;
  }

  /** Prefix for relative request paths. */
  get baseUrl(): string {
    return this.source ? this.source.baseUrl : (statics(this).baseUrl ?? '');
  }

  /** Request timeout in ms. */
  get timeout(): number {
    return this.source ? this.source.timeout : (statics(this).defaultTimeout ?? 30000);
  }

  /** Headers sent with every request. */
  get defaultHeaders(): Record<string, string> {
    return this.source ? this.source.defaultHeaders : (statics(this).defaultHeaders ?? {});
  }

  /** GET `path` with optional query parameters. */
  get(path: string, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse> {
    return send(this, 'GET', buildUrl(this, path, params), { headers: mergeHeaders(this, headers) });
  }

  /** POST `path` (JSON body by default). */
  post(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return sendWithBody(this, 'POST', path, options);
  }

  /** PUT `path` (JSON body by default). */
  put(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return sendWithBody(this, 'PUT', path, options);
  }

  /** PATCH `path` (JSON body by default). */
  patch(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return sendWithBody(this, 'PATCH', path, options);
  }

  /** DELETE `path`. */
  delete(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return send(this, 'DELETE', buildUrl(this, path), { headers: mergeHeaders(this, headers) });
  }

  /** Any method with raw `RequestInit` options. */
  request(method: string, path: string, options: RequestInit = {}): Promise<ApiResponse> {
    return send(this, method, buildUrl(this, path), { ...options, headers: mergeHeaders(this, options.headers as Record<string, string> | undefined) });
  }

  /** Success carrying `result` (default: the body, or `{data: body}` for non-objects); status and headers in metadata. */
  apiSuccess(response: ApiResponse, result?: Record<string, unknown>, includeResponse = true): StepHandlerResult {
    const body = response.body;
    const data = result ?? (typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : { data: body });
    return StepHandlerResult.success(data, includeResponse ? { status_code: response.statusCode, headers: response.headers } : {});
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
    return StepHandlerResult.failure(`Connection error${where}: ${error.message}`, 'connection_error', true, metadata);
  }

  /** Retryable failure for a request that exceeded the timeout, typed `timeout`. */
  timeoutError(error: Error, context?: string): StepHandlerResult {
    const where = context ? ` while ${context}` : '';
    return StepHandlerResult.failure(`Request timeout${where}: ${error.message}`, ErrorType.TIMEOUT, true, { exception_type: error.name });
  }
}

const API_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'request', 'apiSuccess', 'apiFailure', 'connectionError', 'timeoutError'] as const;

/** Adds the HTTP helpers to `target` (e.g. `applyAPI(this)` in a handler's constructor); settings from its class statics. */
export function applyAPI<T extends object>(target: T): T & APICapable {
  const ctor = () => statics(target);
  Object.defineProperty(target, 'baseUrl', { get: () => ctor().baseUrl ?? '', configurable: true });
  Object.defineProperty(target, 'timeout', { get: () => ctor().defaultTimeout ?? 30000, configurable: true });
  Object.defineProperty(target, 'defaultHeaders', { get: () => ctor().defaultHeaders ?? {}, configurable: true });
  const out = target as unknown as Record<string, unknown>;
  for (const key of API_METHODS) out[key] = (APIMixin.prototype[key] as (...args: unknown[]) => unknown).bind(target);
  return target as T & APICapable;
}
