// How the Node.js adapter imports a module by path, TypeScript handler files included:
//   Node ≥ 22.18 strips types natively; a file it cannot load that way (enum, parameter properties,
//   `import './x.js'` meaning x.ts, a .ts file under node_modules) is retried through tsx.
//   Node 20 has no type stripping: the tsx loader is registered the first time a .ts file is imported,
//   so JavaScript-only projects never load it.
//   Running tasker's own sources on Node 20 (a checkout) means tsx is already registered.
import { pathToFileURL } from 'node:url';

const TYPESCRIPT_FILE = /\.(ts|mts|cts)$/;
const TSX_CAN_LOAD = new Set(['ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING', 'ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND']);
const nativeTypeScript = Boolean((process.features as { typescript?: unknown }).typescript);
const loaderActive = import.meta.url.endsWith('.ts') && !nativeTypeScript;

let tsx: Promise<void> | undefined;

function registerTsx(): Promise<void> {
  tsx ??= import('tsx/esm/api').then((m) => void m.register());
  return tsx;
}

/** Imports the module at `path`; TypeScript files load as described above. */
export async function importNodeModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT_FILE.test(path) || loaderActive) return import(url);
  if (!nativeTypeScript) {
    await registerTsx();
    return import(url);
  }
  try {
    return await import(url);
  } catch (err) {
    if (tsx || !TSX_CAN_LOAD.has((err as { code?: string }).code ?? '')) throw err;
    await registerTsx();
    // a new URL: the failed native attempt stays cached under the plain one
    return import(`${url}?tsx`);
  }
}
