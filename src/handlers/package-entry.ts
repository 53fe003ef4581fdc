// Finds the file a package specifier (`@scope/pkg` or `@scope/pkg/sub`) loads, looking in node_modules from a base
// directory upwards and reading the package's `exports` (import/default conditions), `module` or `main`.
import { dirname, join } from 'node:path';
import type { Runtime } from '../runtime/index.ts';

type Exports = string | { [key: string]: Exports } | null;

function pickCondition(target: Exports): string | null {
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object' || Array.isArray(target)) return null;
  for (const condition of ['import', 'node', 'default', 'bun', 'deno']) {
    const picked = pickCondition(target[condition] ?? null);
    if (picked) return picked;
  }
  return null;
}

function exportTarget(exportsField: Exports, subpath: string): string | null {
  if (typeof exportsField === 'string' || exportsField === null) return subpath === '.' ? exportsField : null;
  const keys = Object.keys(exportsField);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.' ? pickCondition(exportsField) : null;
  return pickCondition(exportsField[subpath] ?? null);
}

/** The absolute entry file of `specifier` as seen from `baseDir`, or null when the package is not installed. */
export async function resolvePackageEntry(runtime: Runtime, baseDir: string, specifier: string): Promise<string | null> {
  const parts = specifier.split('/');
  const name = parts.slice(0, 2).join('/');
  const subpath = parts.length > 2 ? `./${parts.slice(2).join('/')}` : '.';
  for (let dir = baseDir; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const manifest = join(pkgDir, 'package.json');
    if ((await runtime.stat(manifest))?.isFile) {
      const pkg = JSON.parse(await runtime.readTextFile(manifest)) as { exports?: Exports; module?: string; main?: string };
      let target = pkg.exports !== undefined ? exportTarget(pkg.exports, subpath) : null;
      if (!target && subpath === '.') target = pkg.module ?? pkg.main ?? 'index.js';
      if (!target && subpath !== '.' && pkg.exports === undefined) target = subpath;
      if (!target) return null;
      const file = join(pkgDir, target);
      return (await runtime.stat(file))?.isFile ? file : null;
    }
    if (dirname(dir) === dir) return null;
  }
}
