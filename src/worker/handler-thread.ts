// Entry of a handler thread (`[worker] isolation = "thread"`): discovers the same handler modules as the
// main thread, then runs the steps it is sent and posts back their result JSON. A CPU-bound handler here
// cannot starve the main thread's heartbeats, claims or other handlers.
import { connectThreadPort } from '../runtime/thread-port.ts';
import { getRuntime } from '../runtime/index.ts';
import { discoverHandlers } from './discovery.ts';
import { executeHandler, handlerNotFoundResult } from './handler-executor.ts';
import { createStepContext, type StepContextData } from '../handlers/step-context.ts';
import type { HandlerSpec } from '../handlers/resolvers.ts';
import { StepHandlerResult } from '../handlers/step-handler-result.ts';
import { ErrorType } from '../handlers/error-type.ts';

/** Parent → thread messages. */
export type ToThread =
  | { type: 'run'; id: number; spec: HandlerSpec; context: Omit<StepContextData, 'signal' | 'logger'> }
  | { type: 'abort'; id: number; reason: { name: string; message: string } };

/** Thread → parent messages. */
export type FromThread =
  | { type: 'ready'; handlers: string[] }
  | { type: 'failed'; error: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

const port = await connectThreadPort();
const { handlerPaths } = port.workerData as { handlerPaths: string[] };
const running = new Map<number, AbortController>();

try {
  const runtime = await getRuntime();
  const { registry, handlers } = await discoverHandlers(runtime, handlerPaths);
  port.onMessage(async (raw) => {
    const msg = raw as ToThread;
    if (msg.type === 'abort') {
      running.get(msg.id)?.abort(Object.assign(new Error(msg.reason.message), { name: msg.reason.name }));
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    let result: StepHandlerResult;
    try {
      const resolved = await registry.resolve(msg.spec);
      const log = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
        port.postMessage({ type: 'log', level, message, fields } satisfies FromThread);
      result = resolved
        ? await executeHandler(resolved, createStepContext({
            ...msg.context,
            signal: controller.signal,
            logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
          }))
        : handlerNotFoundResult(msg.spec.callable);
    } catch (err) {
      result = StepHandlerResult.failure(`handler thread error: ${(err as Error).message}`, ErrorType.HANDLER_ERROR, true);
    }
    running.delete(msg.id);
    port.postMessage({ type: 'result', id: msg.id, result: result.toJSON() } satisfies FromThread);
  });
  port.postMessage({ type: 'ready', handlers: handlers.map((h) => h.name) } satisfies FromThread);
} catch (err) {
  port.postMessage({ type: 'failed', error: (err as Error).message } satisfies FromThread);
}
