// A template's `lifecycle` block: per-state staleness thresholds plus what the staleness sweep does with a stale task
// (fields of the original system's templates: staleness_action, auto_fail_on_timeout, auto_dlq_on_timeout).
import { fieldPath, readRecord, report, type FieldContext } from './fields.ts';

/** What the staleness sweep does with a stale task: `dlq` = error + DLQ entry, `error` = error only, `none` = nothing. */
export const StalenessActions = ['dlq', 'error', 'none'] as const;
/** One of {@link StalenessActions}. */
export type StalenessAction = (typeof StalenessActions)[number];

/** The normalized `lifecycle` map: numeric thresholds (`max_<state>_minutes|seconds`), the action and the two flags. */
export type TemplateLifecycle = Record<string, number | string | boolean>;

const BOOLEAN_KEYS = new Set(['auto_fail_on_timeout', 'auto_dlq_on_timeout']);

/**
 * Reads `lifecycle`: thresholds must be numbers ≥ 0; `staleness_action` a string (`dlq` default, `error`, `none`;
 * another value is kept, warned about and treated as `dlq`); `auto_fail_on_timeout` / `auto_dlq_on_timeout` booleans.
 */
export function readLifecycle(ctx: FieldContext, value: unknown): TemplateLifecycle {
  const raw = readRecord(ctx, value, 'lifecycle');
  const out: TemplateLifecycle = {};
  if (!raw) return out;
  for (const [key, v] of Object.entries(raw)) {
    if (v == null) continue;
    const path = fieldPath('lifecycle', key);
    if (key === 'staleness_action') {
      if (typeof v !== 'string' || v.trim() === '') {
        report(ctx, 'error', path, `expected one of ${StalenessActions.join(' | ')}, got ${JSON.stringify(v)}`);
        continue;
      }
      if (!(StalenessActions as readonly string[]).includes(v)) {
        report(ctx, 'warning', path, `unknown staleness_action ${JSON.stringify(v)} is treated as "dlq" (expected one of ${StalenessActions.join(' | ')})`);
      }
      out[key] = v;
    } else if (BOOLEAN_KEYS.has(key)) {
      if (typeof v === 'boolean') out[key] = v;
      else report(ctx, 'error', path, `expected true or false, got ${JSON.stringify(v)}`);
    } else if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
      out[key] = v;
    } else {
      report(ctx, 'error', path, `expected a number ≥ 0 (a threshold such as max_steps_in_process_minutes), got ${JSON.stringify(v)}`);
    }
  }
  return out;
}

/** What the sweep does with a stale task of a template with this lifecycle: move it to error, open a DLQ entry. */
export function stalenessPolicy(lifecycle: TemplateLifecycle | null | undefined): { fail: boolean; dlq: boolean } {
  const action = typeof lifecycle?.staleness_action === 'string' ? lifecycle.staleness_action : 'dlq';
  if (action === 'none') return { fail: false, dlq: false };
  return { fail: lifecycle?.auto_fail_on_timeout !== false, dlq: action !== 'error' && lifecycle?.auto_dlq_on_timeout !== false };
}
