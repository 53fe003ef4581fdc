import type { ThreadHandle } from './types.ts';

/** A thread on the Web `Worker` API (Bun, Deno). `workerData` arrives as the first message. */
export function webWorkerThread(moduleUrl: string | URL, workerData?: unknown): ThreadHandle {
  const worker = new Worker(new URL(moduleUrl).href, { type: 'module' });
  worker.postMessage({ __tasker_worker_data: workerData });
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (fn) => worker.addEventListener('message', (e) => fn((e as MessageEvent).data)),
    onError: (fn) =>
      worker.addEventListener('error', (e) => {
        // handled here: without preventDefault Deno rethrows a worker's uncaught error in the parent and exits
        e.preventDefault();
        fn(new Error((e as ErrorEvent).message ?? 'worker error'));
      }),
    // Bun fires 'close' when a worker ends; Deno has no such event (an uncaught error still reaches onError)
    onExit: (fn) => worker.addEventListener('close', (e) => fn(typeof (e as { code?: unknown }).code === 'number' ? (e as unknown as { code: number }).code : null), { once: true }),
    terminate: async () => worker.terminate(),
  };
}
