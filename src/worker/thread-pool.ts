import { TaskerError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { Runtime, ThreadHandle } from '../runtime/types.ts';
import type { HandlerSpec } from '../handlers/resolvers.ts';
import type { StepContextData } from '../handlers/step-context.ts';
import { WORKER_LOST } from './abort.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import type { FromThread, ToThread } from './handler-thread.ts';

interface Slot {
  handle: ThreadHandle;
  /** In-flight jobs of this thread, by id. */
  jobs: Map<number, (result: StepHandlerResult) => void>;
  dead: boolean;
}

/** The retryable failure of a step whose handler thread ended while running it. */
function threadLostResult(reason: string): StepHandlerResult {
  return StepHandlerResult.failure(`the handler thread running this step ended (${reason}); the step will be retried`, WORKER_LOST, true, { thread_exit: reason }, 'WORKER_LOST');
}

/**
 * Runs handlers in a pool of runtime worker threads (`[worker] isolation = "thread"`, DESIGN §9.5).
 * Each thread discovers the handler paths itself; a step goes to the least busy thread. A thread that
 * exits or crashes is noticed at once: its in-flight steps fail as retryable `worker_lost` and a
 * replacement thread starts. Handlers registered only in code (not in a discovered module) cannot run in
 * a thread: {@link ThreadPool.has} tells.
 */
export class ThreadPool {
  readonly #slots: Slot[] = [];
  readonly #logger: Logger;
  #handlers = new Set<string>();
  #next = 1;
  #runtime: Runtime | null = null;
  #handlerPaths: string[] = [];
  #replacing: Promise<void> | null = null;
  #stopping = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Starts `size` threads and waits until each has discovered its handlers. */
  async start(runtime: Runtime, size: number, handlerPaths: string[]): Promise<void> {
    this.#runtime = runtime;
    this.#handlerPaths = handlerPaths.map((p) => (p.startsWith('/') ? p : `${runtime.cwd()}/${p}`));
    await Promise.all(Array.from({ length: size }, () => this.#startThread()));
  }

  #startThread(): Promise<void> {
    // handler-thread.ts from the sources, handler-thread.js from the built package
    const entry = new URL(`./handler-thread${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);
    return new Promise<void>((resolve, reject) => {
      const handle = this.#runtime!.startThread(entry, { handlerPaths: this.#handlerPaths });
      const slot: Slot = { handle, jobs: new Map(), dead: false };
      let ready = false;
      const lost = (reason: string) => {
        if (slot.dead) return;
        slot.dead = true;
        if (!ready) return reject(new TaskerError('HANDLER_LOAD_FAILED', `a handler thread ended before it was ready: ${reason}`));
        this.#onThreadLost(slot, reason);
      };
      handle.onError((err) => lost(`error: ${err.message}`));
      handle.onExit((code) => lost(code === null ? 'exited' : `exit code ${code}`));
      handle.onMessage((raw) => {
        const msg = raw as FromThread;
        if (msg.type === 'ready') {
          ready = true;
          this.#handlers = new Set(msg.handlers);
          this.#slots.push(slot);
          resolve();
        } else if (msg.type === 'failed') {
          slot.dead = true;
          reject(new TaskerError('HANDLER_LOAD_FAILED', `a handler thread could not load the handlers: ${msg.error}`));
        } else if (msg.type === 'result') {
          const done = slot.jobs.get(msg.id);
          if (!done) return;
          slot.jobs.delete(msg.id);
          done(StepHandlerResult.fromJSON(msg.result as Record<string, unknown>));
        } else if (msg.type === 'log') {
          this.#logger[msg.level](msg.message, msg.fields);
        }
      });
    });
  }

  #onThreadLost(slot: Slot, reason: string): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    const inFlight = [...slot.jobs.values()];
    slot.jobs.clear();
    for (const done of inFlight) done(threadLostResult(reason));
    void slot.handle.terminate().catch(() => {});
    if (this.#stopping) return;
    this.#logger.error(`handler thread ended (${reason}); ${inFlight.length} in-flight step(s) failed as worker_lost (retryable); starting a replacement`);
    const replacing: Promise<void> = this.#startThread()
      .catch((err) => this.#logger.error('could not start a replacement handler thread', { error: (err as Error).message }))
      .finally(() => {
        if (this.#replacing === replacing) this.#replacing = null;
      });
    this.#replacing = replacing;
  }

  /** Whether the threads know this callable. */
  has(callable: string): boolean {
    return this.#handlers.has(callable);
  }

  /** Runs one step in the least busy thread; aborting `signal` forwards the abort to the handler's own signal. */
  async run(spec: HandlerSpec, context: Omit<StepContextData, 'signal' | 'logger'>, signal: AbortSignal): Promise<StepHandlerResult> {
    if (this.#slots.length === 0 && this.#replacing) await this.#replacing;
    if (this.#slots.length === 0) return threadLostResult('no handler thread is running');
    const thread = this.#slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = this.#next++;
    return new Promise((resolve) => {
      thread.jobs.set(id, resolve);
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
    this.#stopping = true;
    await this.#replacing;
    await Promise.all(this.#slots.splice(0).map((s) => s.handle.terminate()));
  }
}
