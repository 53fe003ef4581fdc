#!/usr/bin/env node
// Entry for `npx tasker` on Node.js: registers the tsx loader (Node 20 cannot strip types itself),
// then runs the TypeScript CLI. Bun and Deno run cli.ts directly.
import { register } from 'tsx/esm/api';
import { stopWhenOrphaned } from './parent-watch.mjs';

stopWhenOrphaned();
register();
await import('../cli.ts');
