// Module-path resolution (priority 100): relative paths (`./handlers/foo.ts#Foo`) and package specifiers
// (`@scope/pkg#Export`, `@scope/pkg/sub#Export`); named `module_path`, also reachable as `class_lookup`
// (the original worker's name).
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { TaskerError } from '../errors.ts';
import { getRuntime } from '../runtime/index.ts';
import type { HandlerDefinition } from './handler-definition.ts';
import { resolvePackageEntry } from './package-entry.ts';
import type { BaseResolver } from './resolvers.ts';
import type { StepHandlerClass } from './step-handler.ts';

/** Options of {@link ModulePathResolver}. */
export interface ModulePathResolverOptions {
  /** Directory relative callables (and packages, via its node_modules) are resolved against (default: the working directory). */
  baseDir?: string;
  /** Module loader (default: the runtime adapter's `importModule`). */
  importModule?: (path: string) => Promise<Record<string, unknown>>;
}

const RELATIVE = /^\.\.?\//;
const PACKAGE = /^@[\w.-]+\/[\w.-]+/;

function isHandlerConstructor(value: unknown): value is StepHandlerClass {
  return typeof value === 'function' && typeof (value as { prototype?: { call?: unknown } }).prototype?.call === 'function';
}

/**
 * Resolves relative module paths and `@scope/pkg` specifiers: loads the file and takes export `#Export`; without
 * `#Export` the default export, else the module's only handler class. Absolute paths and bare names are ignored
 * (null). A missing file or package gives null; a module that throws → TaskerError HANDLER_LOAD_FAILED.
 */
export class ModulePathResolver implements BaseResolver {
  readonly name: string = 'module_path';
  readonly priority: number = 100;
  private readonly options: ModulePathResolverOptions;

  constructor(options: ModulePathResolverOptions = {}) {
    this.options = options;
  }

  /** True for `./x`, `../x` and `@scope/pkg…` callables. */
  canResolve(definition: HandlerDefinition): boolean {
    return RELATIVE.test(definition.callable) || PACKAGE.test(definition.callable);
  }

  /** The class the callable points at, or null. */
  async resolve(definition: HandlerDefinition): Promise<StepHandlerClass | null> {
    const callable = definition.callable;
    if (!this.canResolve(definition)) return null;
    const hash = callable.lastIndexOf('#');
    const specifier = hash === -1 ? callable : callable.slice(0, hash);
    const exportName = hash === -1 ? null : callable.slice(hash + 1);
    const runtime = await getRuntime();
    const baseDir = this.options.baseDir ?? runtime.cwd();
    let path: string | null;
    if (RELATIVE.test(specifier)) {
      path = isAbsolute(specifier) ? specifier : resolvePath(baseDir, specifier);
      if (!(await runtime.stat(path))?.isFile) return null;
    } else {
      path = await resolvePackageEntry(runtime, baseDir, specifier);
      if (!path) return null;
    }
    let mod: Record<string, unknown>;
    try {
      mod = await (this.options.importModule ?? runtime.importModule)(path);
    } catch (err) {
      throw new TaskerError('HANDLER_LOAD_FAILED', `Failed to load handler module ${path} for callable '${callable}': ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
        details: { file: path, callable },
      });
    }
    if (exportName) return isHandlerConstructor(mod[exportName]) ? mod[exportName] : null;
    if (isHandlerConstructor(mod.default)) return mod.default;
    const candidates = Object.values(mod).filter(isHandlerConstructor);
    return new Set(candidates).size === 1 ? candidates[0] : null;
  }
}

/** The original worker's name for the module-path resolver (`resolver: class_lookup` in templates). */
export class ClassLookupResolver extends ModulePathResolver {
  override readonly name: string = 'class_lookup';
}
