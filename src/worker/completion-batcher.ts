import type { Completion } from './step-completer.ts';

/**
 * Coalesces completions into batches: the first one flushes on the next tick; completions that arrive
 * while a flush is in flight go out together in the following one. Idle → one statement per step with
 * no added delay; busy → one statement for many steps.
 */
export class CompletionBatcher {
  readonly #flush: (batch: Completion[]) => Promise<Set<string>>;
  readonly #maxBatch: number;
  #pending: Array<{ completion: Completion; resolve: (accepted: boolean) => void; reject: (err: unknown) => void }> = [];
  #running: Promise<void> | null = null;

  constructor(flush: (batch: Completion[]) => Promise<Set<string>>, maxBatch = 100) {
    this.#flush = flush;
    this.#maxBatch = maxBatch;
  }

  /** Queues a completion; resolves true if it was accepted, false if its lease had been lost. */
  add(completion: Completion): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ completion, resolve, reject });
      if (!this.#running) this.#running = this.#drain();
    });
  }

  /** Resolves once everything queued so far has been written. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    await Promise.resolve();
    while (this.#pending.length) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      try {
        const accepted = await this.#flush(batch.map((b) => b.completion));
        for (const b of batch) b.resolve(accepted.has(b.completion.stepUuid));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.#running = null;
  }
}
