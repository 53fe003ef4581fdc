// The engine's template loading: the configured search paths, where a missing default path is normal
// (a project may keep templates in only one of ./templates and ./config/tasks).
import { TaskerError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { loadTemplates, type TemplateFiles } from './load.ts';
import type { Problem, TaskTemplate } from './types.ts';

/** The default `[templates] paths`; when one of them is missing nothing is said above debug level. */
export const DEFAULT_TEMPLATE_PATHS: readonly string[] = ['./templates', './config/tasks'];

const located = (p: Problem) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`;

/**
 * Loads the templates under the existing `paths` for environment `env`. A missing path is skipped (with a
 * warning unless it is a default); any template error fails with TEMPLATE_INVALID, or TEMPLATE_DUPLICATE when
 * the only errors are templates defined twice, listing every problem with its file and line.
 */
export async function loadTemplatePaths(files: TemplateFiles, paths: readonly string[], o: { env: string; logger: Logger }): Promise<TaskTemplate[]> {
  const existing: string[] = [];
  for (const path of paths) {
    if (await files.stat(path)) existing.push(path);
    else if (DEFAULT_TEMPLATE_PATHS.includes(path)) o.logger.debug('template path does not exist; skipped', { path });
    else o.logger.warn(`template path ${path} does not exist; skipped (fix [templates] paths or TASKER_TEMPLATE_PATH)`, { path });
  }
  if (existing.length === 0) return [];
  const loaded = await loadTemplates(files, existing, { env: o.env });
  const errors = loaded.problems.filter((p) => p.severity === 'error' && !/no template files/i.test(p.message));
  if (errors.length === 0) return loaded.templates;
  const onlyDuplicates = loaded.duplicates.length === errors.length;
  throw new TaskerError(onlyDuplicates ? 'TEMPLATE_DUPLICATE' : 'TEMPLATE_INVALID', errors.map(located).join('\n'), {
    hint: onlyDuplicates ? 'bump the version of one of them or remove a file' : 'run `tasker validate` for the full report',
    details: onlyDuplicates ? { templates: loaded.duplicates } : undefined,
  });
}
