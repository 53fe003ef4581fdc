// The domain-event model shared by templates, publishers, subscribers and the outbox (issue 15).
// Names and shapes follow the original TypeScript worker's `domain-events` module.

/** When a declared event fires, judged on the step's committed result. */
export const EventConditions = ['success', 'failure', 'retryable_failure', 'permanent_failure', 'always'] as const;
/** One of {@link EventConditions}. */
export type EventCondition = (typeof EventConditions)[number];

/** How an event travels: `durable` = the outbox in PostgreSQL, `fast` = in-process only, `broadcast` = both. */
export const DeliveryModes = ['durable', 'fast', 'broadcast'] as const;
/** One of {@link DeliveryModes}. */
export type DeliveryMode = (typeof DeliveryModes)[number];

/** One entry of a template's top-level `domain_events` catalogue. */
export interface EventCatalogEntry {
  name: string;
  description?: string;
  /** JSON Schema every payload of this event must match (a step's own `schema` wins). */
  schema?: Record<string, unknown>;
  /** Carried on each event as `event_version` (default "1.0"). */
  version?: string;
}

/** An event a step declares in `publishes_events` (normalized: defaults applied). */
export interface EventDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly condition?: EventCondition;
  readonly deliveryMode?: DeliveryMode;
  /** Name of a registered publisher; the default publisher passes the step result through. */
  readonly publisher?: string;
  readonly schema?: Record<string, unknown>;
}

/** The step result as publishers see it. */
export interface StepResult {
  readonly success: boolean;
  readonly result?: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
}

/** What a publisher knows about the step that produced the result. */
export interface StepEventContext {
  readonly taskUuid: string;
  readonly stepUuid: string;
  readonly stepName: string;
  readonly namespace: string;
  readonly correlationId: string;
  readonly result?: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

/** The argument of `BasePublisher.publish`. */
export interface PublishContext {
  readonly eventName: string;
  readonly stepResult: StepResult;
  readonly eventDeclaration?: EventDeclaration;
  readonly stepContext?: StepEventContext;
}

/** Metadata every event carries. */
export interface DomainEventMetadata {
  readonly taskUuid: string;
  readonly stepUuid: string;
  readonly stepName?: string;
  readonly namespace: string;
  readonly correlationId: string;
  /** When the event was fired (ISO 8601). */
  readonly firedAt: string;
  readonly publisher?: string;
  readonly [key: string]: unknown;
}

/** An event as subscribers receive it. */
export interface DomainEvent {
  readonly eventId: string;
  readonly eventName: string;
  /** The event's version (catalogue `version`, default "1.0"). */
  readonly eventVersion?: string;
  readonly payload: Record<string, unknown>;
  readonly metadata: DomainEventMetadata;
  readonly executionResult: StepResult;
  /** The declared delivery mode. */
  readonly deliveryMode?: DeliveryMode;
  /** How this copy arrived: `fast` (in-process, best effort) or `durable` (the outbox, at least once). */
  readonly channel?: 'fast' | 'durable';
  /** The execution attempt of the step that fired it (1 = first). */
  readonly attempt?: number;
}

/** The JSON row form of an event (the `domain_events` table, `GET /v1/events`, `tasker events list`). */
export interface DomainEventRecord {
  event_seq: string;
  event_id: string;
  event_name: string;
  event_version: string;
  delivery_mode: DeliveryMode;
  task_uuid: string;
  step_uuid: string;
  step_name: string;
  namespace: string;
  correlation_id: string;
  attempt: number;
  publisher: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
  execution_result: StepResult;
  fired_at: string | Date;
  /** Delivery state per subscriber group (pending | delivering | delivered | dead); only in listings. */
  deliveries?: Record<string, string>;
}
