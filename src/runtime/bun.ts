import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { readTextFile, writeTextFile, stat, listFiles } from './fs.ts';
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
  env: process.env,
  argv: process.argv.slice(2),
  pid: process.pid,
  isTTY: Boolean(process.stdout.isTTY),
  exit: (code: number) => process.exit(code),
  cwd: () => process.cwd(),
  hostname: () => hostname(),
  memoryRss: () => process.memoryUsage.rss(),
  onSignal(signal, fn) {
    process.on(signal, fn);
    return () => void process.off(signal, fn);
  },
  serve,
  startThread: webWorkerThread,
  importModule: (path: string) => import(pathToFileURL(path).href) as Promise<Record<string, unknown>>,
  readTextFile,
  writeTextFile,
  stat,
  listFiles,
  isProcessAlive(pid: number) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as { code?: string }).code === 'EPERM';
    }
  },
  uid: () => process.getuid?.() ?? null,
  signalProcess(pid: number, signal: 'SIGINT' | 'SIGTERM' | 'SIGQUIT' | 'SIGKILL') {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  },
  writeStdout: (text: string) => void process.stdout.write(text),
  writeStderr: (text: string) => void process.stderr.write(text),
} satisfies Runtime;
