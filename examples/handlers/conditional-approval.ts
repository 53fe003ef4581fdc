// Handlers of the conditional_approval example: a decision step routes a request by amount
// (< 1000 auto; < 5000 manager; otherwise manager + finance) and a deferred convergence step collects
// whichever approvals ran. Imports the handler API directly until src/index.ts exists.
import { DecisionHandler, PermanentError, StepHandler, type StepContext, type StepHandlerResult } from '../../src/index.ts';

/** validate_request: checks `amount` and `requester`; returns `{value: amount, requester}`. */
export class ValidateRequestHandler extends StepHandler {
  static override handlerName = 'validate_request_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const amount = context.getInput<number>('amount');
    const requester = context.getInput<string>('requester');
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      return this.failure('amount must be a non-negative number', 'validation_error', false);
    }
    if (typeof requester !== 'string' || requester === '') {
      return this.failure('requester must be a non-empty string', 'validation_error', false);
    }
    return this.success({ value: amount, requester });
  }
}

/** routing_decision: picks the approval steps for the amount (thresholds from the step config, default 1000/5000). */
export class RoutingDecisionHandler extends DecisionHandler {
  static override handlerName = 'routing_decision_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const amount = context.getDependencyResult('validate_request')?.value;
    if (typeof amount !== 'number') return this.decisionFailure('validate_request produced no amount');
    const small = context.getConfig<number>('small_amount_threshold') ?? 1000;
    const large = context.getConfig<number>('large_amount_threshold') ?? 5000;
    if (amount < small) return this.decisionSuccess(['auto_approve'], { amount, tier: 'small' });
    if (amount < large) return this.decisionSuccess(['manager_approval'], { amount, tier: 'medium' });
    return this.decisionSuccess(['manager_approval', 'finance_review'], { amount, tier: 'large' });
  }
}

/** A branch step that approves as `approver`. */
abstract class Approval extends StepHandler {
  abstract readonly approver: string;
  async call(): Promise<StepHandlerResult> {
    return this.success({ approved: true, approver: this.approver });
  }
}

/** auto_approve: approves small requests automatically. */
export class AutoApproveHandler extends Approval {
  static override handlerName = 'auto_approve_handler';
  readonly approver = 'auto';
}

/** manager_approval: a manager's approval. */
export class ManagerApprovalHandler extends Approval {
  static override handlerName = 'manager_approval_handler';
  readonly approver = 'manager';
}

/** finance_review: finance's approval for large requests. */
export class FinanceReviewHandler extends Approval {
  static override handlerName = 'finance_review_handler';
  readonly approver = 'finance';
}

/** finalize_approval: `{approved, approvals: sorted approvers that ran, amount}`. */
export class FinalizeApprovalHandler extends StepHandler {
  static override handlerName = 'finalize_approval_handler';
  async call(context: StepContext): Promise<StepHandlerResult> {
    const approvals: string[] = [];
    for (const step of ['auto_approve', 'manager_approval', 'finance_review']) {
      const result = context.getDependencyResult(step);
      if (result?.approved === true) approvals.push(String(result.approver));
    }
    if (approvals.length === 0) throw new PermanentError('no approval step ran before finalize_approval');
    return this.success({ approved: true, approvals: approvals.sort(), amount: context.getInput<number>('amount') });
  }
}
