// Concurrency limits (issue 17): a template's `concurrency: {key?: "$.customer_id", limit: N}` (or a list) caps
// how many of its tasks — per template, or per value of the key in the task input — run at once across every
// process. The limit counts TASKS: a task holds its slot from the moment it starts until it is finished.
import { fieldPath, isRecord, readInteger, readString, report, warnUnknownKeys, type FieldContext } from '../templates/fields.ts';

/** One limit of a template. */
export interface ConcurrencyLimit {
  /** A path into the task input (`$.customer_id`, `$.order.region`); null: one limit for the whole template. */
  key: string | null;
  limit: number;
}

const KEY_RE = /^\$(\.[A-Za-z0-9_-]+)+$/;
const KEYS = new Set(['key', 'limit', 'scope']);

/** Reads `concurrency` (a map or a list of maps). */
export function readConcurrency(ctx: FieldContext, value: unknown): ConcurrencyLimit[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: ConcurrencyLimit[] = [];
  list.forEach((raw, i) => {
    const path = Array.isArray(value) ? fieldPath('concurrency', i) : 'concurrency';
    if (!isRecord(raw)) {
      report(ctx, 'error', path, `expected a map {key?: "$.field", limit: N}, got ${JSON.stringify(raw)}`);
      return;
    }
    warnUnknownKeys(ctx, raw, path, KEYS, new Set());
    if (raw.scope !== undefined && raw.scope !== 'task') {
      report(ctx, 'error', fieldPath(path, 'scope'), `only scope "task" is supported (the limit counts running tasks), got ${JSON.stringify(raw.scope)}`);
    }
    const limit = readInteger(ctx, raw.limit, fieldPath(path, 'limit'), 1);
    if (raw.limit === undefined) report(ctx, 'error', fieldPath(path, 'limit'), 'required field is missing (expected an integer ≥ 1)');
    const key = readString(ctx, raw.key, fieldPath(path, 'key')) ?? null;
    if (key !== null && !KEY_RE.test(key)) {
      report(ctx, 'error', fieldPath(path, 'key'), `expected a path into the task input such as "$.customer_id" or "$.order.region", got ${JSON.stringify(key)}`);
      return;
    }
    if (limit !== undefined) out.push({ key, limit });
  });
  return out;
}

/** The limit keys a new task is subject to, with their limits: `<namespace>/<name>` or `<namespace>/<name>|$.key=<value>`. */
export function concurrencyHolds(
  template: { namespace: string; name: string; concurrency?: ConcurrencyLimit[] },
  context: Record<string, unknown>,
): Array<{ key: string; limit: number }> {
  return (template.concurrency ?? []).map((c) => {
    const base = `${template.namespace}/${template.name}`;
    if (!c.key) return { key: base, limit: c.limit };
    let v: unknown = context;
    for (const part of c.key.slice(2).split('.')) v = isRecord(v) ? v[part] : undefined;
    return { key: `${base}|${c.key}=${JSON.stringify(v ?? null)}`, limit: c.limit };
  });
}
