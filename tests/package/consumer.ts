// The consumer project of the package tests: `npm pack` of this repository (which builds dist/ through
// `prepare`), installed from the tarball into a fresh project outside the repository, as a user would.
// Packed and installed once per test run; every test reuses the project.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '../..');

/** The result of one command. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (async, so the test process stays responsive) and collects its output. */
export function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? consumerEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 180_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with the command's output unless it exited 0. */
export function assertOk(what: string, r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/** PATH without any node_modules/.bin (npm scripts put this repository's first, and its `node` is Node 24). */
function userPath(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter((p) => p && !p.includes(`node_modules${'/'}.bin`));
}

/** The machine's own `node` (Node.js 20 here), found on PATH outside any node_modules. */
export function systemNode(): string {
  for (const dir of userPath()) {
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error('no node on PATH outside node_modules');
}

/** The Node.js 24 of the `node` devDependency; its binary is linked by that package's preinstall script. */
export function node24(): string {
  const bin = join(ROOT, 'node_modules/node/bin/node');
  if (!existsSync(bin)) {
    throw new Error(
      `${bin} is missing: the "node" devDependency's preinstall did not run (install scripts blocked?). ` +
        'package.json "allowScripts" approves it; run `npm rebuild node` after an install with --ignore-scripts',
    );
  }
  return bin;
}

/** Bun and Deno, from this repository's devDependencies. */
export const BUN = join(ROOT, 'node_modules/.bin/bun');
export const DENO = join(ROOT, 'node_modules/.bin/deno');

/** The environment of a consumer command: no tasker variables, `node` = `nodeBin`'s directory first on PATH. */
export function consumerEnv(extra: Record<string, string> = {}, nodeBin = systemNode()): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TASKER_LOG_LEVEL: 'warn' };
  for (const key of Object.keys(env)) if (/^(TASKER_|DATABASE_URL$|npm_|NODE_OPTIONS$|VITEST)/.test(key)) delete env[key];
  env.TASKER_LOG_LEVEL = 'warn';
  env.PATH = [dirname(nodeBin), ...userPath()].join(delimiter);
  return { ...env, ...extra };
}

/** The packed and installed consumer project. */
export interface Consumer {
  /** Temporary directory holding the tarball and the project; removed by {@link removeConsumer}. */
  base: string;
  /** The project directory (package.json, node_modules/tasker, and what `tasker init` wrote). */
  dir: string;
  /** `npm pack --json` output: the files in the tarball. */
  files: { path: string; size: number }[];
  unpackedSize: number;
  tarball: string;
}

/** Packs the repository (building dist/), creates a project outside it and installs the tarball there. */
export async function createConsumer(): Promise<Consumer> {
  const base = mkdtempSync(join(realpathSync(tmpdir()), 'tasker-consumer-'));
  const npmEnv = { ...consumerEnv(), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const pack = assertOk('npm pack', await run('npm', ['pack', '--json', '--pack-destination', base], { cwd: ROOT, env: npmEnv, timeoutMs: 300_000 }));
  // `prepare` (the build) prints to stdout before the JSON
  const json = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[\n'))) as { filename: string; files: { path: string; size: number }[]; unpackedSize: number }[];
  const tarball = join(base, json[0].filename);
  const dir = join(base, 'app');
  const typesNode = JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'tasker-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  assertOk(
    'npm install of the tarball',
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `@types/node@${typesNode}`], { cwd: dir, env: npmEnv, timeoutMs: 300_000 }),
  );
  return { base, dir, files: json[0].files, unpackedSize: json[0].unpackedSize, tarball };
}

/** Removes the consumer's temporary directory. */
export function removeConsumer(consumer: Consumer | undefined): void {
  if (consumer) rmSync(consumer.base, { recursive: true, force: true });
}
