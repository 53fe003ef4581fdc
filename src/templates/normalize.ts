// Raw template data (from YAML or TOML) → TaskTemplate, with environment overrides applied.
import {
  fieldPath, isRecord, readArray, readEnum, readRecord, readString, reportType, warnUnknownKeys, type FieldContext,
} from './fields.ts';
import { applyEnvironments } from './environments.ts';
import { readEventCatalogue } from './events.ts';
import { readLifecycle } from './lifecycle.ts';
import { normalizeStep } from './normalize-step.ts';
import { readSchedules } from './schedules.ts';
import { readConcurrency } from '../scheduling/concurrency.ts';
import { readRateLimit } from '../scheduling/rate-limit.ts';
import { DEFAULT_RETRY, IdentityStrategies, type StepTemplate, type TaskTemplate } from './types.ts';

const TEMPLATE_KEYS = new Set([
  'name', 'namespace_name', 'version', 'description', 'metadata', 'input_schema', 'identity_strategy',
  'steps', 'environments', 'lifecycle', 'domain_events', 'schedules', 'concurrency', 'rate_limit',
]);
// Keys the original tasker system writes in its templates; they carry nothing this engine uses.
const LEGACY_TEMPLATE_KEYS = new Set([
  'task_handler', 'system_dependencies', 'named_steps', 'loaded_from', 'module_namespace',
  'task_handler_class', 'default_dependent_system', 'custom_events', 'schema',
]);

/**
 * Builds the normalized model from parsed data. Missing required scalars become '' so that
 * validation reports them once; type errors are reported here.
 */
export function normalizeTemplate(ctx: FieldContext, data: unknown, env: string | null | undefined): TaskTemplate | null {
  if (!isRecord(data)) {
    reportType(ctx, '', 'a map at the top level of the template (name, namespace_name, version, steps, ...)', data);
    return null;
  }
  warnUnknownKeys(ctx, data, '', TEMPLATE_KEYS, LEGACY_TEMPLATE_KEYS);
  const template: TaskTemplate = {
    name: data.name == null ? '' : (readString(ctx, data.name, 'name') ?? ''),
    namespace: data.namespace_name == null ? '' : (readString(ctx, data.namespace_name, 'namespace_name') ?? ''),
    version: readVersion(ctx, data.version),
    metadata: readRecord(ctx, data.metadata, 'metadata') ?? {},
    inputSchema: readRecord(ctx, data.input_schema, 'input_schema') ?? null,
    identityStrategy: readEnum(ctx, data.identity_strategy, 'identity_strategy', IdentityStrategies) ?? 'strict',
    steps: readSteps(ctx, data.steps),
    lifecycle: readLifecycle(ctx, data.lifecycle),
  };
  const domainEvents = readEventCatalogue(ctx, data.domain_events);
  if (domainEvents.length) template.domainEvents = domainEvents;
  const schedules = readSchedules(ctx, data.schedules);
  if (schedules.length) template.schedules = schedules;
  const concurrency = readConcurrency(ctx, data.concurrency);
  if (concurrency.length) template.concurrency = concurrency;
  const rateLimit = readRateLimit(ctx, data.rate_limit, 'rate_limit');
  if (rateLimit) template.rateLimit = rateLimit;
  const description = readString(ctx, data.description, 'description');
  if (description !== undefined) template.description = description;
  applyEnvironments(ctx, data.environments, template.steps, env);
  return template;
}

function readVersion(ctx: FieldContext, value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'number') {
    // YAML reads `version: 1.0` as the number 1: say so rather than report a confusing "1".
    reportType(ctx, 'version', 'a version string such as "1.0.0" (quote it)', value);
    return '';
  }
  return readString(ctx, value, 'version') ?? '';
}

function readSteps(ctx: FieldContext, value: unknown): StepTemplate[] {
  const list = readArray(ctx, value, 'steps');
  if (!list) return [];
  const steps: StepTemplate[] = [];
  list.forEach((raw, i) => {
    const step = normalizeStep(ctx, raw, fieldPath('steps', i));
    // A step that is not a map keeps its slot so later indexes still match the file.
    steps.push(step ?? placeholderStep());
  });
  return steps;
}

function placeholderStep(): StepTemplate {
  return {
    name: '', type: 'standard', dependencies: [], handler: { callable: '', initialization: {} },
    retry: { ...DEFAULT_RETRY },
    timeoutSeconds: null, batchConfig: null, publishesEvents: [], resultSchema: null,
  };
}
