// Why a running step's AbortSignal fired. The reason is an Error whose `name` tells the kind, so a handler
// that rethrows `signal.reason` still carries it (and `TimeoutError` is what fetch and AbortSignal.timeout use).

/** The kinds of abort the worker raises (an `as const` object, not an enum). */
export const AbortKind = {
  TIMEOUT: 'TimeoutError',
  CANCELLED: 'CancelledError',
  LEASE_LOST: 'LeaseLostError',
  SHUTDOWN: 'ShutdownError',
} as const;

/** One of the {@link AbortKind} names. */
export type AbortKind = (typeof AbortKind)[keyof typeof AbortKind];

/** Aborts `controller` with a reason of the given kind (no-op when already aborted). */
export function abortWith(controller: AbortController, kind: AbortKind, message: string): void {
  if (controller.signal.aborted) return;
  controller.abort(Object.assign(new Error(message), { name: kind }));
}

/** The kind a signal was aborted with, or null when it was not aborted (or by someone else). */
export function abortKindOf(signal: AbortSignal): AbortKind | null {
  if (!signal.aborted) return null;
  const name = (signal.reason as { name?: unknown } | undefined)?.name;
  return (Object.values(AbortKind) as string[]).includes(name as string) ? (name as AbortKind) : null;
}

/** `error_type` of a step whose process or thread died (or lost its lease) before reporting a result. */
export const WORKER_LOST = 'worker_lost';
