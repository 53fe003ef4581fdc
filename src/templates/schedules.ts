// A template's `schedules`: cron schedules that create tasks of this template (issue 17).
import { cronProblem } from '../scheduling/cron.ts';
import { describe, fieldPath, isRecord, readArray, readInteger, readRecord, readString, report, warnUnknownKeys, type FieldContext } from './fields.ts';

/** One entry of a template's `schedules`. */
export interface TemplateSchedule {
  cron: string;
  timezone: string | null;
  input: Record<string, unknown>;
  name: string | null;
  backfill: number;
}

const KEYS = new Set(['cron', 'timezone', 'input', 'name', 'backfill']);

/** Reads and checks `schedules`: each needs a valid cron (5 fields, or 6 with leading seconds) and, if given, an IANA timezone. */
export function readSchedules(ctx: FieldContext, value: unknown): TemplateSchedule[] {
  const list = readArray(ctx, value, 'schedules');
  if (!list) return [];
  const out: TemplateSchedule[] = [];
  list.forEach((raw, i) => {
    const path = fieldPath('schedules', i);
    if (!isRecord(raw)) {
      report(ctx, 'error', path, `expected a map {cron, input?, timezone?, name?, backfill?}, got ${describe(raw)}`);
      return;
    }
    warnUnknownKeys(ctx, raw, path, KEYS, new Set());
    const cron = readString(ctx, raw.cron, fieldPath(path, 'cron'), true);
    const timezone = readString(ctx, raw.timezone, fieldPath(path, 'timezone')) ?? null;
    if (cron !== undefined) {
      const problem = cronProblem(cron, timezone ?? undefined);
      if (problem?.startsWith('timezone')) report(ctx, 'error', fieldPath(path, 'timezone'), problem.replace(/^timezone: /, ''));
      else if (problem) report(ctx, 'error', fieldPath(path, 'cron'), problem);
    }
    const backfill = raw.backfill === undefined ? 0 : readInteger(ctx, raw.backfill, fieldPath(path, 'backfill'), 0) ?? 0;
    out.push({
      cron: cron ?? '', timezone, input: readRecord(ctx, raw.input, fieldPath(path, 'input')) ?? {},
      name: readString(ctx, raw.name, fieldPath(path, 'name')) ?? null, backfill,
    });
  });
  return out;
}
