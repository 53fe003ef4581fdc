import type { TaskerConfig } from '../config/schema.ts';
import type { RetryPolicy } from '../templates/types.ts';

/** The `[common.backoff]` defaults, for steps whose template sets no retry policy. */
export type BackoffConfig = TaskerConfig['common']['backoff'];

/** Fibonacci number n (1, 1, 2, 3, 5, ...), n ≥ 1. */
function fibonacci(n: number): number {
  let a = 1, b = 1;
  for (let i = 2; i < n; i++) [a, b] = [b, a + b];
  return n <= 2 ? 1 : b;
}

/**
 * Seconds to wait before the next attempt (DESIGN §6.9): a handler's Retry-After hint wins (capped by the
 * step's max), else the step's retry policy (exponential base·2^(attempt−1), linear base·attempt, fibonacci,
 * none) with ±jitter, else the `[common.backoff]` defaults. `attempt` is the number of executions so far.
 */
export function backoffSeconds(
  attempt: number,
  policy: RetryPolicy | null,
  defaults: BackoffConfig,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number {
  const maxSeconds = policy ? policy.maxBackoffMs / 1000 : defaults.max_seconds;
  if (retryAfterSeconds !== null && retryAfterSeconds >= 0) return Math.min(retryAfterSeconds, maxSeconds);
  const n = Math.max(1, attempt);
  let base: number;
  if (policy) {
    const b = policy.backoffBaseMs / 1000;
    if (policy.backoff === 'none') return 0;
    base = policy.backoff === 'linear' ? b * n : policy.backoff === 'fibonacci' ? b * fibonacci(n) : b * 2 ** (n - 1);
  } else {
    base = defaults.base_seconds * defaults.multiplier ** (n - 1);
  }
  const jitter = (defaults.jitter_percent / 100) * base * (random() * 2 - 1);
  return Math.max(0, Math.min(base + jitter, maxSeconds));
}

/** Reads a Retry-After hint (seconds) from a stored result's orchestration metadata, if any. */
export function retryAfterFromResult(results: unknown): number | null {
  const meta = (results as { orchestration_metadata?: Record<string, unknown> } | null)?.orchestration_metadata;
  if (!meta) return null;
  const hint = (meta.backoff_hint ?? meta.backoffHint) as Record<string, unknown> | undefined;
  const fromHint = hint?.delay_seconds ?? hint?.delaySeconds ?? hint?.retry_after_seconds ?? hint?.retryAfterSeconds;
  if (typeof fromHint === 'number') return fromHint;
  const headers = meta.headers as Record<string, unknown> | undefined;
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) return Number(raw.trim());
  return null;
}
