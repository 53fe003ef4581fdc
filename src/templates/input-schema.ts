// JSON Schema handling for `input_schema`: schema checks at validation, compiled task-input validators.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TaskTemplate } from './types.ts';

/** One reason a task input does not match its template's input_schema. */
export interface InputViolation {
  path: string;
  message: string;
}

/** Validates a task input; returns every violation, empty when the input is valid. */
export type InputValidator = (input: unknown) => InputViolation[];

// A handful of common formats, so schemas from the original system (format: uuid, date-time, ...)
// are checked rather than ignored; ajv-formats is not a dependency. Unknown formats are ignored.
const FORMATS: Record<string, RegExp | ((value: string) => boolean)> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  hostname: /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  uri: (value) => {
    try {
      return new URL(value).protocol.length > 1;
    } catch {
      return false;
    }
  },
};

// One Ajv per compiled schema: a shared instance would reject two templates whose schemas carry
// the same `$id`. Templates are compiled once each, so the cost is paid once.
function newAjv(): Ajv {
  // strict:false: templates use annotation keywords (description, default, examples) and drafts freely.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: true });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

// Schema checks share one Ajv (a new one compiles the meta-schema again: ~30 ms per template); each
// checked schema is removed afterwards, so a `$id` used by two templates is no conflict.
let checker: Ajv | undefined;

/** Compiles `schema`, returning ajv's error message when it is not a valid JSON Schema, else null. */
export function inputSchemaError(schema: Record<string, unknown>): string | null {
  checker ??= newAjv();
  try {
    checker.compile(schema);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    checker.removeSchema(schema);
  }
}

const cache = new WeakMap<TaskTemplate, InputValidator>();

/**
 * A validator for task inputs of `template` (compiled once per template object, all errors
 * reported). A null input_schema accepts every input. Throws when the schema does not compile.
 */
export function compileInputValidator(template: TaskTemplate): InputValidator {
  const cached = cache.get(template);
  if (cached) return cached;
  let validator: InputValidator;
  if (template.inputSchema === null) {
    validator = () => [];
  } else {
    const check: ValidateFunction = newAjv().compile(template.inputSchema);
    validator = (input) => (check(input) ? [] : (check.errors ?? []).map(toViolation));
  }
  cache.set(template, validator);
  return validator;
}

function toViolation(error: ErrorObject): InputViolation {
  let path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path = joinPath(path, params.missingProperty);
    return { path, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { path: joinPath(path, params.additionalProperty), message: 'is not allowed (no such property in input_schema)' };
  }
  return { path: path === '' ? '(input)' : path, message: error.message ?? `fails ${error.keyword}` };
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

// `/items/0/name` → `items[0].name`
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(segment) ? `${path}[${segment}]` : joinPath(path, segment);
  }
  return path;
}
