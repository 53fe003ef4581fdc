import { validateQueueName } from './names.ts';

/** Something that can be woken: a {@link Waker} or any consumer loop. */
export interface Wakeable {
  wake(): void;
}

/**
 * In-process wake-ups by queue name, for when producer and consumer share a process (and the
 * only push path when LISTEN is unavailable). Call `wake(queue)` after the sending transaction
 * has committed, or the woken consumer may look before the message is visible.
 */
export interface WakeBus {
  /** Registers `target` for `queue`; returns the function that unregisters it. */
  subscribe(queue: string, target: Wakeable): () => void;
  /** Wakes every consumer subscribed to `queue` (no-op when there is none). */
  wake(queue: string): void;
}

/** Creates an empty {@link WakeBus}; a process normally shares one between its producers and consumers. */
export function createWakeBus(): WakeBus {
  const byQueue = new Map<string, Set<Wakeable>>();
  return {
    subscribe(queue, target) {
      validateQueueName(queue);
      let set = byQueue.get(queue);
      if (!set) byQueue.set(queue, (set = new Set()));
      set.add(target);
      return () => {
        const current = byQueue.get(queue);
        if (!current) return;
        current.delete(target);
        if (current.size === 0) byQueue.delete(queue);
      };
    },
    wake(queue) {
      const set = byQueue.get(queue);
      if (!set) return;
      for (const target of [...set]) target.wake();
    },
  };
}
