// parseTemplate: one file's text → normalized, validated template plus every problem found.
import type { FieldContext } from './fields.ts';
import { normalizeTemplate } from './normalize.ts';
import { formatOf, parentPath, parseSource } from './source.ts';
import type { Problem, TaskTemplate, TemplateLoadOptions } from './types.ts';
import { validateTemplate } from './validate.ts';

/** The outcome of parsing one template file: `template` is null when any problem is an error. */
export interface ParseResult {
  template: TaskTemplate | null;
  problems: Problem[];
}

/** Parses, normalizes (aliases, defaults, `environments.<env>` overrides) and validates one template file. */
export function parseTemplate(text: string, file: string, options: TemplateLoadOptions = {}): ParseResult {
  const format = formatOf(file);
  if (!format) {
    return { template: null, problems: [{ severity: 'error', file, path: '', message: 'unsupported file type: expected .yaml, .yml or .toml' }] };
  }
  const source = parseSource(text, file, format);
  if (source.data === undefined) return { template: null, problems: source.problems };
  const ctx: FieldContext = { file, locate: source.locate, problems: [...source.problems] };
  const template = normalizeTemplate(ctx, source.data, options.env);
  if (!template) return { template: null, problems: ctx.problems };
  template.sourceFile = file;
  const problems = byLine([...ctx.problems, ...withoutRepeats(ctx.problems, validateTemplate(template, { locate: source.locate }))]);
  return { template: problems.some((p) => p.severity === 'error') ? null : template, problems };
}

// A field already reported as the wrong type is read as empty; validation would then report it
// (or something under it) again as missing, which only adds noise.
// (A set of error paths and a walk up each later path, so this stays linear in the number of problems.)
function withoutRepeats(earlier: Problem[], later: Problem[]): Problem[] {
  const errorPaths = new Set(earlier.filter((p) => p.severity === 'error').map((p) => p.path));
  const underError = (path: string): boolean => {
    if (errorPaths.has(path)) return true;
    for (let p = parentPath(path); p !== ''; p = parentPath(p)) if (errorPaths.has(p)) return true;
    return false;
  };
  return later.filter((p) => !underError(p.path));
}

// Problems in file order; ones without a line (missing top-level fields) first. The sort is stable.
function byLine(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
