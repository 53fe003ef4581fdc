import { pathToFileURL } from 'node:url';
import { files } from './fs.ts';
import { webWorkerThread } from './web-worker.ts';
import type { FetchHandler, Runtime, ServerHandle, SignalName } from './types.ts';

/**
 * Deno's environment as a live record, like Node's and Bun's `process.env`: reads see variables set after
 * start-up (by this process or a library), where `Deno.env.toObject()` would be a snapshot.
 */
function liveEnv(): Record<string, string | undefined> {
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_, key) => (typeof key === 'string' ? Deno.env.get(key) : undefined),
    has: (_, key) => typeof key === 'string' && Deno.env.get(key) !== undefined,
    set: (_, key, value) => (typeof key === 'string' && (Deno.env.set(key, String(value)), true)),
    deleteProperty: (_, key) => (typeof key === 'string' && (Deno.env.delete(key), true)),
    ownKeys: () => Object.keys(Deno.env.toObject()),
    getOwnPropertyDescriptor: (_, key) => {
      const value = typeof key === 'string' ? Deno.env.get(key) : undefined;
      return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: true };
    },
  });
}

// The slice of the Deno global this adapter calls.
declare const Deno: {
  version: { deno: string };
  env: { get(key: string): string | undefined; set(key: string, value: string): void; delete(key: string): void; toObject(): Record<string, string> };
  args: string[];
  pid: number;
  exit(code: number): never;
  cwd(): string;
  hostname(): string;
  memoryUsage(): { rss: number };
  addSignalListener(signal: SignalName, fn: () => void): void;
  removeSignalListener(signal: SignalName, fn: () => void): void;
  kill(pid: number, signal: string): void;
  uid(): number | null;
  stdout: { writeSync(data: Uint8Array): number; isTerminal(): boolean };
  stderr: { writeSync(data: Uint8Array): number };
  serve(
    options: { hostname: string; port: number; onListen?: (addr: { port: number }) => void },
    handler: FetchHandler,
  ): { addr: { port: number }; shutdown(): Promise<void> };
};

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(data: Uint8Array): number }, text: string): void {
  let data = encoder.encode(text);
  while (data.length > 0) data = data.subarray(stream.writeSync(data));
}

async function serve(fetch: FetchHandler, options: { hostname: string; port: number }): Promise<ServerHandle> {
  const server = Deno.serve({ hostname: options.hostname, port: options.port, onListen: () => {} }, fetch);
  return { port: server.addr.port, hostname: options.hostname, close: () => server.shutdown() };
}

/**
 * The Deno adapter. The permissions `tasker run` needs are listed in the README ("Runtimes") and used by
 * the contract suite (tests/helpers/cli.ts DENO_PERMISSIONS).
 */
export const denoRuntime = {
  name: 'deno',
  version: Deno.version.deno,
  env: liveEnv(),
  argv: Deno.args,
  pid: Deno.pid,
  isTTY: Deno.stdout.isTerminal(),
  exit: (code: number) => Deno.exit(code),
  cwd: () => Deno.cwd(),
  hostname: () => Deno.hostname(),
  memoryRss: () => Deno.memoryUsage().rss,
  onSignal(signal, fn) {
    Deno.addSignalListener(signal, fn);
    return () => Deno.removeSignalListener(signal, fn);
  },
  serve,
  startThread: webWorkerThread,
  importModule: (path: string) => import(pathToFileURL(path).href) as Promise<Record<string, unknown>>,
  ...files,
  isProcessAlive(pid: number) {
    try {
      Deno.kill(pid, 'SIGCONT');
      return true;
    } catch (err) {
      return (err as { name?: string }).name === 'PermissionDenied';
    }
  },
  uid: () => Deno.uid(),
  signalProcess(pid: number, signal: 'SIGINT' | 'SIGTERM' | 'SIGQUIT' | 'SIGKILL') {
    try {
      Deno.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  },
  writeStdout: (text: string) => writeAll(Deno.stdout, text),
  writeStderr: (text: string) => writeAll(Deno.stderr, text),
} satisfies Runtime;
