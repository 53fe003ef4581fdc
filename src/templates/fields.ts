// Typed readers for raw template fields: each returns the value or undefined and records a problem
// naming the field path, the bad value and what was expected.
import type { Locator } from './source.ts';
import type { Problem } from './types.ts';

/** Where problems found while reading one file go. */
export interface FieldContext {
  file: string;
  locate: Locator;
  problems: Problem[];
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Joins a field path and a key: `steps[0]` + `retry` → `steps[0].retry`. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** A short, quoted rendering of a value for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${truncate(JSON.stringify(value))})`;
  if (typeof value === 'object') return `an object (${truncate(JSON.stringify(value))})`;
  return truncate(JSON.stringify(value));
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Records a problem at `path`, with the line of that field (or its nearest located parent). */
export function report(ctx: FieldContext, severity: Problem['severity'], path: string, message: string): void {
  const line = ctx.locate(path);
  ctx.problems.push(line === undefined ? { severity, file: ctx.file, path, message } : { severity, file: ctx.file, line, path, message });
}

/** Records "expected X, got Y" for a field. */
export function reportType(ctx: FieldContext, path: string, expected: string, value: unknown): void {
  report(ctx, 'error', path, `expected ${expected}, got ${describe(value)}`);
}

/** Reads a string; null/absent → undefined (an error when `required`). */
export function readString(ctx: FieldContext, value: unknown, path: string, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) report(ctx, 'error', path, 'required field is missing (expected a non-empty string)');
    return undefined;
  }
  if (typeof value !== 'string') {
    reportType(ctx, path, 'a string', value);
    return undefined;
  }
  if (required && value.trim() === '') {
    reportType(ctx, path, 'a non-empty string', value);
    return undefined;
  }
  return value;
}

/** Reads an integer ≥ `min`; null/absent → undefined. */
export function readInteger(ctx: FieldContext, value: unknown, path: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    reportType(ctx, path, `an integer ≥ ${min}`, value);
    return undefined;
  }
  return value;
}

/** Reads a finite number > 0; null/absent → undefined. */
export function readPositiveNumber(ctx: FieldContext, value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    reportType(ctx, path, 'a number > 0', value);
    return undefined;
  }
  return value;
}

/** Reads a boolean; null/absent → undefined. */
export function readBoolean(ctx: FieldContext, value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    reportType(ctx, path, 'true or false', value);
    return undefined;
  }
  return value;
}

/** Reads one of a fixed set of strings; null/absent → undefined. */
export function readEnum<T extends string>(ctx: FieldContext, value: unknown, path: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    reportType(ctx, path, `one of ${allowed.join(' | ')}`, value);
    return undefined;
  }
  return value as T;
}

/** Reads a map (object); null/absent → undefined. */
export function readRecord(ctx: FieldContext, value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    reportType(ctx, path, 'a map of keys to values', value);
    return undefined;
  }
  return value;
}

/** Reads an array; null/absent → undefined. */
export function readArray(ctx: FieldContext, value: unknown, path: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    reportType(ctx, path, 'a list', value);
    return undefined;
  }
  return value;
}

/** Reads a list of non-empty strings (bad entries are reported and dropped). */
export function readStringList(ctx: FieldContext, value: unknown, path: string): string[] | undefined {
  const list = readArray(ctx, value, path);
  if (!list) return undefined;
  const out: string[] = [];
  list.forEach((item, i) => {
    if (typeof item === 'string' && item !== '') out.push(item);
    else reportType(ctx, fieldPath(path, i), 'a step name (non-empty string)', item);
  });
  return out;
}

/**
 * Warns about keys outside `known`. Keys in `legacy` are ones the original tasker system writes:
 * they are accepted and ignored with a gentler message.
 */
export function warnUnknownKeys(
  ctx: FieldContext,
  obj: Record<string, unknown>,
  path: string,
  known: ReadonlySet<string>,
  legacy: ReadonlySet<string> = new Set(),
): void {
  for (const key of Object.keys(obj)) {
    if (known.has(key)) continue;
    const message = legacy.has(key)
      ? `key "${key}" from the original tasker template format is accepted but ignored`
      : `unknown key "${key}" is ignored (expected one of ${[...known].join(', ')})`;
    report(ctx, 'warning', fieldPath(path, key), message);
  }
}
