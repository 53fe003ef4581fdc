// When a new task starts: `run_at` (a time) or `delay_seconds` (from now) on the creation request (issue 17).
import { TaskerError } from '../errors.ts';

/** The start time asked for by a creation request, or null when the task starts at once (no time, or one already past). */
export function resolveRunAt(req: { run_at?: string | Date | null; delay_seconds?: number | null }, now = Date.now()): Date | null {
  const hasRunAt = req.run_at !== undefined && req.run_at !== null && req.run_at !== '';
  const hasDelay = req.delay_seconds !== undefined && req.delay_seconds !== null;
  if (hasRunAt && hasDelay) {
    throw new TaskerError('INPUT_INVALID', 'invalid task request: give run_at or delay_seconds, not both', {
      hint: 'run_at is an ISO 8601 time such as "2026-12-02T12:00:00Z"; delay_seconds a number of seconds from now',
    });
  }
  let at: number | null = null;
  if (hasDelay) {
    const d = req.delay_seconds as number;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) {
      throw new TaskerError('INPUT_INVALID', `invalid task request: delay_seconds: expected a number ≥ 0, got ${JSON.stringify(req.delay_seconds)}`, {
        hint: 'pass delay_seconds as a non-negative number of seconds, e.g. 30',
      });
    }
    at = now + d * 1000;
  } else if (hasRunAt) {
    const t = req.run_at instanceof Date ? req.run_at.getTime() : typeof req.run_at === 'string' ? Date.parse(req.run_at) : NaN;
    if (!Number.isFinite(t)) {
      throw new TaskerError('INPUT_INVALID', `invalid task request: run_at: expected an ISO 8601 time, got ${JSON.stringify(req.run_at)}`, {
        hint: 'pass run_at as an ISO 8601 time with a zone, e.g. "2026-12-02T12:00:00Z"',
      });
    }
    at = t;
  }
  return at !== null && at > now ? new Date(at) : null;
}
