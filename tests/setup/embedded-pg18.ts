// Global setup of the `pg18` vitest project (the PostgreSQL version matrix): starts an embedded PostgreSQL 18
// on a data directory of its own and hands its URL to the project's tests, whose helpers
// (tests/helpers/db.ts) then create and drop their databases there instead of on the system server.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { getRuntime } from '../../src/runtime/index.ts';
import { serverUrl, startEmbedded, stopEmbedded } from '../../src/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin URL of the embedded PostgreSQL 18 the `pg18` project runs on. */
    testDatabaseUrl: string;
  }
}

/** Starts the server; returns the teardown that stops it and removes its files. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runtime = await getRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'tasker-pg18-'));
  chmodSync(dir, 0o755); // as root the server runs as another account, which must enter it
  const server = await startEmbedded(runtime, join(dir, 'pgdata'));
  project.provide('testDatabaseUrl', serverUrl(server));
  return async () => {
    await stopEmbedded(runtime, join(dir, 'pgdata'));
    rmSync(dir, { recursive: true, force: true });
  };
}
