#!/usr/bin/env node
// Runs a TypeScript file on Node.js 20 through the tsx loader: `node bin/run-ts.mjs file.ts args…`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const [file] = process.argv.splice(2, 1);
process.argv[1] = resolve(file);
await import(pathToFileURL(resolve(file)).href);
