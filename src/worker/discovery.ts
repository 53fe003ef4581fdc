/**
 * Handler discovery (DESIGN §9.1): load handler modules from search paths and register their handlers.
 *
 *   discoverHandlers(runtime, paths, registry?) → {registry, handlers}
 *   formatHandlerList(handlers, templates, format) → string   (for `tasker handlers list`)
 */
import { basename, relative, resolve as resolvePath, sep } from 'node:path';
import { TaskerError } from '../errors.ts';
import { describeHandler } from '../handlers/handler-info.ts';
import { HandlerRegistry } from '../handlers/registry.ts';
import { isHandlerClass, type HandlerType, type StepHandlerClass } from '../handlers/step-handler.ts';
import type { Runtime } from '../runtime/index.ts';

/** One discovered handler: what `tasker handlers list` prints. */
export interface DiscoveredHandler {
  name: string;
  kind: 'class' | 'functional';
  type: HandlerType;
  version: string;
  /** Absolute path of the module it was exported from. */
  file: string;
}

/** The result of {@link discoverHandlers}. */
export interface DiscoveryResult {
  registry: HandlerRegistry;
  handlers: DiscoveredHandler[];
}

const MODULE_EXT = /\.(ts|mts|js|mjs)$/;

function isSkipped(root: string, file: string): boolean {
  const parts = relative(root, file).split(sep);
  if (parts.some((p) => p === 'node_modules' || p.startsWith('_'))) return true;
  const name = parts[parts.length - 1] ?? '';
  return !MODULE_EXT.test(name) || /\.d\.m?ts$/.test(name) || /\.test\.[^.]+$/.test(name);
}

/** The module files to load for one search path: the file itself, a directory's index, or every module below it. */
async function modulesOf(runtime: Runtime, path: string): Promise<string[]> {
  const info = await runtime.stat(path);
  if (!info) return [];
  if (info.isFile) return [path];
  if (!info.isDirectory) return [];
  for (const index of ['index.ts', 'index.js']) {
    const candidate = resolvePath(path, index);
    if ((await runtime.stat(candidate))?.isFile) return [candidate];
  }
  return (await runtime.listFiles(path)).filter((file) => !isSkipped(path, file));
}

/** Handler classes exported by a module: direct exports and the elements of exported arrays. */
function handlerExports(mod: Record<string, unknown>): StepHandlerClass[] {
  const found: StepHandlerClass[] = [];
  for (const value of Object.values(mod)) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) if (isHandlerClass(item) && !found.includes(item)) found.push(item);
  }
  return found;
}

/**
 * Loads every handler module under `paths` (relative paths resolve against `runtime.cwd()`) and registers each
 * exported handler class or `define*` result (and arrays of them) in `registry` (a new one by default).
 * A directory with an `index.ts|js` loads only that; otherwise every `.ts/.js/.mjs` file below it, skipping
 * `_*`, `*.test.*`, `*.d.ts` and `node_modules`. Missing paths are ignored. The same class exported twice is
 * registered once. Throws TaskerError HANDLER_DUPLICATE (two classes, one name; both files named) or
 * HANDLER_LOAD_FAILED (a module threw on import; the file is named and the error kept as cause).
 */
export async function discoverHandlers(
  runtime: Runtime,
  paths: string[],
  registry: HandlerRegistry = new HandlerRegistry(),
): Promise<DiscoveryResult> {
  const handlers: DiscoveredHandler[] = [];
  const origin = new Map<string, { cls: StepHandlerClass; file: string }>();
  const seenFiles = new Set<string>();
  for (const path of paths) {
    for (const file of await modulesOf(runtime, resolvePath(runtime.cwd(), path))) {
      if (seenFiles.has(file)) continue;
      seenFiles.add(file);
      let mod: Record<string, unknown>;
      try {
        mod = await runtime.importModule(file);
      } catch (err) {
        throw new TaskerError('HANDLER_LOAD_FAILED', `Failed to load handler module ${file}: ${(err as Error)?.message ?? String(err)}`, {
          cause: err,
          hint: /require\(\) ES Module|ERR_REQUIRE|import statement outside a module|exports is not defined/.test(String((err as Error)?.message))
            ? 'Handler files are ES modules: add "type": "module" to the nearest package.json, or rename the file to .mts'
            : 'Fix the error in that module, or rename it with a leading _ to exclude it from discovery',
          details: { file },
        });
      }
      for (const cls of handlerExports(mod)) {
        const info = describeHandler(cls);
        const previous = origin.get(info.name);
        if (previous?.cls === cls) continue;
        const registered = registry.getHandlerClass(info.name);
        if (previous || (registered && registered !== cls)) {
          const where = previous ? previous.file : 'a handler registered before discovery';
          throw new TaskerError('HANDLER_DUPLICATE', `Handler '${info.name}' is defined twice: in ${where} and in ${file}`, {
            hint: 'Rename one of the handlers (static handlerName or the define* name) or remove one module',
            details: { name: info.name, files: previous ? [previous.file, file] : [file] },
          });
        }
        origin.set(info.name, { cls, file });
        registry.register(info.name, cls);
        handlers.push({ ...info, file });
      }
    }
  }
  return { registry, handlers };
}

/** A loaded template as the handler listing needs it: identity, file and the callables of its steps. */
export interface TemplateCallables {
  namespace: string;
  name: string;
  version: string;
  file: string;
  callables: string[];
}

function isRelativeModulePath(callable: string): boolean {
  return callable.startsWith('./') || callable.startsWith('../');
}

/**
 * The `tasker handlers list` output. Per handler: name, kind, type, version, file and the templates
 * (`namespace/name@version`) whose steps call it. Template callables that match no handler are flagged as
 * missing; relative module-path callables (`./x.ts#X`) resolve at run time and are not flagged.
 * `format: 'json'` gives `{handlers: [...], missing: [{callable, templates}]}`.
 */
export function formatHandlerList(
  handlers: DiscoveredHandler[],
  templates: TemplateCallables[],
  format: 'table' | 'json',
  options: { baseDir?: string } = {},
): string {
  const label = (t: TemplateCallables): string => `${t.namespace}/${t.name}@${t.version}`;
  const showFile = (f: string): string => (options.baseDir ? relative(options.baseDir, f) || basename(f) : f);
  const known = new Set(handlers.map((h) => h.name));
  const rows = [...handlers]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((h) => ({ ...h, file: showFile(h.file), templates: templates.filter((t) => t.callables.includes(h.name)).map(label) }));
  const missingMap = new Map<string, string[]>();
  for (const t of templates) {
    for (const callable of new Set(t.callables)) {
      if (known.has(callable) || isRelativeModulePath(callable)) continue;
      missingMap.set(callable, [...(missingMap.get(callable) ?? []), label(t)]);
    }
  }
  const missing = [...missingMap].sort(([a], [b]) => a.localeCompare(b)).map(([callable, ts]) => ({ callable, templates: ts }));
  if (format === 'json') return JSON.stringify({ handlers: rows, missing }, null, 2);
  const table = [
    ['NAME', 'KIND', 'TYPE', 'VERSION', 'FILE', 'TEMPLATES'],
    ...rows.map((r) => [r.name, r.kind, r.type, r.version, r.file, r.templates.join(', ') || '-']),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const lines = table.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
  lines.push('', `${rows.length} handler${rows.length === 1 ? '' : 's'}`);
  if (missing.length > 0) {
    lines.push('', `MISSING: ${missing.length} callable${missing.length === 1 ? '' : 's'} used by templates resolve to no handler:`);
    for (const m of missing) lines.push(`  ✗ ${m.callable}  (used by ${m.templates.join(', ')})`);
  }
  return `${lines.join('\n')}\n`;
}
