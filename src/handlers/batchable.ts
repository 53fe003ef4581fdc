import { BATCHABLE_METHODS, BatchableMixin, type Batchable as BatchableMethods } from './batchable-mixin.ts';
import { StepHandler } from './step-handler.ts';

// A mixin base must accept any constructor arguments (TypeScript requires `any[]` here).
type AbstractHandlerCtor = abstract new (...args: any[]) => StepHandler;

/** Marker set on every class produced by {@link Batchable}, used to list it as `batchable`. */
export const BATCHABLE_MARKER = Symbol.for('tasker.batchable');

/** The batch helper methods (the original worker's `Batchable` interface). */
export interface Batchable extends BatchableMethods {}

/**
 * Mixin adding the batch helpers (analyzer, worker and aggregator side) to a handler base class,
 * e.g. `class Importer extends Batchable(ApiHandler) {...}`. The methods are those of {@link BatchableMixin}.
 */
export function Batchable<TBase extends AbstractHandlerCtor>(Base: TBase) {
  abstract class BatchableHandler extends Base {
    static readonly [BATCHABLE_MARKER] = true;
  }
  for (const key of BATCHABLE_METHODS) {
    Object.defineProperty(BatchableHandler.prototype, key, Object.getOwnPropertyDescriptor(BatchableMixin.prototype, key)!);
  }
  return BatchableHandler as unknown as (abstract new (...args: any[]) => InstanceType<TBase> & BatchableMethods) & TBase & { readonly [BATCHABLE_MARKER]: true };
}

/** A {@link StepHandler} with the {@link Batchable} helpers, for batch analyzers, workers and aggregators. */
export abstract class BatchableStepHandler extends Batchable(StepHandler) {
  override get capabilities(): string[] {
    return ['process', 'batchable'];
  }
}

/** True when `cls` was built with the {@link Batchable} mixin. */
export function isBatchableClass(cls: unknown): boolean {
  return typeof cls === 'function' && (cls as unknown as Record<symbol, unknown>)[BATCHABLE_MARKER] === true;
}
