// Problem output for `tasker validate`: text lines or JSON, plus the validate command's core.
import { loadTemplates, templateKey, type TemplateFiles } from './load.ts';
import type { Problem, TaskTemplate, TemplateLoadOptions } from './types.ts';
import { publisherReferences } from './events.ts';

/** Output formats of `tasker validate`. */
export type ProblemFormat = 'text' | 'json';

/** Renders problems: text = one `file:line: severity path: message` line each; json = an array. */
export function formatProblems(problems: readonly Problem[], format: ProblemFormat = 'text'): string {
  if (format === 'json') return JSON.stringify(problems, null, 2);
  return problems.map(problemLine).join('\n');
}

function problemLine(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where}: ${p.severity}${p.path === '' ? '' : ` ${p.path}`}: ${p.message}`;
}

/**
 * Options of {@link runValidate}; `handlerNames` (when given) is the set of registered handler callables and
 * `handlerHasMethod` tells whether a registered handler has a `handler.method` (a missing one is a warning).
 */
export interface RunValidateOptions extends TemplateLoadOptions {
  format?: ProblemFormat;
  handlerNames?: ReadonlySet<string> | null;
  handlerHasMethod?: ((callable: string, method: string) => boolean) | null;
  /** With `handlerNames`: the registered domain event publisher names (a `publisher:` naming another is an error). */
  publisherNames?: ReadonlySet<string> | null;
}

/** What `tasker validate` prints and exits with. */
export interface RunValidateResult {
  exitCode: 0 | 1;
  output: string;
  templates: TaskTemplate[];
}

/** Loads and checks templates (and, optionally, that every handler callable is registered). */
export async function runValidate(files: TemplateFiles, paths: readonly string[], options: RunValidateOptions = {}): Promise<RunValidateResult> {
  const { templates, problems } = await loadTemplates(files, paths, options);
  if (options.handlerNames) problems.push(...missingHandlers(templates, options.handlerNames, options.handlerHasMethod ?? null));
  if (options.publisherNames) problems.push(...missingPublishers(templates, options.publisherNames));
  if (templates.length === 0 && problems.length === 0) {
    problems.push({ severity: 'error', file: paths.join(', ') || '(no paths)', path: '', message: 'no template files found (expected .yaml, .yml or .toml files)' });
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const exitCode = errors > 0 ? 1 : 0;
  const format = options.format ?? 'text';
  let output: string;
  if (format === 'json') {
    const summary = templates.map((t) => ({ key: templateKey(t), file: t.sourceFile ?? null, steps: t.steps.length }));
    output = JSON.stringify({ ok: exitCode === 0, errors, warnings, templates: summary, problems }, null, 2);
  } else {
    const summary = `${templates.length} valid template${templates.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    output = problems.length > 0 ? `${formatProblems(problems, 'text')}\n${summary}` : summary;
  }
  return { exitCode, output, templates };
}

function missingHandlers(
  templates: readonly TaskTemplate[],
  handlerNames: ReadonlySet<string>,
  hasMethod: ((callable: string, method: string) => boolean) | null,
): Problem[] {
  const problems: Problem[] = [];
  for (const template of templates) {
    template.steps.forEach((step, i) => {
      const { callable, method } = step.handler;
      if (handlerNames.has(callable)) {
        if (method && method !== 'call' && hasMethod && !hasMethod(callable, method)) {
          problems.push({
            severity: 'warning',
            file: template.sourceFile ?? templateKey(template),
            path: `steps[${i}].handler.method`,
            message: `handler "${callable}" has no method "${method}": the step will run its call() method instead (add the method or remove handler.method)`,
          });
        }
        return;
      }
      problems.push({
        severity: 'error',
        file: template.sourceFile ?? templateKey(template),
        path: `steps[${i}].handler.callable`,
        code: 'HANDLER_NOT_FOUND',
        message: `handler "${step.handler.callable}" is not registered (expected one of the discovered handlers; see \`tasker handlers list\`)`,
      });
    });
  }
  return problems;
}

function missingPublishers(templates: readonly TaskTemplate[], known: ReadonlySet<string>): Problem[] {
  return publisherReferences(templates)
    .filter((ref) => !known.has(ref.publisher))
    .map((ref) => ({
      severity: 'error' as const,
      file: ref.template.sourceFile ?? templateKey(ref.template),
      path: ref.path,
      message: `publisher "${ref.publisher}" is not registered (discovered: ${[...known].join(', ') || 'none'}); export a BasePublisher subclass with that publisherName from the handler path, or remove publisher:`,
    }));
}
