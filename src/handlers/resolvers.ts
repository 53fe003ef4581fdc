import { isAbsolute, resolve as resolvePath } from 'node:path';
import { TaskerError } from '../errors.ts';
import { getRuntime } from '../runtime/index.ts';
import type { StepHandler, StepHandlerClass } from './step-handler.ts';

/** A template step's `handler` block as far as resolution is concerned. */
export interface HandlerSpec {
  callable: string;
  /** Method to call instead of `call`. */
  method?: string | null;
  /** Name of the one resolver to use (`explicit_mapping`, `module_path` or a custom one). */
  resolver?: string | null;
  initialization?: Record<string, unknown>;
}

/** Read access to registered handler classes, as resolvers see the registry. */
export interface HandlerLookup {
  getHandlerClass(name: string): StepHandlerClass | undefined;
}

/** One link of the resolver chain; lower `priority` runs first. Returns null when it cannot resolve `spec`. */
export interface HandlerResolver {
  readonly name: string;
  readonly priority: number;
  resolve(spec: HandlerSpec, registry: HandlerLookup): StepHandlerClass | null | Promise<StepHandlerClass | null>;
}

/** Resolves a callable that is a registered handler name (priority 10). */
export class ExplicitMappingResolver implements HandlerResolver {
  readonly name = 'explicit_mapping';
  readonly priority = 10;

  /** The registered class named `spec.callable`, or null. */
  resolve(spec: HandlerSpec, registry: HandlerLookup): StepHandlerClass | null {
    return registry.getHandlerClass(spec.callable) ?? null;
  }
}

/** Options of {@link ModulePathResolver}. */
export interface ModulePathResolverOptions {
  /** Directory relative callables are resolved against (default: the process working directory). */
  baseDir?: string;
  /** Module loader (default: the runtime adapter's `importModule`). */
  importModule?: (path: string) => Promise<Record<string, unknown>>;
}

function isHandlerConstructor(value: unknown, method: string): value is StepHandlerClass {
  return typeof value === 'function' && typeof (value as { prototype?: Record<string, unknown> }).prototype?.[method] === 'function';
}

/**
 * Resolves relative module paths (priority 100): `./handlers/foo.ts#Foo` loads that file and takes export
 * `Foo`; without `#Export` the default export, else the module's only handler class. Absolute paths and bare
 * names are ignored (null). A missing file gives null; a module that throws → TaskerError HANDLER_LOAD_FAILED.
 */
export class ModulePathResolver implements HandlerResolver {
  readonly name = 'module_path';
  readonly priority = 100;
  private readonly options: ModulePathResolverOptions;

  constructor(options: ModulePathResolverOptions = {}) {
    this.options = options;
  }

  /** The class the relative callable points at, or null. */
  async resolve(spec: HandlerSpec): Promise<StepHandlerClass | null> {
    const callable = spec.callable;
    if (!callable.startsWith('./') && !callable.startsWith('../')) return null;
    const hash = callable.lastIndexOf('#');
    const file = hash === -1 ? callable : callable.slice(0, hash);
    const exportName = hash === -1 ? null : callable.slice(hash + 1);
    const runtime = await getRuntime();
    const baseDir = this.options.baseDir ?? runtime.cwd();
    const path = isAbsolute(file) ? file : resolvePath(baseDir, file);
    if (!(await runtime.stat(path))?.isFile) return null;
    let mod: Record<string, unknown>;
    try {
      mod = await (this.options.importModule ?? runtime.importModule)(path);
    } catch (err) {
      throw new TaskerError('HANDLER_LOAD_FAILED', `Failed to load handler module ${path} for callable '${callable}': ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
        details: { file: path, callable },
      });
    }
    const method = spec.method || 'call';
    if (exportName) return isHandlerConstructor(mod[exportName], method) ? mod[exportName] : null;
    if (isHandlerConstructor(mod.default, method)) return mod.default;
    const candidates = Object.values(mod).filter((v): v is StepHandlerClass => isHandlerConstructor(v, method));
    return new Set(candidates).size === 1 ? candidates[0] : null;
  }
}

/** A handler ready to run: the instance, the method to call and how it was found. */
export interface ResolvedHandler {
  /** The handler's name (`static handlerName`, else the class name). */
  name: string;
  /** The callable as written in the template. */
  callable: string;
  /** The method `executeHandler` calls (`call` unless the spec names another). */
  method: string;
  /** The resolver that found it. */
  resolver: string;
  handler: StepHandler;
  handlerClass: StepHandlerClass;
}
