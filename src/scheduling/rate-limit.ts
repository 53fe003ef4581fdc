// Rate limits (issue 17): `rate_limit: {per_second: N}` or `{per_minute: N}` on a template (all its steps share one
// bucket) or on a step (one bucket per handler callable, shared by every template using it). Shared across processes
// through the rate_limits table: a start reserves the next slot of the bucket (GCRA, no burst beyond one) and the
// worker waits until that moment — a timer, no polling — with the wait recorded on the step (rate_limited_until).
import type { Db } from '../db/types.ts';
import { fieldPath, isRecord, readPositiveNumber, report, warnUnknownKeys, type FieldContext } from '../templates/fields.ts';
import type { TaskTemplate } from '../templates/types.ts';

/** A normalized rate limit: starts per second. */
export interface RateLimit {
  perSecond: number;
}

/** Reads `rate_limit` (`per_second` or `per_minute`, one of them). */
export function readRateLimit(ctx: FieldContext, value: unknown, path: string): RateLimit | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    report(ctx, 'error', path, `expected a map {per_second: N} or {per_minute: N}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  warnUnknownKeys(ctx, value, path, new Set(['per_second', 'per_minute']), new Set());
  const perSecond = readPositiveNumber(ctx, value.per_second, fieldPath(path, 'per_second'));
  const perMinute = readPositiveNumber(ctx, value.per_minute, fieldPath(path, 'per_minute'));
  if (perSecond !== undefined && perMinute !== undefined) {
    report(ctx, 'error', path, 'give per_second or per_minute, not both');
    return undefined;
  }
  if (perSecond === undefined && perMinute === undefined) {
    if (value.per_second === undefined && value.per_minute === undefined) report(ctx, 'error', path, 'expected per_second or per_minute (a number > 0)');
    return undefined;
  }
  return { perSecond: perSecond ?? (perMinute as number) / 60 };
}

/** The buckets a step of `template` must pass before its handler starts (template bucket, then handler bucket). */
export function rateBuckets(template: TaskTemplate, stepName: string, callable: string): Array<{ bucket: string; perSecond: number }> {
  const out: Array<{ bucket: string; perSecond: number }> = [];
  if (template.rateLimit) out.push({ bucket: `template:${template.namespace}/${template.name}`, perSecond: template.rateLimit.perSecond });
  const step = template.steps.find((s) => s.name === stepName);
  if (step?.rateLimit) out.push({ bucket: `handler:${callable}`, perSecond: step.rateLimit.perSecond });
  return out;
}

// reserve the bucket's next slot; record the wait on the step, fenced on its claim token
const RESERVE_SQL = `
  WITH r AS (
    INSERT INTO rate_limits AS b (bucket, tat) VALUES ($1, clock_timestamp() + make_interval(secs => $2))
    ON CONFLICT (bucket) DO UPDATE SET tat = greatest(b.tat, clock_timestamp()) + make_interval(secs => $2), updated_at = now()
    RETURNING b.tat - make_interval(secs => $2) AS start_at
  ), mark AS (
    UPDATE workflow_steps s SET rate_limited_until = r.start_at FROM r
    WHERE s.step_uuid = $3 AND s.claim_token = $4 AND r.start_at > clock_timestamp()
  )
  SELECT greatest(0, extract(epoch FROM (start_at - clock_timestamp())) * 1000)::float8 AS wait_ms FROM r`;

/**
 * Waits for a slot in each bucket (in order). Resolves early if `signal` aborts (the step was cancelled or
 * the worker is stopping); the handler then sees the aborted signal.
 */
export async function waitForRateLimits(
  db: Db, buckets: ReadonlyArray<{ bucket: string; perSecond: number }>, step: { stepUuid: string; claimToken: string }, signal: AbortSignal,
): Promise<number> {
  let waited = 0;
  for (const b of buckets) {
    const [{ wait_ms }] = await db.query<{ wait_ms: number }>(RESERVE_SQL, [b.bucket, 1 / b.perSecond, step.stepUuid, step.claimToken]);
    if (wait_ms <= 0 || signal.aborted) continue;
    waited += wait_ms;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait_ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
  return waited;
}
