// The original worker's DecisionMixin / applyDecision composition API for decision helpers.
import {
  decisionFailureResult,
  decisionNoBranchesResult,
  decisionOutcomeResult,
  decisionRouteResult,
  decisionSkipResult,
  type DecisionPointOutcome,
} from './decision-outcome.ts';
import type { StepHandlerResult } from './step-handler-result.ts';

/** What a decision-capable handler offers (the original worker's DecisionCapable). */
export interface DecisionCapable {
  readonly name: string;
  readonly version: string;
  decisionSuccess(steps: string[], routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult;
  decisionSuccessWithOutcome(outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult;
  decisionNoBranches(outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult;
  skipBranches(reason: string, routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult;
  decisionFailure(message: string, errorType?: string, retryable?: boolean, metadata?: Record<string, unknown>): StepHandlerResult;
}

/** The decision helpers as a class; `name` / `version` come from the class's static `handlerName` / `handlerVersion`. */
export class DecisionMixin implements DecisionCapable {
  /** `static handlerName`, else the class name. */
  get name(): string {
    return (this.constructor as { handlerName?: string }).handlerName || this.constructor.name;
  }

  /** `static handlerVersion`, else `1.0.0`. */
  get version(): string {
    return (this.constructor as { handlerVersion?: string }).handlerVersion || '1.0.0';
  }

  /** Routes to `steps` (`decision_point_outcome: {type: 'create_steps', step_names}`). */
  decisionSuccess(steps: string[], routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionRouteResult(this, steps, routingContext, metadata);
  }

  /** Success from a full outcome (`nextStepNames`, `dynamicSteps`, `routingContext`). */
  decisionSuccessWithOutcome(outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionOutcomeResult(this, outcome, metadata);
  }

  /** No branch, from an outcome. */
  decisionNoBranches(outcome: DecisionPointOutcome, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionNoBranchesResult(this, outcome, metadata);
  }

  /** No branch, recording `reason`. */
  skipBranches(reason: string, routingContext?: Record<string, unknown>, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionSkipResult(this, reason, routingContext, metadata);
  }

  /** A decision that could not be made: `decision_error`, not retryable by default. */
  decisionFailure(message: string, errorType = 'decision_error', retryable = false, metadata?: Record<string, unknown>): StepHandlerResult {
    return decisionFailureResult(this, message, errorType, retryable, metadata);
  }
}

const DECISION_METHODS = ['decisionSuccess', 'decisionSuccessWithOutcome', 'decisionNoBranches', 'skipBranches', 'decisionFailure'] as const;

/** Adds the decision helpers to `target` (e.g. `applyDecision(this)` in a handler's constructor); it names the decision. */
export function applyDecision<T extends { name: string; version: string }>(target: T): T & DecisionCapable {
  const out = target as unknown as Record<string, unknown>;
  for (const key of DECISION_METHODS) out[key] = (DecisionMixin.prototype[key] as (...args: unknown[]) => unknown).bind(target);
  return target as T & DecisionCapable;
}
