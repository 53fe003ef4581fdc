#!/usr/bin/env node
// Entry of the `tasker` command. From the npm package it runs the compiled CLI (dist/cli.js) on any
// runtime. In a checkout (cli.ts next to bin/) it runs the TypeScript sources, so edits apply without a
// build: natively on Bun, Deno and Node.js with type stripping, through the tsx loader on Node.js 20.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { stopWhenOrphaned } from './parent-watch.mjs';

// under `npx tasker …` a kill of npx must not leave tasker running (it would hold the port and the database)
stopWhenOrphaned();

// Node.js ≥ 22.1 keeps compiled code in a cache on disk between runs (NODE_DISABLE_COMPILE_CACHE=1 turns it off)
module.enableCompileCache?.();

const source = new URL('../cli.ts', import.meta.url);
if (!existsSync(source)) {
  await import('../dist/cli.js');
} else {
  const g = globalThis;
  if (!g.Bun && !g.Deno && !process.features.typescript) (await import('tsx/esm/api')).register();
  await import(source.href);
}
