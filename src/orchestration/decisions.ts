// Decision points (DESIGN §6.7): when a `decision` step completes, create the branches it chose.
import { stepsReachableFrom } from '../templates/graph.ts';
import type { TaskTemplate } from '../templates/types.ts';
import { existingStepNames, planClosure, rejectCompletion, storedResultObject, type HookStep } from './dynamic-steps.ts';
import type { CompletionHook } from './result-processor.ts';
import { materializeSteps } from './step-materializer.ts';

/** Limits of {@link createDecisionHook}. */
export interface DecisionHookOptions {
  /** `orchestration.max_steps_per_decision`: most steps one outcome may create (branches + closure). */
  maxStepsPerDecision: number;
}

/** The parsed outcome, or a message saying why it is unusable. */
type Parsed = { stepNames: string[] } | { problem: string };

function parseOutcome(step: HookStep): Parsed {
  const outcome = storedResultObject(step.results)?.decision_point_outcome as { type?: unknown; step_names?: unknown } | undefined;
  const expected = `expected {type: 'create_steps', step_names: [...]} or {type: 'no_branches'}`;
  if (!outcome || typeof outcome !== 'object') return { problem: `decision step '${step.name}' returned no decision_point_outcome; ${expected}` };
  if (outcome.type === 'no_branches') return { stepNames: [] };
  if (outcome.type !== 'create_steps') return { problem: `decision step '${step.name}' returned decision_point_outcome type ${JSON.stringify(outcome.type)}; ${expected}` };
  const names = outcome.step_names;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    return { problem: `decision step '${step.name}' returned step_names ${JSON.stringify(names)}; expected an array of step names` };
  }
  return { stepNames: [...new Set(names as string[])] };
}

/**
 * The completion hook of decision steps. `create_steps`: every name must be a step reachable from this
 * decision in the template (batch_worker steps excepted); then the named steps, the steps that follow from
 * them alone, and the deferred_convergence steps below this decision whose dependencies intersect what exists
 * are created in one statement (idempotent). `no_branches` creates only such convergence steps, if any.
 * An unusable outcome turns the decision's completion into a permanent `decision_error` failure.
 */
export function createDecisionHook(options: DecisionHookOptions): CompletionHook {
  return async (tx, step, template) => {
    const stepTemplate = template.steps.find((s) => s.name === step.template_step_name);
    if (stepTemplate?.type !== 'decision') return;
    const parsed = parseOutcome(step);
    if ('problem' in parsed) return rejectCompletion(tx, step, 'decision_error', parsed.problem);

    const below = new Set(stepsReachableFrom(template, stepTemplate.name));
    const allowed = template.steps.filter((s) => below.has(s.name) && s.type !== 'batch_worker').map((s) => s.name);
    const bad = parsed.stepNames.filter((n) => !allowed.includes(n));
    if (bad.length) {
      return rejectCompletion(tx, step, 'decision_error',
        `decision step '${step.name}' chose ${bad.map((n) => `'${n}'`).join(', ')}, which ${bad.length === 1 ? 'is' : 'are'} not reachable from it in template ` +
        `${describe(template)}; allowed: ${allowed.join(', ') || '(none)'}`);
    }
    const existing = await existingStepNames(tx, step.task_uuid);
    const plan = planClosure(template, existing, parsed.stepNames, (s) => below.has(s.name));
    if (plan.steps.length > options.maxStepsPerDecision) {
      return rejectCompletion(tx, step, 'decision_error',
        `decision step '${step.name}' would create ${plan.steps.length} steps, more than orchestration.max_steps_per_decision (${options.maxStepsPerDecision})`);
    }
    await materializeSteps(tx, step.task_uuid, plan.steps.map((s) => ({ name: s.name, template: s })), plan.edges, `decision:${step.name}`);
  };
}

function describe(template: TaskTemplate): string {
  return `${template.namespace}/${template.name}@${template.version}`;
}
