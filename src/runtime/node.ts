import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';
import { processHost } from './process-host.ts';
import { importNodeModule } from './node-import.ts';
import type { FetchHandler, Runtime, ServerHandle, ThreadHandle } from './types.ts';

// @hono/node-server bridges node:http to the fetch function (streaming bodies both ways, lightweight
// Request/Response objects); the socket, its errors and the shutdown stay here.
function serve(fetch: FetchHandler, options: { hostname: string; port: number }): Promise<ServerHandle> {
  return new Promise((resolvePromise, reject) => {
    const listener = getRequestListener((request) => fetch(request), {
      hostname: options.hostname,
      errorHandler: (err) =>
        new Response(JSON.stringify({ error: { code: 'INTERNAL', message: String((err as Error).message ?? err) } }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        }),
    });
    const server = createServer(listener);
    server.keepAliveTimeout = 5000;
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port;
      resolvePromise({
        port,
        hostname: options.hostname,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function startThread(moduleUrl: string | URL, workerData?: unknown): ThreadHandle {
  const bootstrap = new URL('./node-thread-bootstrap.mjs', import.meta.url);
  const worker = new Worker(bootstrap, { workerData, argv: [new URL(moduleUrl).href] });
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (fn) => void worker.on('message', fn),
    onError: (fn) => void worker.on('error', fn),
    onExit: (fn) => void worker.once('exit', fn),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/** The Node.js adapter. TypeScript modules load by native type stripping or, on Node 20, through tsx (see node-import.ts). */
export const nodeRuntime = {
  name: 'node',
  version: process.versions.node,
  ...processHost,
  serve,
  startThread,
  importModule: importNodeModule,
} satisfies Runtime;
