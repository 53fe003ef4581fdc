import type { Completion } from './step-completer.ts';

/**
 * Coalesces completions into batches: the first one flushes on the next tick; completions that arrive
 * while a flush is in flight go out together in the following one. Idle → one statement per step with
 * no added delay; busy → one statement for many steps. A batch that fails is retried one completion at a
 * time, so each learns its own outcome.
 */
export class CompletionBatcher {
  readonly #flush: (batch: Completion[]) => Promise<Set<string>>;
  readonly #maxBatch: number;
  #pending: Array<{ completion: Completion; resolve: (accepted: Set<string>) => void; reject: (err: unknown) => void }> = [];
  #running: Promise<void> | null = null;

  constructor(flush: (batch: Completion[]) => Promise<Set<string>>, maxBatch = 100) {
    this.#flush = flush;
    this.#maxBatch = maxBatch;
  }

  /** Queues a completion; resolves to the claim tokens its batch had accepted (its own is absent if its lease was lost). */
  add(completion: Completion): Promise<Set<string>> {
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
        for (const b of batch) b.resolve(accepted);
      } catch (err) {
        if (batch.length === 1) {
          batch[0].reject(err);
          continue;
        }
        // one completion the database refuses must not fail the others: write them one by one
        for (const b of batch) await this.#flush([b.completion]).then(b.resolve, b.reject);
      }
    }
    this.#running = null;
  }
}
