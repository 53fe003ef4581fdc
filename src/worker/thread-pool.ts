import { TaskerError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { Runtime, ThreadHandle } from '../runtime/types.ts';
import type { HandlerSpec } from '../handlers/resolvers.ts';
import type { StepContextData } from '../handlers/step-context.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import type { FromThread, ToThread } from './handler-thread.ts';

interface Job {
  resolve: (result: StepHandlerResult) => void;
  thread: Slot;
}

interface Slot {
  handle: ThreadHandle;
  busy: number;
}

/**
 * Runs handlers in a pool of runtime worker threads (`[worker] isolation = "thread"`, DESIGN §9.5).
 * Each thread discovers the handler paths itself; a step goes to the least busy thread. Handlers registered
 * only in code (not in a discovered module) cannot run in a thread: {@link ThreadPool.has} tells.
 */
export class ThreadPool {
  readonly #slots: Slot[] = [];
  readonly #jobs = new Map<number, Job>();
  readonly #logger: Logger;
  #handlers = new Set<string>();
  #next = 1;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Starts `size` threads and waits until each has discovered its handlers. */
  async start(runtime: Runtime, size: number, handlerPaths: string[]): Promise<void> {
    // handler-thread.ts from the sources, handler-thread.js from the built package
    const entry = new URL(`./handler-thread${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);
    const absolute = handlerPaths.map((p) => (p.startsWith('/') ? p : `${runtime.cwd()}/${p}`));
    await Promise.all(
      Array.from({ length: size }, () =>
        new Promise<void>((resolve, reject) => {
          const handle = runtime.startThread(entry, { handlerPaths: absolute });
          const slot: Slot = { handle, busy: 0 };
          handle.onError((err) => {
            this.#logger.error('handler thread crashed', { error: err.message });
            reject(err);
          });
          handle.onMessage((raw) => {
            const msg = raw as FromThread;
            if (msg.type === 'ready') {
              this.#handlers = new Set(msg.handlers);
              this.#slots.push(slot);
              resolve();
            } else if (msg.type === 'failed') {
              reject(new TaskerError('HANDLER_LOAD_FAILED', `a handler thread could not load the handlers: ${msg.error}`));
            } else if (msg.type === 'result') {
              const job = this.#jobs.get(msg.id);
              if (!job) return;
              this.#jobs.delete(msg.id);
              job.thread.busy--;
              job.resolve(StepHandlerResult.fromJSON(msg.result as Record<string, unknown>));
            } else if (msg.type === 'log') {
              this.#logger[msg.level](msg.message, msg.fields);
            }
          });
        }),
      ),
    );
  }

  /** Whether the threads know this callable. */
  has(callable: string): boolean {
    return this.#handlers.has(callable);
  }

  /** Runs one step in the least busy thread; aborting `signal` forwards the abort to the handler's own signal. */
  run(spec: HandlerSpec, context: Omit<StepContextData, 'signal' | 'logger'>, signal: AbortSignal): Promise<StepHandlerResult> {
    const thread = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.#next++;
    thread.busy++;
    return new Promise((resolve) => {
      this.#jobs.set(id, { resolve, thread });
      const onAbort = () => {
        const reason = signal.reason as { name?: string; message?: string } | undefined;
        thread.handle.postMessage({ type: 'abort', id, reason: { name: reason?.name ?? 'AbortError', message: reason?.message ?? 'aborted' } } satisfies ToThread);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      thread.handle.postMessage({ type: 'run', id, spec, context } satisfies ToThread);
    });
  }

  /** Terminates every thread. */
  async stop(): Promise<void> {
    await Promise.all(this.#slots.splice(0).map((s) => s.handle.terminate()));
  }
}
