// Cron expressions of schedules (issue 17), parsed by croner: 5 fields, or 6 with a leading seconds field.
import { Cron } from 'croner';

const cache = new Map<string, Cron>();

function compile(expression: string, timezone: string | null | undefined): Cron {
  const key = `${expression}\u0000${timezone ?? ''}`;
  let cron = cache.get(key);
  if (!cron) {
    cron = new Cron(expression, { paused: true, mode: '5-or-6-parts', ...(timezone ? { timezone } : {}) });
    cache.set(key, cron);
  }
  return cron;
}

/** What is wrong with a cron expression or its timezone (a message with the fix), or null when both are valid. */
export function cronProblem(expression: unknown, timezone?: unknown): string | null {
  if (typeof expression !== 'string' || expression.trim() === '') {
    return `expected a cron expression such as "*/5 * * * *" (5 fields, or 6 with leading seconds), got ${JSON.stringify(expression)}`;
  }
  if (timezone !== undefined && timezone !== null && (typeof timezone !== 'string' || timezone === '')) {
    return `timezone: expected an IANA timezone name such as "Europe/Berlin", got ${JSON.stringify(timezone)}`;
  }
  if (typeof timezone === 'string') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      return `timezone: unknown timezone ${JSON.stringify(timezone)}; use an IANA name such as "Europe/Berlin" or "UTC"`;
    }
  }
  try {
    const cron = compile(expression, timezone as string | undefined);
    if (!cron.nextRun()) return `cron expression ${JSON.stringify(expression)} never fires; check its day and month fields`;
  } catch (err) {
    return `invalid cron expression ${JSON.stringify(expression)}: ${(err as Error).message.replace(/^Cron\w*: /, '')} (expected 5 fields "min hour day month weekday", or 6 with leading seconds)`;
  }
  return null;
}

/** The next tick strictly after `after`, or null if the expression never fires again. */
export function nextTick(expression: string, timezone: string | null, after: Date): Date | null {
  return compile(expression, timezone).nextRun(after);
}

/**
 * The ticks due at `now` that came after `last` (exclusive), oldest first: the newest `max` of them, plus every
 * tick of the last `graceMs` (a pass that ran late, not a process that was down, loses no tick). So catch-up
 * after downtime is bounded by `max` while normal timer jitter never skips a tick.
 */
export function dueTicks(expression: string, timezone: string | null, last: Date, now: Date, max: number, graceMs = 0): Date[] {
  const cron = compile(expression, timezone);
  const after = last.getTime();
  const end = now.getTime();
  const found = new Map<number, Date>();
  // previousRuns walks back from the reference: the newest `max` ticks at or before now
  for (const t of cron.previousRuns(max, new Date(end + 1))) if (t.getTime() > after && t.getTime() <= end) found.set(t.getTime(), t);
  let t = cron.nextRun(new Date(Math.max(after, end - graceMs)));
  for (let n = 0; t && t.getTime() <= end && n < 1000; n++) {
    found.set(t.getTime(), t);
    t = cron.nextRun(t);
  }
  return [...found.values()].sort((a, b) => a.getTime() - b.getTime());
}
