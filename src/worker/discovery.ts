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
import type { Logger } from '../logging.ts';
import { collectEventExports, eventDiscovery, formatEventComponents, type DiscoveredEventComponent, type EventDiscovery } from '../events/discovery.ts';

/** One discovered handler: what `tasker handlers list` prints. */
export interface DiscoveredHandler {
  name: string;
  kind: 'class' | 'functional';
  type: HandlerType;
  version: string;
  /** Absolute path of the module it was exported from. */
  file: string;
}

/** A handler module that could not be imported (discovery went on without it). */
export interface DiscoveryFailure {
  file: string;
  /** The import error's message. */
  reason: string;
  error: unknown;
}

/** The result of {@link discoverHandlers}. */
export interface DiscoveryResult {
  registry: HandlerRegistry;
  handlers: DiscoveredHandler[];
  /** Modules that failed to import (empty in strict mode, which throws instead). */
  failures: DiscoveryFailure[];
  /** Domain event publishers and subscribers the modules export (issue 15). */
  events: EventDiscovery;
}

/** Options of {@link discoverHandlers}. */
export interface DiscoveryOptions {
  /** Throw HANDLER_LOAD_FAILED on the first module that fails to import (default: report it and go on). */
  strict?: boolean;
  /** Where a failed import is reported (warn). */
  logger?: Pick<Logger, 'warn'>;
  /** Where exported publishers and subscribers are registered (default: new registries). */
  events?: EventDiscovery;
}

const MODULE_EXT = /\.(ts|mts|js|mjs)$/;

function isSkipped(root: string, file: string): boolean {
  const parts = relative(root, file).split(sep);
  if (parts.some((p) => p === 'node_modules' || p.startsWith('_'))) return true;
  const name = parts[parts.length - 1] ?? '';
  return !MODULE_EXT.test(name) || /\.d\.m?ts$/.test(name) || /\.test\.[^.]+$/.test(name);
}

// Index modules, as the original worker looks for them: the first of examples/index and index, plus dsl_examples/index.
const INDEXES = [['examples/index.ts', 'examples/index.js', 'index.ts', 'index.js', 'index.mts', 'index.mjs'], ['dsl_examples/index.ts', 'dsl_examples/index.js']];

async function firstFile(runtime: Runtime, dir: string, names: string[]): Promise<string | null> {
  for (const name of names) {
    const candidate = resolvePath(dir, name);
    if ((await runtime.stat(candidate))?.isFile) return candidate;
  }
  return null;
}

/** A search path's index modules (see INDEXES), or [] when it is a file or has none. */
async function indexesOf(runtime: Runtime, path: string): Promise<string[]> {
  if (!(await runtime.stat(path))?.isDirectory) return [];
  const found: string[] = [];
  for (const names of INDEXES) {
    const file = await firstFile(runtime, path, names);
    if (file) found.push(file);
  }
  return found;
}

/** Every module file of a search path: the file itself, or every module below a directory. */
async function allModulesOf(runtime: Runtime, path: string): Promise<string[]> {
  const info = await runtime.stat(path);
  if (!info) return [];
  if (info.isFile) return [path];
  if (!info.isDirectory) return [];
  return (await runtime.listFiles(path)).filter((file) => !isSkipped(path, file));
}

function loadError(file: string, err: unknown): TaskerError {
  return new TaskerError('HANDLER_LOAD_FAILED', `Failed to load handler module ${file}: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
    hint: /require\(\) ES Module|ERR_REQUIRE|import statement outside a module|exports is not defined/.test(String((err as Error)?.message))
      ? 'Handler files are ES modules: add "type": "module" to the nearest package.json, or rename the file to .mts'
      : 'Fix the error in that module, or rename it with a leading _ to exclude it from discovery',
    details: { file },
  });
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
 * Loads the handler modules under `paths` (relative paths resolve against `runtime.cwd()`) and registers each
 * exported handler class or `define*` result, and arrays of them (`ALL_EXAMPLE_HANDLERS`, `ALL_DSL_HANDLERS`, ...), in
 * `registry` (a new one by default). A directory with index modules (the first of `examples/index` and `index`, plus
 * `dsl_examples/index`; .ts or .js) loads those; otherwise, or when they register nothing, every `.ts/.mts/.js/.mjs`
 * file below it, skipping `_*`, `*.test.*`, `*.d.ts` and `node_modules`. Missing paths are ignored; the same class
 * exported twice is registered once. A module that fails to import is reported (`failures`, and a warning) and
 * discovery goes on, unless `strict`: then TaskerError HANDLER_LOAD_FAILED (the file named, the error kept as cause).
 * Two classes with one name → TaskerError HANDLER_DUPLICATE naming both files.
 */
export async function discoverHandlers(
  runtime: Runtime,
  paths: string[],
  registry: HandlerRegistry = new HandlerRegistry(),
  options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
  const handlers: DiscoveredHandler[] = [];
  const failures: DiscoveryFailure[] = [];
  const origin = new Map<string, { cls: StepHandlerClass; file: string }>();
  const seenFiles = new Set<string>();
  const events = options.events ?? eventDiscovery();
  const load = async (file: string): Promise<number> => {
    if (seenFiles.has(file)) return 0;
    seenFiles.add(file);
    let mod: Record<string, unknown>;
    try {
      mod = await runtime.importModule(file);
    } catch (err) {
      const error = loadError(file, err);
      if (options.strict) throw error;
      const reason = (err as Error)?.message ?? String(err);
      failures.push({ file, reason, error });
      options.logger?.warn('handler module failed to import; its handlers are not registered', { file, reason, hint: error.hint });
      return 0;
    }
    let count = collectEventExports(mod, file, events);
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
      count++;
    }
    return count;
  };
  for (const path of paths) {
    const root = resolvePath(runtime.cwd(), path);
    const indexes = await indexesOf(runtime, root);
    let count = 0;
    for (const file of indexes) count += await load(file);
    if (indexes.length === 0 || count === 0) for (const file of await allModulesOf(runtime, root)) await load(file);
  }
  return { registry, handlers, failures, events };
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
 * Modules that failed to import (`options.failures`) are listed with their reason.
 * `format: 'json'` gives `{handlers: [...], missing: [{callable, templates}], failures: [{file, reason}]}`.
 */
export function formatHandlerList(
  handlers: DiscoveredHandler[],
  templates: TemplateCallables[],
  format: 'table' | 'json',
  options: { baseDir?: string; failures?: DiscoveryFailure[]; events?: DiscoveredEventComponent[] } = {},
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
  const failures = (options.failures ?? []).map((f) => ({ file: showFile(f.file), reason: f.reason }));
  const events = (options.events ?? []).map((e) => ({ ...e, file: showFile(e.file) }));
  const publishers = events.filter((e) => e.kind === 'publisher').map(({ kind: _k, patterns: _p, ...e }) => e);
  const subscribers = events.filter((e) => e.kind === 'subscriber').map(({ kind: _k, name, ...e }) => ({ group: name, ...e }));
  if (format === 'json') return JSON.stringify({ handlers: rows, missing, failures, publishers, subscribers }, null, 2);
  const table = [
    ['NAME', 'KIND', 'TYPE', 'VERSION', 'FILE', 'TEMPLATES'],
    ...rows.map((r) => [r.name, r.kind, r.type, r.version, r.file, r.templates.join(', ') || '-']),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const lines = table.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  '));
  lines.push('', `${rows.length} handler${rows.length === 1 ? '' : 's'}`);
  if (events.length > 0) lines.push('', ...formatEventComponents(events));
  if (missing.length > 0) {
    lines.push('', `MISSING: ${missing.length} callable${missing.length === 1 ? '' : 's'} used by templates resolve to no handler:`);
    for (const m of missing) lines.push(`  ✗ ${m.callable}  (used by ${m.templates.join(', ')})`);
  }
  if (failures.length > 0) {
    lines.push('', `FAILED TO LOAD: ${failures.length} handler module${failures.length === 1 ? '' : 's'} (their handlers are missing):`);
    for (const f of failures) lines.push(`  ✗ ${f.file}: ${f.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
