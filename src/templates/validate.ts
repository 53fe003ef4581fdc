// validateTemplate: every rule of DESIGN §5 that can be checked on the normalized model.
import { describe, report, type FieldContext } from './fields.ts';
import { inputSchemaError } from './input-schema.ts';
import { versionProblem } from './version.ts';
import type { Locator } from './source.ts';
import { IdentityStrategies, type Problem, type TaskTemplate } from './types.ts';
import { validateSteps } from './validate-steps.ts';
import { validateTemplateEvents } from './events.ts';

const NAMESPACE_RE = /^[A-Za-z0-9_]{1,29}$/;
/** Options of {@link validateTemplate}: `locate` maps field paths to source lines when the file is known. */
export interface ValidateOptions {
  locate?: Locator;
}

/** Checks a normalized template against every rule of DESIGN §5; returns the problems found (none = valid). */
export function validateTemplate(template: TaskTemplate, options: ValidateOptions = {}): Problem[] {
  const ctx: FieldContext = { file: template.sourceFile ?? '<template>', locate: options.locate ?? (() => undefined), problems: [] };
  if (template.name.trim() === '') report(ctx, 'error', 'name', 'required field is missing (expected a non-empty string)');
  if (template.namespace === '') {
    report(ctx, 'error', 'namespace_name', 'required field is missing (expected 1–29 characters of [A-Za-z0-9_])');
  } else if (!NAMESPACE_RE.test(template.namespace)) {
    report(ctx, 'error', 'namespace_name', `invalid namespace ${describe(template.namespace)}: expected 1–29 characters of [A-Za-z0-9_] (it becomes part of queue names)`);
  }
  if (template.version === '') {
    report(ctx, 'error', 'version', 'required field is missing (expected a version string such as "1.0.0")');
  } else if (versionProblem(template.version)) {
    report(ctx, 'error', 'version', `invalid version ${describe(template.version)}: ${versionProblem(template.version)}`);
  }
  if (!(IdentityStrategies as readonly string[]).includes(template.identityStrategy)) {
    report(ctx, 'error', 'identity_strategy', `expected one of ${IdentityStrategies.join(' | ')}, got ${describe(template.identityStrategy)}`);
  }
  if (template.inputSchema !== null) {
    const error = inputSchemaError(template.inputSchema);
    if (error) report(ctx, 'error', 'input_schema', `not a valid JSON Schema: ${error}`);
  }
  validateSteps(ctx, template);
  validateTemplateEvents(ctx, template);
  return ctx.problems;
}
