import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';
import { Readable } from 'node:stream';
import { processHost } from './process-host.ts';
import { importNodeModule } from './node-import.ts';
import type { FetchHandler, Runtime, ServerHandle, ThreadHandle } from './types.ts';

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else if (v !== undefined) headers.set(k, v);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // @ts-expect-error duplex is required by undici for streamed bodies but missing from lib.dom
    duplex: hasBody ? 'half' : undefined,
  });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  res.writeHead(response.status, headers);
  if (response.body) {
    const buf = Buffer.from(await response.arrayBuffer());
    res.end(buf);
  } else res.end();
}

function serve(fetch: FetchHandler, options: { hostname: string; port: number }): Promise<ServerHandle> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer(async (req, res) => {
      try {
        const origin = `http://${req.headers.host ?? `${options.hostname}:${options.port}`}`;
        await writeResponse(res, await fetch(await toRequest(req, origin)));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: String((err as Error).message ?? err) } }));
      }
    });
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
