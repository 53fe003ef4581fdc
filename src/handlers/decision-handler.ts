import {
  decisionFailureResult,
  decisionNoBranchesResult,
  decisionOutcomeResult,
  decisionRouteResult,
  decisionSkipResult,
  type DecisionPointOutcome,
} from './decision-outcome.ts';
import { StepHandler } from './step-handler.ts';
import type { StepHandlerResult } from './step-handler-result.ts';

export { decisionRouteResult, decisionSkipResult } from './decision-outcome.ts';
export type { DecisionPointOutcome, DecisionPointOutcomeJSON } from './decision-outcome.ts';

/** Base class for `decision` steps: returns which of the template's branches to create. */
export abstract class DecisionHandler extends StepHandler {
  override get capabilities(): string[] {
    return ['process', 'decision', 'routing'];
  }

  /** Routes to `stepNames` (→ `decision_point_outcome: {type: 'create_steps', step_names}`). */
  protected decisionSuccess(stepNames: string[], routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionRouteResult(this, stepNames, routingContext, metadata);
  }

  /** Success from a full outcome (`nextStepNames`, `dynamicSteps`, `routingContext`). */
  protected decisionSuccessWithOutcome(outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionOutcomeResult(this, outcome, metadata);
  }

  /** Creates no branch (→ `decision_point_outcome: {type: 'no_branches'}`), recording `reason`. */
  protected skipBranches(reason: string, routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionSkipResult(this, reason, routingContext, metadata);
  }

  /** No branch, from an outcome (its `reason` and `routingContext` are kept). */
  protected decisionNoBranches(outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionNoBranchesResult(this, outcome, metadata);
  }

  /** A decision that could not be made: `decision_error`, not retryable by default. */
  protected decisionFailure(message: string, errorType = 'decision_error', retryable = false, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionFailureResult(this, message, errorType, retryable, metadata);
  }
}

/** Alias of {@link DecisionHandler} kept for handlers written against the original worker. */
export { DecisionHandler as DecisionStepHandler };
