// loadTemplates: read template files and directories, parse each, reject duplicate identities.
import type { Runtime } from '../runtime/types.ts';
import { parseTemplate } from './parse.ts';
import { formatOf } from './source.ts';
import type { Problem, TaskTemplate, TemplateLoadOptions } from './types.ts';

/** The file operations template loading needs (a full {@link Runtime} fits). */
export type TemplateFiles = Pick<Runtime, 'readTextFile' | 'listFiles' | 'stat'>;

/** Valid templates found under the given paths plus every problem (templates with errors are left out). */
export interface LoadResult {
  templates: TaskTemplate[];
  problems: Problem[];
  /** The `namespace/name@version` keys defined by more than one file (each also reported in `problems`). */
  duplicates: string[];
}

/** The identity of a template in the registry: `namespace/name@version`. */
export function templateKey(template: Pick<TaskTemplate, 'namespace' | 'name' | 'version'>): string {
  return `${template.namespace}/${template.name}@${template.version}`;
}

/**
 * Loads every .yaml/.yml/.toml file under `paths` (files or directories, recursively), in path order.
 * A path that does not exist is an error; so is a second file with the same (namespace, name, version).
 */
export async function loadTemplates(files: TemplateFiles, paths: readonly string[], options: TemplateLoadOptions = {}): Promise<LoadResult> {
  const problems: Problem[] = [];
  const templates: TaskTemplate[] = [];
  const firstFileOf = new Map<string, string>();
  const duplicates: string[] = [];
  for (const file of await templateFiles(files, paths, problems)) {
    let text: string;
    try {
      text = await files.readTextFile(file);
    } catch (err) {
      problems.push({ severity: 'error', file, path: '', message: `cannot read file: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const result = parseTemplate(text, file, options);
    problems.push(...result.problems);
    if (!result.template) continue;
    const key = templateKey(result.template);
    const first = firstFileOf.get(key);
    if (first !== undefined) {
      duplicates.push(key);
      problems.push({
        severity: 'error',
        file,
        path: 'name',
        message: `duplicate template ${key}: defined in both ${first} and ${file} (expected one file per namespace, name and version)`,
      });
      continue;
    }
    firstFileOf.set(key, file);
    templates.push(result.template);
  }
  return { templates, problems, duplicates };
}

async function templateFiles(files: TemplateFiles, paths: readonly string[], problems: Problem[]): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    if (!seen.has(file)) found.push(file);
    seen.add(file);
  };
  for (const path of paths) {
    const info = await files.stat(path);
    if (!info) {
      problems.push({ severity: 'error', file: path, path: '', message: 'no such file or directory (expected a template file or a directory of templates)' });
    } else if (info.isDirectory) {
      for (const file of await files.listFiles(path)) if (formatOf(file)) add(file);
    } else if (formatOf(path)) {
      add(path);
    } else {
      problems.push({ severity: 'error', file: path, path: '', message: 'unsupported file type: expected .yaml, .yml or .toml' });
    }
  }
  return found;
}
