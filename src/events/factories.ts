// Building the event objects publishers and subscribers see, from plain data or an outbox row.
import type { DomainEvent, DomainEventMetadata, DomainEventRecord, StepEventContext, StepResult } from './types.ts';

/** A {@link StepEventContext} from step data (namespace defaults to `default`, correlation id to the task uuid). */
export function createStepEventContext(data: {
  taskUuid: string;
  stepUuid: string;
  stepName: string;
  namespace?: string;
  correlationId?: string;
  result?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}): StepEventContext {
  const base = {
    taskUuid: data.taskUuid,
    stepUuid: data.stepUuid,
    stepName: data.stepName,
    namespace: data.namespace ?? 'default',
    correlationId: data.correlationId ?? data.taskUuid,
    metadata: data.metadata ?? {},
  };
  return data.result === undefined ? base : { ...base, result: data.result };
}

/** A {@link DomainEvent} from its parts. */
export function createDomainEvent(data: {
  eventId: string;
  eventName: string;
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
  executionResult: StepResult;
  eventVersion?: string;
  deliveryMode?: DomainEvent['deliveryMode'];
  channel?: DomainEvent['channel'];
  attempt?: number;
}): DomainEvent {
  const event: DomainEvent = {
    eventId: data.eventId,
    eventName: data.eventName,
    payload: data.payload,
    metadata: data.metadata as DomainEventMetadata,
    executionResult: data.executionResult,
  };
  const optional = { eventVersion: data.eventVersion, deliveryMode: data.deliveryMode, channel: data.channel, attempt: data.attempt };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (event as unknown as Record<string, unknown>)[k] = v;
  return event;
}

/** The subscriber view of a stored (or about-to-be-stored) event row. */
export function recordToDomainEvent(row: Omit<DomainEventRecord, 'event_seq' | 'deliveries'>, channel: 'fast' | 'durable'): DomainEvent {
  const firedAt = row.fired_at instanceof Date ? row.fired_at.toISOString() : String(row.fired_at);
  return createDomainEvent({
    eventId: row.event_id,
    eventName: row.event_name,
    eventVersion: row.event_version,
    payload: row.payload,
    metadata: {
      ...row.metadata,
      taskUuid: row.task_uuid,
      stepUuid: row.step_uuid,
      stepName: row.step_name,
      namespace: row.namespace,
      correlationId: row.correlation_id,
      firedAt,
      publisher: row.publisher,
      eventVersion: row.event_version,
      attempt: row.attempt,
    },
    executionResult: row.execution_result,
    deliveryMode: row.delivery_mode,
    channel,
    attempt: row.attempt,
  });
}
