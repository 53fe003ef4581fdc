import { pathToFileURL } from 'node:url';
import { processHost } from './process-host.ts';
import { webWorkerThread } from './web-worker.ts';
import type { FetchHandler, Runtime, ServerHandle } from './types.ts';

// The slice of the Bun global this adapter calls.
declare const Bun: {
  version: string;
  serve(options: { fetch: FetchHandler; hostname: string; port: number }): {
    port: number;
    stop(closeActive?: boolean): Promise<void> | void;
  };
};

async function serve(fetch: FetchHandler, options: { hostname: string; port: number }): Promise<ServerHandle> {
  const server = Bun.serve({ fetch, hostname: options.hostname, port: options.port });
  return { port: server.port, hostname: options.hostname, close: async () => void (await server.stop(true)) };
}

/** The Bun adapter. Bun implements `process` and runs TypeScript natively. */
export const bunRuntime = {
  name: 'bun',
  version: Bun.version,
  ...processHost,
  serve,
  startThread: webWorkerThread,
  importModule: (path: string) => import(pathToFileURL(path).href) as Promise<Record<string, unknown>>,
} satisfies Runtime;
