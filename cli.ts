#!/usr/bin/env -S deno run --allow-env --allow-net --allow-read --allow-write --allow-sys --allow-run
// tasker's command line. Node.js: `npx tasker` (bin/tasker.mjs registers tsx); Bun: `bun cli.ts`; Deno: `deno task tasker`.
import { main } from './src/cli/main.ts';

await main();
