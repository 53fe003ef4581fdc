// Decision results with the original worker's names: DecisionType, the camelCase DecisionPointOutcome, and the
// functions building the `decision_point_outcome` orchestration reads (DESIGN §6.7).
import { StepHandlerResult } from './step-handler-result.ts';

/** Kind of decision (the original's enum, as an `as const` object). */
export const DecisionType = {
  CREATE_STEPS: 'create_steps',
  NO_BRANCHES: 'no_branches',
} as const;
/** One of the {@link DecisionType} values. */
export type DecisionType = (typeof DecisionType)[keyof typeof DecisionType];

/** A decision as a handler builds it (the original's shape). */
export interface DecisionPointOutcome {
  decisionType: DecisionType;
  nextStepNames: string[];
  dynamicSteps?: Array<Record<string, unknown>>;
  reason?: string;
  routingContext: Record<string, unknown>;
}

/** `decision_point_outcome` as stored in a decision step's result (what orchestration reads). */
export type DecisionPointOutcomeJSON = { type: 'create_steps'; step_names: string[] } | { type: 'no_branches' };

/** Who decided: put in the result metadata as `decision_handler` / `decision_version`. */
export interface DecisionIdentity {
  name: string;
  version: string;
}

function decisionMetadata(who: DecisionIdentity, metadata?: Record<string, unknown>): Record<string, unknown> {
  return { ...(metadata ?? {}), decision_handler: who.name, decision_version: who.version };
}

function withContext(result: Record<string, unknown>, outcome: Pick<DecisionPointOutcome, 'routingContext'>): Record<string, unknown> {
  if (outcome.routingContext && Object.keys(outcome.routingContext).length > 0) result.routing_context = outcome.routingContext;
  return result;
}

/** Success `{decision_point_outcome: {type, step_names}, dynamic_steps?, routing_context?}` from an outcome. */
export function decisionOutcomeResult(who: DecisionIdentity, outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
  const result: Record<string, unknown> = { decision_point_outcome: { type: outcome.decisionType, step_names: [...outcome.nextStepNames] } };
  if (outcome.dynamicSteps) result.dynamic_steps = outcome.dynamicSteps;
  return StepHandlerResult.success(withContext(result, outcome), decisionMetadata(who, metadata));
}

/** Success `{decision_point_outcome: {type: 'no_branches'}, reason?, routing_context?}` from an outcome. */
export function decisionNoBranchesResult(who: DecisionIdentity, outcome: Partial<DecisionPointOutcome>, metadata?: Record<string, unknown>): StepHandlerResult {
  const result: Record<string, unknown> = { decision_point_outcome: { type: outcome.decisionType ?? DecisionType.NO_BRANCHES } };
  if (outcome.reason) result.reason = outcome.reason;
  return StepHandlerResult.success(withContext(result, { routingContext: outcome.routingContext ?? {} }), decisionMetadata(who, metadata));
}

/** Success result routing to `stepNames` (`decision_point_outcome: {type: 'create_steps', step_names}`). */
export function decisionRouteResult(who: DecisionIdentity, stepNames: string[], routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
  return decisionOutcomeResult(who, { decisionType: DecisionType.CREATE_STEPS, nextStepNames: stepNames, routingContext: routingContext ?? {} }, metadata);
}

/** Success result creating no branch, recording `reason`. */
export function decisionSkipResult(who: DecisionIdentity, reason: string, routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
  return decisionNoBranchesResult(who, { decisionType: DecisionType.NO_BRANCHES, nextStepNames: [], reason, routingContext: routingContext ?? {} }, metadata);
}

/** A decision that could not be made: `decision_error`, not retryable by default. */
export function decisionFailureResult(who: DecisionIdentity, message: string, errorType = 'decision_error', retryable = false, metadata?: Record<string, unknown>): StepHandlerResult {
  return StepHandlerResult.failure(message, errorType, retryable, decisionMetadata(who, metadata));
}
