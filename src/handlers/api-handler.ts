import { StepHandler } from './step-handler.ts';
import type { StepHandlerResult } from './step-handler-result.ts';
import type { ApiResponse } from './api-response.ts';
import { APIMixin, type ApiRequestOptions } from './api-mixin.ts';

export type { ApiRequestOptions } from './api-mixin.ts';

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

  /** The HTTP helpers bound to this handler's settings (the original worker's composition object). */
  getApiMixin(): APIMixin {
    return new APIMixin(this);
  }

  /** GET `path` with optional query parameters. */
  get(path: string, params?: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse> {
    return APIMixin.prototype.get.call(this, path, params, headers);
  }

  /** POST `path` (JSON body by default). */
  post(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return APIMixin.prototype.post.call(this, path, options);
  }

  /** PUT `path` (JSON body by default). */
  put(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return APIMixin.prototype.put.call(this, path, options);
  }

  /** PATCH `path` (JSON body by default). */
  patch(path: string, options?: ApiRequestOptions): Promise<ApiResponse> {
    return APIMixin.prototype.patch.call(this, path, options);
  }

  /** DELETE `path`. */
  delete(path: string, headers?: Record<string, string>): Promise<ApiResponse> {
    return APIMixin.prototype.delete.call(this, path, headers);
  }

  /** Any method with raw `RequestInit` options. */
  request(method: string, path: string, options: RequestInit = {}): Promise<ApiResponse> {
    return APIMixin.prototype.request.call(this, method, path, options);
  }

  /** Success carrying `result` (default: the body, or `{data: body}` for non-objects); status and headers in metadata. */
  apiSuccess(response: ApiResponse, result?: Record<string, unknown>, includeResponse = true): StepHandlerResult {
    return APIMixin.prototype.apiSuccess.call(this, response, result, includeResponse);
  }

  /** Failure classified by status (see `classifyHttpStatus`); a `Retry-After` becomes the orchestration backoff hint. */
  apiFailure(response: ApiResponse, message?: string): StepHandlerResult {
    return APIMixin.prototype.apiFailure.call(this, response, message);
  }

  /** Retryable failure for a network error (connection refused, DNS...), typed `connection_error`. */
  connectionError(error: Error, context?: string): StepHandlerResult {
    return APIMixin.prototype.connectionError.call(this, error, context);
  }

  /** Retryable failure for a request that exceeded the timeout, typed `timeout`. */
  timeoutError(error: Error, context?: string): StepHandlerResult {
    return APIMixin.prototype.timeoutError.call(this, error, context);
  }

  /** {@link timeoutError} or {@link connectionError}, whichever fits an error thrown by a request method. */
  requestError(error: unknown, context?: string): StepHandlerResult {
    const err = error instanceof Error ? error : new Error(String((error as { message?: unknown })?.message ?? error));
    if (!(error instanceof Error) && isTimeout(error)) err.name = 'TimeoutError';
    return isTimeout(err) ? this.timeoutError(err, context) : this.connectionError(err, context);
  }
}
