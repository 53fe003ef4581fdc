// `environments.<env>.steps[]` overrides: checked for every environment, applied for the active one.
import {
  fieldPath, readArray, readPositiveNumber, readRecord, readString, report, warnUnknownKeys, type FieldContext,
} from './fields.ts';
import { readRetryFields } from './normalize-step.ts';
import type { RetryPolicy, StepTemplate } from './types.ts';

/** One checked override entry; `name` is a step name or "ALL". */
interface StepOverride {
  name: string;
  path: string;
  initialization: Record<string, unknown> | undefined;
  timeoutSeconds: number | undefined;
  retry: Partial<RetryPolicy>;
}

const ENV_KEYS = new Set(['steps']);
const OVERRIDE_KEYS = new Set(['name', 'handler', 'timeout_seconds', 'retry']);
const OVERRIDE_HANDLER_KEYS = new Set(['initialization']);

function readOverride(ctx: FieldContext, value: unknown, path: string): StepOverride | null {
  const raw = readRecord(ctx, value, path);
  if (!raw) return null;
  warnUnknownKeys(ctx, raw, path, OVERRIDE_KEYS);
  const name = readString(ctx, raw.name, fieldPath(path, 'name'), true);
  const handlerPath = fieldPath(path, 'handler');
  const handler = readRecord(ctx, raw.handler, handlerPath);
  if (handler) warnUnknownKeys(ctx, handler, handlerPath, OVERRIDE_HANDLER_KEYS);
  const initialization = readRecord(ctx, handler?.initialization, fieldPath(handlerPath, 'initialization'));
  const timeoutSeconds = readPositiveNumber(ctx, raw.timeout_seconds, fieldPath(path, 'timeout_seconds'));
  const retry = readRetryFields(ctx, raw.retry, fieldPath(path, 'retry'));
  return name === undefined ? null : { name, path, initialization, timeoutSeconds, retry };
}

/**
 * Checks every environment block and applies the one named `env` to `steps` in place.
 * Null values (`timeout_seconds:` with nothing after it, as the original writes) mean "no override".
 */
export function applyEnvironments(ctx: FieldContext, value: unknown, steps: StepTemplate[], env: string | null | undefined): void {
  const environments = readRecord(ctx, value, 'environments');
  if (!environments) return;
  const stepNames = new Set(steps.map((s) => s.name));
  for (const [envName, block] of Object.entries(environments)) {
    const envPath = fieldPath('environments', envName);
    const envBlock = readRecord(ctx, block, envPath);
    if (!envBlock) continue;
    warnUnknownKeys(ctx, envBlock, envPath, ENV_KEYS);
    const entries = readArray(ctx, envBlock.steps, fieldPath(envPath, 'steps')) ?? [];
    const overrides: StepOverride[] = [];
    entries.forEach((entry, i) => {
      const override = readOverride(ctx, entry, fieldPath(fieldPath(envPath, 'steps'), i));
      if (!override) return;
      if (override.name !== 'ALL' && !stepNames.has(override.name)) {
        report(ctx, 'warning', fieldPath(override.path, 'name'), `override for unknown step "${override.name}" is ignored (expected a step name or "ALL")`);
        return;
      }
      overrides.push(override);
    });
    if (envName === env) applyOverrides(steps, overrides);
  }
}

// Overrides apply in file order; steps are looked up by name, so N overrides on N steps cost O(N).
function applyOverrides(steps: StepTemplate[], overrides: StepOverride[]): void {
  const byName = new Map<string, StepTemplate[]>();
  for (const step of steps) {
    const same = byName.get(step.name);
    if (same) same.push(step);
    else byName.set(step.name, [step]);
  }
  for (const override of overrides) {
    for (const step of override.name === 'ALL' ? steps : (byName.get(override.name) ?? [])) applyOverride(step, override);
  }
}

function applyOverride(step: StepTemplate, override: StepOverride): void {
  if (override.initialization) {
    step.handler.initialization = { ...step.handler.initialization, ...override.initialization };
  }
  if (override.timeoutSeconds !== undefined) step.timeoutSeconds = override.timeoutSeconds;
  step.retry = { ...step.retry, ...override.retry };
}
