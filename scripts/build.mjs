#!/usr/bin/env node
// The package build (`npm run build`; `prepare` runs it on install and before `npm pack`): tsc emits
// ESM JavaScript, declarations and source maps for cli.ts, src/ and the example handlers into dist/,
// then the files tsc does not emit are copied: the worker-thread bootstrap and the example templates
// (`tasker demo` runs dist/examples). Plain JavaScript so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('build failed: tsc reported the errors above\n');
  process.exit(1);
}
cpSync(join(root, 'src/runtime/node-thread-bootstrap.mjs'), join(dist, 'src/runtime/node-thread-bootstrap.mjs'));
cpSync(join(root, 'examples/templates'), join(dist, 'examples/templates'), { recursive: true });

// example handlers are loaded, never imported by users: their declarations are noise in the package
for (const file of readdirSync(join(dist, 'examples/handlers'))) {
  if (file.endsWith('.d.ts')) rmSync(join(dist, 'examples/handlers', file));
}
