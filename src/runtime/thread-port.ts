// The inside of a worker thread started by Runtime.startThread: Node gives workerData and a parentPort
// (node:worker_threads); Bun and Deno run Web Workers, where the adapter sends workerData as the first message.

/** The thread's side of the channel to its parent. */
export interface ThreadPort {
  workerData: unknown;
  postMessage(message: unknown): void;
  onMessage(fn: (message: unknown) => void): void;
}

/** Connects to the parent; resolves once workerData is known. */
export async function connectThreadPort(): Promise<ThreadPort> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (typeof g.Deno === 'undefined' && typeof g.Bun === 'undefined') {
    const wt = await import('node:worker_threads');
    const port = wt.parentPort!;
    return { workerData: wt.workerData, postMessage: (m) => port.postMessage(m), onMessage: (fn) => void port.on('message', fn) };
  }
  const scope = globalThis as unknown as { postMessage(m: unknown): void; addEventListener(t: 'message', fn: (e: MessageEvent) => void): void };
  return new Promise((resolve) => {
    let listener: ((m: unknown) => void) | null = null;
    const early: unknown[] = [];
    let resolved = false;
    scope.addEventListener('message', (e) => {
      const data = e.data as { __tasker_worker_data?: unknown };
      if (!resolved && data && typeof data === 'object' && '__tasker_worker_data' in data) {
        resolved = true;
        resolve({
          workerData: data.__tasker_worker_data,
          postMessage: (m) => scope.postMessage(m),
          onMessage: (fn) => {
            listener = fn;
            for (const m of early.splice(0)) fn(m);
          },
        });
        return;
      }
      if (listener) listener(e.data);
      else early.push(e.data);
    });
  });
}
