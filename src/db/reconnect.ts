// How tasker waits for a database that went away: the loops' retry delays, postgres.js' reconnect
// backoff and the per-attempt connect timeout. Together they bound recovery after the server is back
// to about a second (issue 10: a worker stalled ~8 s after a restart, waiting out postgres.js' default
// backoff, which grows to 10–20 s with the pool's shared failure count, and a 10 s connect timeout).

/** The longest a loop (claim, completion, result processing) waits before retrying a failed statement. */
export const MAX_RETRY_DELAY_MS = 1000;
/** The longest a pool connection waits before reconnecting after a failed attempt (postgres.js `backoff`). */
export const MAX_RECONNECT_BACKOFF_SECONDS = 0.25;
/** The shortest per-attempt connect timeout used once the first connection has been made. */
export const MIN_ATTEMPT_TIMEOUT_SECONDS = 2;

const jittered = (cap: number, random: () => number) => cap * (0.5 + random() / 2);

/**
 * Delay before retry `failures` (1-based) of a loop whose statement failed: 50 ms doubling up to
 * {@link MAX_RETRY_DELAY_MS}, with 50–100 % jitter so that many processes do not retry in lockstep.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  return Math.round(jittered(Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** Math.max(0, Math.min(failures, 10) - 1)), random));
}

/** Waits {@link retryDelayMs}(failures) before a loop retries its failed statement. */
export function waitBeforeRetry(failures: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, retryDelayMs(failures)));
}

/**
 * postgres.js' `backoff` option: seconds a connection waits after a failed attempt before the next one,
 * given the pool's count of consecutive failures. Short, since the loops above already back off.
 */
export function reconnectBackoffSeconds(retries: number, random: () => number = Math.random): number {
  return jittered(Math.min(MAX_RECONNECT_BACKOFF_SECONDS, 0.02 * 2 ** Math.min(retries, 10)), random);
}

/**
 * The connect timeout of each later connection attempt: four times what the first handshake took, at least
 * {@link MIN_ATTEMPT_TIMEOUT_SECONDS}, at most the configured `connect_timeout_seconds`. A reconnect to a
 * server that is back takes about as long as the first connect did; one that hangs (a server still
 * starting, a half-dead proxy) is abandoned and retried instead of holding a pool slot for 10 s.
 */
export function attemptTimeoutSeconds(configuredSeconds: number, firstHandshakeMs: number): number {
  return Math.min(configuredSeconds, Math.max(MIN_ATTEMPT_TIMEOUT_SECONDS, Math.ceil((4 * firstHandshakeMs) / 1000)));
}
