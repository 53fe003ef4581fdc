import { StepHandler } from './step-handler.ts';
import { StepHandlerResult } from './step-handler-result.ts';

/** `decision_point_outcome` of a decision step's result, read by the orchestrator (DESIGN §6.7). */
export type DecisionPointOutcome = { type: 'create_steps'; step_names: string[] } | { type: 'no_branches' };

interface DecisionIdentity {
  name: string;
  version: string;
}

function decisionMetadata(who: DecisionIdentity, metadata?: Record<string, unknown>): Record<string, unknown> {
  return { ...(metadata ?? {}), decision_handler: who.name, decision_version: who.version };
}

/** Success result routing to `stepNames`: `{decision_point_outcome: {type: 'create_steps', step_names}, routing_context?}`. */
export function decisionRouteResult(
  who: DecisionIdentity,
  stepNames: string[],
  routingContext?: Record<string, unknown>,
  metadata?: Record<string, unknown>,
): StepHandlerResult {
  const result: Record<string, unknown> = {
    decision_point_outcome: { type: 'create_steps', step_names: [...stepNames] } satisfies DecisionPointOutcome,
  };
  if (routingContext && Object.keys(routingContext).length > 0) result.routing_context = routingContext;
  return StepHandlerResult.success(result, decisionMetadata(who, metadata));
}

/** Success result creating no branch: `{decision_point_outcome: {type: 'no_branches'}, reason, routing_context?}`. */
export function decisionSkipResult(
  who: DecisionIdentity,
  reason: string,
  routingContext?: Record<string, unknown>,
  metadata?: Record<string, unknown>,
): StepHandlerResult {
  const result: Record<string, unknown> = {
    decision_point_outcome: { type: 'no_branches' } satisfies DecisionPointOutcome,
    reason,
  };
  if (routingContext && Object.keys(routingContext).length > 0) result.routing_context = routingContext;
  return StepHandlerResult.success(result, decisionMetadata(who, metadata));
}

/** Base class for `decision` steps: returns which of the template's branches to create. */
export abstract class DecisionHandler extends StepHandler {
  override get capabilities(): string[] {
    return ['process', 'decision', 'routing'];
  }

  /** Routes to `stepNames` (→ `decision_point_outcome: {type: 'create_steps', step_names}`). */
  protected decisionSuccess(
    stepNames: string[],
    routingContext?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
  ): StepHandlerResult {
    return decisionRouteResult(this, stepNames, routingContext, metadata);
  }

  /** Creates no branch (→ `decision_point_outcome: {type: 'no_branches'}`), recording `reason`. */
  protected skipBranches(
    reason: string,
    routingContext?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
  ): StepHandlerResult {
    return decisionSkipResult(this, reason, routingContext, metadata);
  }

  /** Same as {@link skipBranches}. */
  protected decisionNoBranches(
    reason = 'no branches',
    routingContext?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
  ): StepHandlerResult {
    return decisionSkipResult(this, reason, routingContext, metadata);
  }

  /** A decision that could not be made: `decision_error`, not retryable by default. */
  protected decisionFailure(
    message: string,
    errorType = 'decision_error',
    retryable = false,
    metadata?: Record<string, unknown>,
  ): StepHandlerResult {
    return this.failure(message, errorType, retryable, decisionMetadata(this, metadata));
  }
}

/** Alias of {@link DecisionHandler} kept for handlers written against the original worker. */
export { DecisionHandler as DecisionStepHandler };
