import { basename, join, relative, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { TaskerError } from '../errors.ts';
import { getRuntime, type Runtime } from '../runtime/index.ts';
import { GITIGNORE_LINES, HELLO_HANDLERS, HELLO_TEMPLATE, README_SNIPPET, TASKER_TOML } from './init-files.ts';
import { VERSION } from './version.ts';

type PackageJson = Record<string, unknown> & { scripts?: Record<string, string>; dependencies?: Record<string, string> };

/** A package name npm accepts, from a directory name. */
function packageName(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
  return name || 'tasker-project';
}

async function readPackageJson(runtime: Runtime, path: string): Promise<PackageJson | null> {
  if (!(await runtime.stat(path))?.isFile) return null;
  const text = await runtime.readTextFile(path);
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as PackageJson;
  } catch {
    // reported below
  }
  throw new TaskerError('USAGE', `${path} is not a JSON object`, { hint: 'fix package.json, then run tasker init again' });
}

/**
 * Writes or updates package.json: `"type": "module"` (handler files are ES modules), tasker as a dependency,
 * `smoke`/`start` scripts. Returns what changed, one phrase each.
 */
async function preparePackageJson(runtime: Runtime, dir: string): Promise<string[]> {
  const path = join(dir, 'package.json');
  const existing = await readPackageJson(runtime, path);
  const pkg: PackageJson = existing ?? { name: packageName(dir), version: '0.1.0', private: true };
  const changes: string[] = [];
  if (pkg.type !== 'module') {
    changes.push(existing ? `set "type": "module" (was ${JSON.stringify(pkg.type ?? 'unset')}; handler files are ES modules)` : '"type": "module"');
    pkg.type = 'module';
  }
  const scripts = (pkg.scripts ??= {});
  for (const [name, command] of [['smoke', 'tasker smoke'], ['start', 'tasker run']] as const) {
    if (!scripts[name]) {
      scripts[name] = command;
      changes.push(`script "${name}"`);
    }
  }
  const deps = (pkg.dependencies ??= {});
  const devDeps = (pkg.devDependencies ?? {}) as Record<string, string>;
  if (!deps.tasker && !devDeps.tasker) {
    deps.tasker = `^${VERSION}`;
    changes.push('dependency tasker');
  }
  if (changes.length > 0) await runtime.writeTextFile(path, `${JSON.stringify(pkg, null, 2)}\n`);
  return changes;
}

/** Writes `text` to `dir/file` unless the file exists; returns whether it wrote. */
async function writeNew(runtime: Runtime, dir: string, file: string, text: string): Promise<boolean> {
  const path = join(dir, file);
  if (await runtime.stat(path)) return false;
  await runtime.writeTextFile(path, text);
  return true;
}

async function updateGitignore(runtime: Runtime, dir: string): Promise<boolean> {
  const path = join(dir, '.gitignore');
  const text = (await runtime.stat(path)) ? await runtime.readTextFile(path) : '';
  const present = new Set(text.split('\n').map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l) && !present.has(l.replace(/\/$/, '')));
  if (missing.length === 0) return false;
  await runtime.writeTextFile(path, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${missing.join('\n')}\n`);
  return true;
}

/** Scaffolds a project in `dir`; existing files are kept. Returns the report printed by the command. */
export async function scaffoldProject(runtime: Runtime, dir: string): Promise<string> {
  const info = await runtime.stat(dir);
  if (info && !info.isDirectory) throw new TaskerError('USAGE', `${dir} exists and is not a directory`, { hint: 'name a new or existing directory' });
  const lines: string[] = [];
  const pkgChanges = await preparePackageJson(runtime, dir);
  lines.push(pkgChanges.length ? `  ${'package.json'.padEnd(22)}${pkgChanges.join(', ')}` : `  ${'package.json'.padEnd(22)}kept (already set up)`);
  const files: [string, string][] = [
    ['tasker.toml', TASKER_TOML],
    ['templates/hello.yaml', HELLO_TEMPLATE],
    ['handlers/hello.ts', HELLO_HANDLERS],
  ];
  for (const [file, text] of files) lines.push(`  ${file.padEnd(22)}${(await writeNew(runtime, dir, file, text)) ? 'created' : 'kept (exists)'}`);
  const created = await writeNew(runtime, dir, 'README.md', `# ${packageName(dir)}\n\n${README_SNIPPET}`);
  const readme = created || (await runtime.readTextFile(join(dir, 'README.md'))).includes(README_SNIPPET.split('\n')[0]);
  lines.push(`  ${'README.md'.padEnd(22)}${created ? 'created' : readme ? 'kept (exists)' : 'kept (exists); add the snippet below'}`);
  if (await updateGitignore(runtime, dir)) lines.push(`  ${'.gitignore'.padEnd(22)}${GITIGNORE_LINES.join(' ')}`);
  const shown = relative(runtime.cwd(), dir);
  return [
    `tasker project in ${dir}:`,
    ...lines,
    '',
    'next:',
    shown === '' ? null : `  cd ${shown.startsWith('..') ? dir : shown}`,
    pkgChanges.includes('dependency tasker') ? '  npm install' : null,
    '  npx tasker smoke        # runs templates/hello.yaml end to end',
    '  npx tasker run          # orchestrator + worker + HTTP API on 127.0.0.1:8080',
    ...(readme ? [] : ['', README_SNIPPET]),
    '',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

export default defineCommand({
  meta: { name: 'init', description: 'Scaffold a project (package.json, tasker.toml, a template and its handlers) — example: tasker init my-flows' },
  args: {
    dir: { type: 'positional', required: false, description: 'project directory (default: the current one; created if missing)' },
  },
  async run({ args }) {
    const runtime = await getRuntime();
    const dir = resolve(runtime.cwd(), typeof args.dir === 'string' && args.dir ? args.dir : '.');
    runtime.writeStdout(await scaffoldProject(runtime, dir));
    return 0;
  },
});
