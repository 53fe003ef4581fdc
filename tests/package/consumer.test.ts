// tasker as a user gets it: the packed tarball installed into a fresh project outside the repository,
// `tasker init` + `tasker smoke` of the scaffold, and a plain program embedding the library, under
// Node.js 20 (the machine's), Node.js 24 (npm "node" devDependency), Bun and Deno.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { BUN, DENO, ROOT, assertOk, consumerEnv, createConsumer, node24, removeConsumer, run, systemNode, type Consumer } from './consumer.ts';

const APP = join(import.meta.dirname, 'app');
const RUNTIMES = ['node20', 'node24', 'bun', 'deno'] as const;
type Runtime = (typeof RUNTIMES)[number];

let consumer: Consumer;
const databases: TestDatabase[] = [];

async function database(): Promise<string> {
  const db = await createTestDatabase('tasker_pkg');
  databases.push(db);
  return db.url;
}

/** The `node` binary a runtime's commands run with (npx and shebangs find it first on PATH). */
function nodeOf(runtime: Runtime): string {
  return runtime === 'node24' ? node24() : systemNode();
}

/** `tasker <args>` as a user of each runtime types it in the project. */
function tasker(runtime: Runtime, args: string[]): [string, string[]] {
  if (runtime === 'bun') return [join(ROOT, 'node_modules/.bin/bunx'), ['--bun', 'tasker', ...args]];
  if (runtime === 'deno') return [DENO, ['run', '-A', 'npm:tasker/cli', ...args]];
  return ['npx', ['--no-install', 'tasker', ...args]];
}

/** Runs a program file of the project under a runtime. */
function program(runtime: Runtime, file: string): [string, string[]] {
  if (runtime === 'bun') return [BUN, [file]];
  if (runtime === 'deno') return [DENO, ['run', '-A', file]];
  // Node 20 cannot strip types: a TypeScript program runs through tsx, which the package depends on
  if (runtime === 'node20' && file.endsWith('.ts')) return [systemNode(), ['--import', 'tsx', file]];
  return [nodeOf(runtime), [file]];
}

async function inProject(runtime: Runtime, [cmd, args]: [string, string[]], extra: Record<string, string> = {}) {
  return run(cmd, args, { cwd: consumer.dir, env: consumerEnv(extra, nodeOf(runtime)) });
}

beforeAll(async () => {
  consumer = await createConsumer();
  assertOk('tasker init', await inProject('node20', tasker('node20', ['init'])));
  for (const file of ['app.mjs', 'app.ts', 'ui.mjs', 'tsconfig.json', 'trace.mjs', 'trace-hooks.mjs']) copyFileSync(join(APP, file), join(consumer.dir, file));
}, 600_000);

afterAll(async () => {
  removeConsumer(consumer);
  for (const db of databases) await db.drop();
});

describe('the packed package', () => {
  it('holds the compiled code, the CLI entry and the package metadata, nothing else', () => {
    const paths = consumer.files.map((f) => f.path);
    expect(paths).toContain('dist/src/index.js');
    expect(paths).toContain('dist/src/index.d.ts');
    expect(paths).toContain('dist/src/index.js.map');
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('bin/tasker.mjs');
    const stray = paths.filter((p) => !/^(dist\/|bin\/(tasker|parent-watch)\.mjs$|package\.json$|README\.md$|LICENSE$)/.test(p));
    expect(stray).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(tests?|bench|fixtures)\//.test(p) || (/\.ts$/.test(p) && !p.endsWith('.d.ts')))).toEqual([]);
  });

  it('reports the version of package.json', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    const r = assertOk('tasker --version', await inProject('node20', tasker('node20', ['--version'])));
    expect(r.stdout.trim()).toBe(version);
  });

  it('scaffolded a project with tasker init', () => {
    const pkg = JSON.parse(readFileSync(join(consumer.dir, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.dependencies.tasker).toMatch(/tasker-.*\.tgz$/);
    for (const file of ['tasker.toml', 'templates/hello.yaml', 'handlers/hello.ts', 'README.md']) {
      expect(readFileSync(join(consumer.dir, file), 'utf8').length, file).toBeGreaterThan(0);
    }
  });

  it('runs tasker demo: the bundled examples, compiled into the package', async () => {
    const r = await inProject('node20', tasker('node20', ['demo', '--database', await database()]));
    assertOk('tasker demo', r);
    expect(r.stdout.match(/^PASS /gm)?.length).toBe(4);
  });

  it('serves the dashboard page and its hashed assets from the installed package', async () => {
    const r = assertOk('ui.mjs', await inProject('node20', [systemNode(), ['ui.mjs']]));
    const seen = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(seen.page).toEqual([200, 'no-cache', true]);
    expect(seen.js.slice(0, 2)).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(seen.js[2]).toBeGreaterThan(10_000);
    expect(seen.css.slice(0, 2)).toEqual([200, 'text/css; charset=utf-8']);
  });

  it('type-checks a TypeScript consumer against its declarations (skipLibCheck off)', async () => {
    const r = await run(systemNode(), [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer.dir });
    assertOk('tsc in the consumer project', r);
  });
});

describe('the installed CLI on Node.js', () => {
  /** The module URLs one `tasker` command resolves. */
  async function modulesLoaded(runtime: 'node20' | 'node24', args: string[], env: Record<string, string> = {}): Promise<string[]> {
    const trace = join(consumer.base, `trace-${runtime}.txt`);
    rmSync(trace, { force: true });
    const bin = join(consumer.dir, 'node_modules/tasker/bin/tasker.mjs');
    assertOk(`tasker ${args.join(' ')}`, await inProject(runtime, [nodeOf(runtime), ['--import', './trace.mjs', bin, ...args]], { ...env, TRACE_FILE: trace }));
    return readFileSync(trace, 'utf8').trim().split('\n');
  }

  it('starts from the compiled JavaScript, without tsx or the database driver', async () => {
    const loaded = await modulesLoaded('node20', ['validate']);
    expect(loaded).toContain(`file://${consumer.dir}/node_modules/tasker/dist/cli.js`);
    expect(loaded.filter((u) => u.includes('/node_modules/tasker/') && !/\/dist\/.*\.js$|\/bin\/(tasker|parent-watch)\.mjs$/.test(u))).toEqual([]);
    expect(loaded.filter((u) => /\/node_modules\/(tsx|postgres)\//.test(u))).toEqual([]);
  });

  it('loads tsx on Node 20 only to import a TypeScript handler; Node 24 strips types itself', async () => {
    const node20 = await modulesLoaded('node20', ['handlers', 'list']);
    expect(node20).toContain(`file://${consumer.dir}/handlers/hello.ts`);
    expect(node20.some((u) => u.includes('/node_modules/tsx/'))).toBe(true);
    const node24 = await modulesLoaded('node24', ['handlers', 'list']);
    expect(node24).toContain(`file://${consumer.dir}/handlers/hello.ts`);
    expect(node24.some((u) => u.includes('/node_modules/tsx/'))).toBe(false);
  });

  it('retries through tsx a handler file Node 24 cannot strip (an enum)', async () => {
    const dir = join(consumer.dir, 'enum-handlers');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'colour.ts'),
      "import { defineHandler } from 'tasker';\nenum Colour { Red = 'red' }\nexport const colour = defineHandler('enum.colour', {}, () => ({ colour: Colour.Red }));\n",
    );
    const loaded = await modulesLoaded('node24', ['handlers', 'list', '--format', 'json'], { TASKER_HANDLER_PATH: `handlers,${dir}` });
    expect(loaded.some((u) => u.includes('/node_modules/tsx/'))).toBe(true);
    expect(loaded.some((u) => u.startsWith(`file://${dir}/colour.ts`))).toBe(true);
  });
});

describe.each(RUNTIMES)('installed, under %s', (runtime) => {
  it('passes tasker smoke on the scaffold at once', async () => {
    const r = await inProject(runtime, tasker(runtime, ['smoke']), { DATABASE_URL: await database() });
    assertOk(`tasker smoke under ${runtime}`, r);
    expect(r.stdout).toMatch(/PASS hello\/hello@1\.0\.0/);
    expect(r.stdout).toContain('HELLO, WORLD!');
  });

  it('runs the scaffold\'s TypeScript handlers in worker threads ([worker] isolation = "thread")', async () => {
    const config = '[templates]\npaths = ["templates"]\n[handlers]\npaths = ["handlers"]\n[worker]\nisolation = "thread"\nthread_pool_size = 1\n';
    writeFileSync(join(consumer.dir, 'threads.toml'), config);
    const r = await inProject(runtime, tasker(runtime, ['smoke', '--config', 'threads.toml']), { DATABASE_URL: await database() });
    assertOk(`tasker smoke with handler threads under ${runtime}`, r);
    expect(r.stdout).toContain('HELLO, WORLD!');
  });

  it.each(['app.mjs', 'app.ts'])('runs %s: createTasker, handlers in code, a two-step task to completion', async (file) => {
    const r = await inProject(runtime, program(runtime, file), { DATABASE_URL: await database() });
    assertOk(`${file} under ${runtime}`, r);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ state: 'complete', result: { value: 41 } });
  });
});
