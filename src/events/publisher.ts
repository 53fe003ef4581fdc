// Publishers shape a step's result into a business event (issue 15). tasker decides *when* an event fires
// (the template's `condition`, after the result is committed) and stores it; a publisher only says whether
// and with what payload and metadata.
import { getDefaultLogger, type Logger } from '../logging.ts';
import type { EventDeclaration, PublishContext, StepEventContext, StepResult } from './types.ts';

/** Base class of custom publishers, named by `publisher:` in a step's `publishes_events`. */
export abstract class BasePublisher {
  /** The name templates refer to. */
  abstract readonly publisherName: string;

  /** The process logger. */
  protected get logger(): Logger {
    return getDefaultLogger().child({ publisher: this.publisherName });
  }

  /** The event payload; by default the step's result object. */
  transformPayload(stepResult: StepResult, _eventDeclaration?: EventDeclaration, _stepContext?: StepEventContext): Record<string, unknown> {
    return stepResult.result ?? {};
  }

  /** Extra conditions on top of the template's `condition`; false skips the event. */
  shouldPublish(_stepResult: StepResult, _eventDeclaration?: EventDeclaration, _stepContext?: StepEventContext): boolean {
    return true;
  }

  /** Metadata merged into the event's metadata. */
  additionalMetadata(_stepResult: StepResult, _eventDeclaration?: EventDeclaration, _stepContext?: StepEventContext): Record<string, unknown> {
    return {};
  }

  /** Runs just before the event is handed to tasker; false skips it. */
  beforePublish(_eventName: string, _payload: Record<string, unknown>, _metadata: Record<string, unknown>): boolean {
    return true;
  }

  /** Runs once the event is committed (durable) or dispatched (fast). */
  afterPublish(_eventName: string, _payload: Record<string, unknown>, _metadata: Record<string, unknown>): void {}

  /** Runs when one of the hooks above threw; the event is then skipped (the step's result is unaffected). */
  onPublishError(eventName: string, error: Error, _payload: Record<string, unknown>): void {
    this.logger.error('domain event publisher failed; event skipped', { event: eventName, error: error.message });
  }

  /**
   * The whole publishing flow for one event: shouldPublish → transformPayload → additionalMetadata →
   * beforePublish → afterPublish. Returns the prepared event, or null when skipped. tasker calls it with
   * `deferAfterPublish` so `afterPublish` runs only after the result (and the event) is committed.
   */
  prepare(ctx: PublishContext, options: { deferAfterPublish?: boolean } = {}): PreparedPublication | null {
    const { eventName, stepResult, eventDeclaration, stepContext } = ctx;
    let payload: Record<string, unknown> = {};
    try {
      if (!this.shouldPublish(stepResult, eventDeclaration, stepContext)) return null;
      payload = this.transformPayload(stepResult, eventDeclaration, stepContext) ?? {};
      const metadata: Record<string, unknown> = {
        publisher: this.publisherName,
        ...this.additionalMetadata(stepResult, eventDeclaration, stepContext),
      };
      if (!this.beforePublish(eventName, payload, metadata)) return null;
      const done = () => this.afterPublish(eventName, payload, metadata);
      if (!options.deferAfterPublish) done();
      return { payload, metadata, afterPublish: done };
    } catch (err) {
      this.onPublishError(eventName, err instanceof Error ? err : new Error(String(err)), payload);
      return null;
    }
  }

  /** The original's entry point: runs the flow above; true when the event would be published. */
  publish(ctx: PublishContext): boolean {
    return this.prepare(ctx) !== null;
  }
}

/** What {@link BasePublisher.prepare} yields. */
export interface PreparedPublication {
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
  afterPublish: () => void;
}

/** The publisher used when a declaration names none: the step result, unchanged. */
export class DefaultPublisher extends BasePublisher {
  readonly publisherName = 'default';
}

/** Whether `value` looks like a publisher instance (duck-typed, so two copies of tasker still agree). */
export function isPublisher(value: unknown): value is BasePublisher {
  const v = value as Partial<BasePublisher> | null;
  return typeof v === 'object' && v !== null && typeof v.publisherName === 'string' && typeof v.transformPayload === 'function' && typeof v.prepare === 'function';
}

/** Whether `value` is a publisher class (a constructor whose prototype has the publisher methods). */
export function isPublisherClass(value: unknown): value is new () => BasePublisher {
  if (typeof value !== 'function') return false;
  const proto = (value as { prototype?: Record<string, unknown> }).prototype;
  return !!proto && typeof proto.transformPayload === 'function' && typeof proto.shouldPublish === 'function' && typeof proto.prepare === 'function' && value !== BasePublisher;
}
