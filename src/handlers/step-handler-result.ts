import { ErrorType } from './error-type.ts';

/** A retry delay requested by the handler (e.g. from an HTTP `Retry-After`); it wins over the template backoff. */
export interface BackoffHint {
  /** Why the delay is requested: `server_requested` for Retry-After, or a custom label. */
  type: 'server_requested' | 'rate_limit' | 'service_unavailable' | 'custom';
  delaySeconds: number;
  context?: string;
}

/** Hints for the orchestrator, serialised as `orchestration_metadata` (snake_case keys). */
export interface OrchestrationMetadata {
  headers?: Record<string, string>;
  errorContext?: Record<string, unknown>;
  backoffHint?: BackoffHint;
  custom?: Record<string, unknown>;
}

/** Constructor parameters of {@link StepHandlerResult}. */
export interface StepHandlerResultParams {
  success: boolean;
  result?: Record<string, unknown> | null;
  errorMessage?: string | null;
  errorType?: string | null;
  errorCode?: string | null;
  retryable?: boolean;
  metadata?: Record<string, unknown>;
  orchestrationMetadata?: OrchestrationMetadata | null;
}

/** The snake_case JSON form of a result, as stored on the step and read by dependents. */
export interface StepHandlerResultJSON {
  success: boolean;
  result: Record<string, unknown> | null;
  error_message: string | null;
  error_type: string | null;
  error_code: string | null;
  retryable: boolean;
  metadata: Record<string, unknown>;
  orchestration_metadata: Record<string, unknown> | null;
}

/** The outcome of one handler run: success with a result object, or failure with a classified error. */
export class StepHandlerResult {
  readonly success: boolean;
  readonly result: Record<string, unknown> | null;
  readonly errorMessage: string | null;
  readonly errorType: string | null;
  readonly errorCode: string | null;
  readonly retryable: boolean;
  readonly metadata: Record<string, unknown>;
  readonly orchestrationMetadata: OrchestrationMetadata | null;

  constructor(params: StepHandlerResultParams) {
    this.success = params.success;
    this.result = params.result ?? null;
    this.errorMessage = params.errorMessage ?? null;
    this.errorType = params.errorType ?? null;
    this.errorCode = params.errorCode ?? null;
    this.retryable = params.retryable ?? true;
    this.metadata = params.metadata ?? {};
    this.orchestrationMetadata = params.orchestrationMetadata ?? null;
  }

  /** A success result carrying `result` (an object) and optional metadata. */
  static success(result: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
    return new StepHandlerResult({ success: true, result, metadata });
  }

  /** A failure result; `errorType` defaults to `handler_error` and `retryable` to true. */
  static failure(
    message: string,
    errorType: ErrorType | string = ErrorType.HANDLER_ERROR,
    retryable = true,
    metadata?: Record<string, unknown>,
    errorCode?: string,
  ): StepHandlerResult {
    return new StepHandlerResult({ success: false, errorMessage: message, errorType, retryable, metadata, errorCode });
  }

  /** Rebuilds a result from its snake_case JSON (or a camelCase plain object with the same fields). */
  static fromJSON(json: Record<string, unknown>): StepHandlerResult {
    const pick = (snake: string, camel: string): unknown => (snake in json ? json[snake] : json[camel]);
    const orch = pick('orchestration_metadata', 'orchestrationMetadata') as Record<string, unknown> | null | undefined;
    return new StepHandlerResult({
      success: json.success === true,
      result: (json.result as Record<string, unknown> | null | undefined) ?? null,
      errorMessage: (pick('error_message', 'errorMessage') as string | null | undefined) ?? null,
      errorType: (pick('error_type', 'errorType') as string | null | undefined) ?? null,
      errorCode: (pick('error_code', 'errorCode') as string | null | undefined) ?? null,
      retryable: json.retryable === undefined ? true : json.retryable === true,
      metadata: (json.metadata as Record<string, unknown> | undefined) ?? {},
      orchestrationMetadata: orch ? orchestrationFromJSON(orch) : null,
    });
  }

  /** True for a success result. */
  isSuccess(): boolean {
    return this.success;
  }

  /** True for a failure result. */
  isFailure(): boolean {
    return !this.success;
  }

  /** The snake_case JSON stored on the step (the shape dependents see in `dependencyResults`). */
  toJSON(): StepHandlerResultJSON {
    return {
      success: this.success,
      result: this.result,
      error_message: this.errorMessage,
      error_type: this.errorType,
      error_code: this.errorCode,
      retryable: this.retryable,
      metadata: this.metadata,
      orchestration_metadata: this.orchestrationMetadata ? orchestrationToJSON(this.orchestrationMetadata) : null,
    };
  }
}

function orchestrationToJSON(m: OrchestrationMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.headers) out.headers = m.headers;
  if (m.errorContext) out.error_context = m.errorContext;
  if (m.backoffHint) {
    const hint: Record<string, unknown> = { backoff_type: m.backoffHint.type, delay_seconds: m.backoffHint.delaySeconds };
    if (m.backoffHint.context !== undefined) hint.context = m.backoffHint.context;
    out.backoff_hint = hint;
  }
  if (m.custom) out.custom = m.custom;
  return out;
}

function orchestrationFromJSON(j: Record<string, unknown>): OrchestrationMetadata {
  const out: OrchestrationMetadata = {};
  if (j.headers) out.headers = j.headers as Record<string, string>;
  const ctx = j.error_context ?? j.errorContext;
  if (ctx) out.errorContext = ctx as Record<string, unknown>;
  const hint = (j.backoff_hint ?? j.backoffHint) as Record<string, unknown> | undefined;
  if (hint) {
    out.backoffHint = {
      type: (hint.backoff_type ?? hint.type) as BackoffHint['type'],
      delaySeconds: Number(hint.delay_seconds ?? hint.delaySeconds),
    };
    if (typeof hint.context === 'string') out.backoffHint.context = hint.context;
  }
  if (j.custom) out.custom = j.custom as Record<string, unknown>;
  return out;
}

const RESULT_KEYS = new Set([
  'success', 'result', 'error_message', 'errorMessage', 'error_type', 'errorType', 'error_code', 'errorCode',
  'retryable', 'metadata', 'orchestration_metadata', 'orchestrationMetadata',
]);

/**
 * True when `value` is a plain object shaped like a result: a boolean `success` and no key outside the result
 * fields (snake_case or camelCase). `{success: true, count: 3}` is NOT result-shaped: it is handler data.
 */
export function isResultShaped(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  if (typeof obj.success !== 'boolean') return false;
  for (const key of Object.keys(obj)) if (!RESULT_KEYS.has(key)) return false;
  const result = obj.result;
  return result === undefined || result === null || (typeof result === 'object' && !Array.isArray(result));
}
