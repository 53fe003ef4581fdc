// Which events a finished step fires, and their payloads (issue 15): the template's declarations judged on
// the result, run through the declared publisher and checked against the event's schema. Called by the
// worker before it records the result; nothing is published until that result is committed.
import { Ajv, type ValidateFunction } from 'ajv';
import type { Logger } from '../logging.ts';
import type { StepHandlerResult } from '../handlers/step-handler-result.ts';
import { uuidv7 } from '../orchestration/uuid.ts';
import type { TaskTemplate } from '../templates/types.ts';
import type { ClaimedStep } from '../worker/step-claimer.ts';
import { createStepEventContext } from './factories.ts';
import type { OutboxEvent } from './outbox.ts';
import type { BasePublisher } from './publisher.ts';
import type { DomainEventRecord, EventCondition, EventDeclaration, StepResult } from './types.ts';

/** What a step's result fires: durable rows for the outbox, fast events for this process, hooks to run after commit. */
export interface StepEventsPlan {
  claimToken: string;
  outbox: OutboxEvent[];
  /** Records dispatched in-process once the result is committed (fast and broadcast events). */
  fast: Array<Omit<DomainEventRecord, 'event_seq' | 'deliveries'>>;
  afterCommit: Array<() => void>;
}

/** Whether a result with this outcome fires an event declared with `condition`. */
export function conditionHolds(condition: EventCondition, success: boolean, willRetry: boolean): boolean {
  switch (condition) {
    case 'success': return success;
    case 'failure': return !success;
    case 'retryable_failure': return !success && willRetry;
    case 'permanent_failure': return !success && !willRetry;
    case 'always': return true;
  }
}

/** The publisher's view of a result: on failure, `result` carries the error fields. */
export function toStepResult(result: StepHandlerResult): StepResult {
  const value = result.success
    ? (result.result ?? {})
    : { error_message: result.errorMessage, error_type: result.errorType, error_code: result.errorCode, retryable: result.retryable, ...(result.result ?? {}) };
  return { success: result.success, result: value, metadata: result.metadata };
}

const validators = new WeakMap<object, ValidateFunction | null>();
let ajv: Ajv | undefined;

/** The compiled schema (null when it does not compile: `tasker validate` reports that). */
function validatorOf(schema: Record<string, unknown>): ValidateFunction | null {
  if (validators.has(schema)) return validators.get(schema)!;
  // strict:false as for input_schema: templates use annotation keywords freely
  ajv ??= new Ajv({ strict: false, allErrors: true, logger: false });
  let check: ValidateFunction | null = null;
  try {
    check = ajv.compile(schema);
  } catch {
    check = null;
  }
  validators.set(schema, check);
  return check;
}

/** What {@link planStepEvents} needs. */
export interface PlanDeps {
  publisher(name: string | undefined): BasePublisher;
  logger: Logger;
  /** Counts a payload that failed its schema (the event is not published). */
  onSchemaInvalid(): void;
}

/** The events `result` of `step` fires under `template`; null when the step declares none. */
export function planStepEvents(deps: PlanDeps, template: TaskTemplate, step: ClaimedStep, result: StepHandlerResult): StepEventsPlan | null {
  const stepTemplate = template.steps.find((s) => s.name === step.template_step_name);
  const declarations: readonly EventDeclaration[] = stepTemplate?.publishesEvents ?? [];
  if (declarations.length === 0) return null;
  // mirrors result processing (DESIGN §6.9): a failure is retried iff the result and the step allow it and attempts remain
  const willRetry = !result.success && result.retryable && (stepTemplate?.retry.retryable ?? true) && step.attempts < step.max_attempts;
  const stepResult = toStepResult(result);
  const stepContext = createStepEventContext({
    taskUuid: step.task_uuid, stepUuid: step.step_uuid, stepName: step.name, namespace: step.namespace,
    correlationId: step.correlation_id, result: stepResult.result, metadata: { attempt: step.attempts },
  });
  const plan: StepEventsPlan = { claimToken: step.claim_token, outbox: [], fast: [], afterCommit: [] };
  const catalogue = new Map((template.domainEvents ?? []).map((e) => [e.name, e]));
  for (const decl of declarations) {
    if (!decl || typeof decl.name !== 'string' || decl.name === '') continue;
    if (!conditionHolds(decl.condition ?? 'success', result.success, willRetry)) continue;
    const publisher = deps.publisher(decl.publisher);
    const prepared = publisher.prepare({ eventName: decl.name, stepResult, eventDeclaration: decl, stepContext }, { deferAfterPublish: true });
    if (!prepared) continue;
    const schema = decl.schema ?? catalogue.get(decl.name)?.schema;
    const check = schema ? validatorOf(schema) : null;
    if (check && !check(prepared.payload)) {
      deps.onSchemaInvalid();
      for (const e of check.errors ?? []) {
        deps.logger.warn('domain event payload does not match its schema; the event is not published', {
          event: decl.name, step: step.name, task_uuid: step.task_uuid, step_uuid: step.step_uuid,
          path: e.instancePath || '(payload)', error: e.message,
        });
      }
      continue;
    }
    const mode = decl.deliveryMode ?? 'durable';
    const record = {
      event_id: uuidv7(), event_name: decl.name, event_version: catalogue.get(decl.name)?.version ?? '1.0', delivery_mode: mode,
      task_uuid: step.task_uuid, step_uuid: step.step_uuid, step_name: step.name, namespace: step.namespace,
      correlation_id: step.correlation_id, attempt: step.attempts, publisher: publisher.publisherName,
      payload: prepared.payload, metadata: { ...prepared.metadata, condition: decl.condition ?? 'success' },
      execution_result: stepResult, fired_at: new Date().toISOString(),
    };
    if (mode !== 'fast') plan.outbox.push({ claimToken: step.claim_token, record });
    if (mode !== 'durable') plan.fast.push(record);
    plan.afterCommit.push(prepared.afterPublish);
  }
  return plan.outbox.length || plan.fast.length ? plan : null;
}
