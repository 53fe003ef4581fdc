#!/usr/bin/env node
// The test command (`npm test`): type check, generated-SQL check, then every vitest suite
// (unit, integration against real PostgreSQL, and the node/bun/deno contract suite).
// Prints one last line `N passed, N failed` and exits non-zero on any failure.
// The package tests (tests/package) pack the repository, which builds dist/ through `prepare`.
//
// The "node" devDependency (Node 24, for the package tests) links node_modules/.bin/node, which npm puts
// first on PATH for scripts. Everything here runs on the Node.js that runs npm (the machine's, Node 20),
// and `node` on the tests' PATH is that one again.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

const node = process.env.npm_node_execpath || process.execPath;
mkdirSync('.tasker-test/bin', { recursive: true });
rmSync('.tasker-test/bin/node', { force: true });
symlinkSync(node, '.tasker-test/bin/node');
const env = { ...process.env, PATH: [resolve('.tasker-test/bin'), process.env.PATH].join(delimiter) };

let passed = 0;
let failed = 0;
const extra = process.argv.slice(2);

function step(name, cmd, args) {
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status === 0) passed++;
  else {
    failed++;
    process.stdout.write(`!! ${name} failed (exit ${r.status})\n`);
  }
  return r.status === 0;
}

if (extra.length === 0) {
  step('type check (tsc --noEmit)', node, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
  step('generated migrations module is up to date', node, ['bin/run-ts.mjs', 'scripts/build-sql-module.ts', '--check']);
  step('generated dashboard assets module is up to date', node, ['scripts/build-ui.mjs', '--check']);
}

process.stdout.write('\n== vitest\n');
const r = spawnSync(node, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.tasker-test/vitest.json', ...extra], {
  stdio: 'inherit',
  env,
});
try {
  const report = JSON.parse(readFileSync('.tasker-test/vitest.json', 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // a suite that failed to load has no tests to count; count it as one failure
  failed += report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  if (report.numPendingTests || report.numTodoTests) {
    process.stdout.write(`(${report.numPendingTests + report.numTodoTests} skipped)\n`);
  }
} catch (err) {
  failed++;
  process.stdout.write(`!! could not read the vitest report: ${err.message}\n`);
}
if (r.status !== 0 && failed === 0) failed++;

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
