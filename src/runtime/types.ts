/** A fetch-style request handler, as bound by {@link Runtime.serve}. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A bound HTTP server. */
export interface ServerHandle {
  readonly port: number;
  readonly hostname: string;
  close(): Promise<void>;
}

/** Signals tasker reacts to. */
export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGUSR1';

/** A worker thread running a module, exchanging structured-clone messages. */
export interface ThreadHandle {
  postMessage(message: unknown): void;
  onMessage(fn: (message: unknown) => void): void;
  onError(fn: (error: Error) => void): void;
  /** Called once when the thread has ended (exit code where the runtime reports one; Deno reports none). */
  onExit(fn: (code: number | null) => void): void;
  terminate(): Promise<void>;
}

/** A directory entry returned by {@link Runtime.listFiles}. */
export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
}

/**
 * The one contract between tasker and its host runtime. Only `src/runtime/` touches
 * `process`, `Bun` or `Deno`; everything else receives a `Runtime`.
 */
export interface Runtime {
  readonly name: 'node' | 'bun' | 'deno';
  readonly version: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly argv: readonly string[];
  readonly pid: number;
  readonly isTTY: boolean;
  exit(code: number): never;
  cwd(): string;
  hostname(): string;
  /** Peak-ish resident set size in bytes (current RSS). */
  memoryRss(): number;
  onSignal(signal: SignalName, fn: () => void): () => void;
  serve(fetch: FetchHandler, options: { hostname: string; port: number }): Promise<ServerHandle>;
  startThread(moduleUrl: string | URL, workerData?: unknown): ThreadHandle;
  importModule(path: string): Promise<Record<string, unknown>>;
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  stat(path: string): Promise<FileStat | null>;
  /** Every file under `dir`, recursively, as absolute paths, sorted. */
  listFiles(dir: string): Promise<string[]>;
  /** True when a process with this pid is alive on this host. */
  isProcessAlive(pid: number): boolean;
  /** The user id of this process (0 = root); null where there is none (Windows). */
  uid(): number | null;
  /** Sends a signal to another process (the embedded PostgreSQL server); false when it does not exist. */
  signalProcess(pid: number, signal: 'SIGINT' | 'SIGTERM' | 'SIGQUIT' | 'SIGKILL'): boolean;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
}
