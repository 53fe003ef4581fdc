/** Throw from a handler for a failure that will not succeed on retry (→ `permanent_error`, not retryable). */
export class PermanentError extends Error {
  readonly retryable = false;
  readonly metadata: Record<string, unknown>;
  readonly errorCode: string | undefined;

  constructor(message: string, metadata?: Record<string, unknown>, options?: { cause?: unknown; errorCode?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PermanentError';
    this.metadata = metadata ?? {};
    this.errorCode = options?.errorCode;
  }
}

/** Throw from a handler for a transient failure (→ `retryable_error`, retried per the step's retry policy). */
export class RetryableError extends Error {
  readonly retryable = true;
  readonly metadata: Record<string, unknown>;
  readonly errorCode: string | undefined;

  constructor(message: string, metadata?: Record<string, unknown>, options?: { cause?: unknown; errorCode?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableError';
    this.metadata = metadata ?? {};
    this.errorCode = options?.errorCode;
  }
}
