// Raw step map → StepTemplate: aliases resolved, defaults applied, field types checked.
import { readRateLimit } from '../scheduling/rate-limit.ts';
import {
  fieldPath, isRecord, readBoolean, readEnum, readInteger, readPositiveNumber, readRecord, readString,
  readStringList, report, reportType, warnUnknownKeys, type FieldContext,
} from './fields.ts';
import {
  BackoffKinds, DEFAULT_BATCH, DEFAULT_RETRY, FailureStrategies, StepTypes,
  type BatchConfig, type HandlerRef, type RetryPolicy, type StepTemplate,
} from './types.ts';
import { readEventDeclarations } from './events.ts';

const STEP_KEYS = new Set([
  'name', 'description', 'type', 'step_type', 'dependencies', 'depends_on', 'handler', 'retry',
  'timeout_seconds', 'batch_config', 'publishes_events', 'result_schema', 'rate_limit',
]);
const LEGACY_STEP_KEYS = new Set(['system_dependency', 'lifecycle', 'default_retryable', 'default_retry_limit', 'skippable', 'custom_events']);
const HANDLER_KEYS = new Set(['callable', 'method', 'resolver', 'initialization']);
const RETRY_KEYS = new Set(['retryable', 'max_attempts', 'backoff', 'backoff_base_ms', 'max_backoff_ms']);
const BATCH_KEYS = new Set(['batch_size', 'parallelism', 'cursor_field', 'worker_template', 'failure_strategy']);

/** Reads one alias pair (`canonical` or `alias`), reporting when both are given. */
function aliased(ctx: FieldContext, raw: Record<string, unknown>, path: string, canonical: string, alias: string): unknown {
  const a = raw[canonical];
  const b = raw[alias];
  if (a != null && b != null) {
    report(ctx, 'error', fieldPath(path, alias), `"${alias}" is an alias of "${canonical}"; give only one of them`);
  }
  return a ?? b;
}

/** Normalizes a handler map; a missing callable becomes '' and is reported by validation. */
export function normalizeHandler(ctx: FieldContext, value: unknown, path: string): HandlerRef {
  const handler: HandlerRef = { callable: '', initialization: {} };
  if (value === undefined || value === null) return handler;
  const raw = readRecord(ctx, value, path);
  if (!raw) return handler;
  warnUnknownKeys(ctx, raw, path, HANDLER_KEYS);
  if (raw.callable != null) handler.callable = readString(ctx, raw.callable, fieldPath(path, 'callable')) ?? '';
  const method = readString(ctx, raw.method, fieldPath(path, 'method'));
  if (method !== undefined) handler.method = method;
  const resolver = readString(ctx, raw.resolver, fieldPath(path, 'resolver'));
  if (resolver !== undefined) handler.resolver = resolver;
  handler.initialization = readRecord(ctx, raw.initialization, fieldPath(path, 'initialization')) ?? {};
  return handler;
}

/** Reads the retry keys present in `value` (used for step retry and environment overrides). */
export function readRetryFields(ctx: FieldContext, value: unknown, path: string): Partial<RetryPolicy> {
  const raw = readRecord(ctx, value, path);
  if (!raw) return {};
  const { limit, ...rest } = raw;
  warnUnknownKeys(ctx, rest, path, RETRY_KEYS);
  let maxAttemptsRaw = raw.max_attempts;
  let maxAttemptsPath = fieldPath(path, 'max_attempts');
  if (limit != null) {
    // `limit` is the original system's older spelling of max_attempts: honour it rather than mis-read it.
    const used = raw.max_attempts == null;
    report(ctx, 'warning', fieldPath(path, 'limit'), used
      ? '"limit" is the legacy name of "max_attempts"; read as max_attempts'
      : '"limit" is the legacy name of "max_attempts"; ignored because max_attempts is also given');
    if (used) {
      maxAttemptsRaw = limit;
      maxAttemptsPath = fieldPath(path, 'limit');
    }
  }
  const out: Partial<RetryPolicy> = {
    retryable: readBoolean(ctx, raw.retryable, fieldPath(path, 'retryable')),
    maxAttempts: readInteger(ctx, maxAttemptsRaw, maxAttemptsPath, 0),
    backoff: readEnum(ctx, raw.backoff, fieldPath(path, 'backoff'), BackoffKinds),
    backoffBaseMs: readInteger(ctx, raw.backoff_base_ms, fieldPath(path, 'backoff_base_ms'), 0),
    maxBackoffMs: readInteger(ctx, raw.max_backoff_ms, fieldPath(path, 'max_backoff_ms'), 0),
  };
  for (const key of Object.keys(out) as Array<keyof RetryPolicy>) if (out[key] === undefined) delete out[key];
  return out;
}

function normalizeBatchConfig(ctx: FieldContext, value: unknown, path: string): BatchConfig | null {
  const raw = readRecord(ctx, value, path);
  if (!raw) return null;
  warnUnknownKeys(ctx, raw, path, BATCH_KEYS);
  return {
    batchSize: readInteger(ctx, raw.batch_size, fieldPath(path, 'batch_size'), 1) ?? DEFAULT_BATCH.batchSize,
    parallelism: readInteger(ctx, raw.parallelism, fieldPath(path, 'parallelism'), 1) ?? DEFAULT_BATCH.parallelism,
    cursorField: readString(ctx, raw.cursor_field, fieldPath(path, 'cursor_field')) ?? DEFAULT_BATCH.cursorField,
    workerTemplate: readString(ctx, raw.worker_template, fieldPath(path, 'worker_template')) ?? '',
    failureStrategy: readEnum(ctx, raw.failure_strategy, fieldPath(path, 'failure_strategy'), FailureStrategies) ?? DEFAULT_BATCH.failureStrategy,
  };
}

/** Normalizes one raw step at `path` (e.g. `steps[3]`); returns null when it is not a map at all. */
export function normalizeStep(ctx: FieldContext, value: unknown, path: string): StepTemplate | null {
  if (!isRecord(value)) {
    reportType(ctx, path, 'a step map with name, handler, ...', value);
    return null;
  }
  warnUnknownKeys(ctx, value, path, STEP_KEYS, LEGACY_STEP_KEYS);
  const typePath = fieldPath(path, value.type != null || value.step_type == null ? 'type' : 'step_type');
  const depsPath = fieldPath(path, value.dependencies != null || value.depends_on == null ? 'dependencies' : 'depends_on');
  const step: StepTemplate = {
    name: value.name == null ? '' : (readString(ctx, value.name, fieldPath(path, 'name')) ?? ''),
    type: readEnum(ctx, aliased(ctx, value, path, 'type', 'step_type'), typePath, StepTypes) ?? 'standard',
    dependencies: readStringList(ctx, aliased(ctx, value, path, 'dependencies', 'depends_on'), depsPath) ?? [],
    handler: normalizeHandler(ctx, value.handler, fieldPath(path, 'handler')),
    retry: { ...DEFAULT_RETRY, ...readRetryFields(ctx, value.retry, fieldPath(path, 'retry')) },
    timeoutSeconds: readPositiveNumber(ctx, value.timeout_seconds, fieldPath(path, 'timeout_seconds')) ?? null,
    batchConfig: value.batch_config == null ? null : normalizeBatchConfig(ctx, value.batch_config, fieldPath(path, 'batch_config')),
    publishesEvents: readEventDeclarations(ctx, value.publishes_events, fieldPath(path, 'publishes_events')),
    resultSchema: value.result_schema ?? null,
  };
  const description = readString(ctx, value.description, fieldPath(path, 'description'));
  if (description !== undefined) step.description = description;
  const rateLimit = readRateLimit(ctx, value.rate_limit, fieldPath(path, 'rate_limit'));
  if (rateLimit) step.rateLimit = rateLimit;
  return step;
}
