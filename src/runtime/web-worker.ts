import type { ThreadHandle } from './types.ts';

/** A thread on the Web `Worker` API (Bun, Deno). `workerData` arrives as the first message. */
export function webWorkerThread(moduleUrl: string | URL, workerData?: unknown): ThreadHandle {
  const worker = new Worker(new URL(moduleUrl).href, { type: 'module' });
  worker.postMessage({ __tasker_worker_data: workerData });
  return {
    postMessage: (m) => worker.postMessage(m),
    onMessage: (fn) => worker.addEventListener('message', (e) => fn((e as MessageEvent).data)),
    onError: (fn) =>
      worker.addEventListener('error', (e) => fn(new Error((e as ErrorEvent).message ?? 'worker error'))),
    terminate: async () => worker.terminate(),
  };
}
