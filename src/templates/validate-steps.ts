// Step-graph rules of DESIGN §5: names, dependencies, cycles, decision, batch and convergence steps.
import { describe, fieldPath, report, type FieldContext } from './fields.ts';
import { findCycles, hasAncestorOfType, stepsReachableFrom } from './graph.ts';
import { StepTypes, type StepTemplate, type TaskTemplate } from './types.ts';

const DYNAMIC_PARENTS = new Set<StepTemplate['type']>(['decision', 'batchable']);

/** Checks step names, handlers, dependencies and the whole-graph rules; records problems in `ctx`. */
export function validateSteps(ctx: FieldContext, template: TaskTemplate): void {
  if (template.steps.length === 0) {
    report(ctx, 'error', 'steps', 'expected at least one step');
    return;
  }
  const firstIndex = new Map<string, number>();
  const names = new Set(template.steps.map((s) => s.name));
  template.steps.forEach((step, i) => {
    const path = fieldPath('steps', i);
    if (step.name === '') report(ctx, 'error', fieldPath(path, 'name'), 'required field is missing (expected a non-empty step name)');
    else if (firstIndex.has(step.name)) {
      report(ctx, 'error', fieldPath(path, 'name'), `duplicate step name "${step.name}" (first defined at steps[${firstIndex.get(step.name)}])`);
    } else firstIndex.set(step.name, i);
    if (!(StepTypes as readonly string[]).includes(step.type)) {
      report(ctx, 'error', fieldPath(path, 'type'), `expected one of ${StepTypes.join(' | ')}, got ${describe(step.type)}`);
    }
    if (step.handler.callable === '') {
      report(ctx, 'error', fieldPath(path, 'handler.callable'), 'required field is missing (expected the name of the handler that runs this step)');
    }
    checkDependencies(ctx, step, path, names);
  });
  for (const cycle of findCycles(template)) {
    const at = template.steps.findIndex((s) => s.name === cycle[0]);
    report(ctx, 'error', fieldPath(fieldPath('steps', at), 'dependencies'), `dependency cycle: ${cycle.join(' → ')} (each step depends on the one before it)`);
  }
  template.steps.forEach((step, i) => checkStepType(ctx, template, step, fieldPath('steps', i)));
}

function checkDependencies(ctx: FieldContext, step: StepTemplate, path: string, names: ReadonlySet<string>): void {
  const listed = new Set<string>();
  step.dependencies.forEach((dep, j) => {
    const depPath = fieldPath(fieldPath(path, 'dependencies'), j);
    if (dep === step.name) report(ctx, 'error', depPath, `step "${step.name}" depends on itself`);
    else if (!names.has(dep)) report(ctx, 'error', depPath, `unknown step "${dep}": expected the name of a step in this template`);
    if (listed.has(dep)) report(ctx, 'warning', depPath, `dependency "${dep}" is listed twice`);
    listed.add(dep);
  });
}

function checkStepType(ctx: FieldContext, template: TaskTemplate, step: StepTemplate, path: string): void {
  const byName = new Map(template.steps.map((s) => [s.name, s]));
  switch (step.type) {
    case 'decision':
      if (step.dependencies.length === 0) {
        report(ctx, 'error', fieldPath(path, 'dependencies'), `decision step "${step.name}" must have at least one dependency (expected ≥ 1 step name)`);
      }
      if (stepsReachableFrom(template, step.name).length === 0) {
        report(ctx, 'warning', path, `decision step "${step.name}" has no dependent steps, so it can create none`);
      }
      break;
    case 'batchable':
      checkBatchable(ctx, template, step, path, byName);
      break;
    case 'batch_worker':
      if (!template.steps.some((s) => s.type === 'batchable' && feedsWorker(s, step))) {
        report(ctx, 'error', path, `batch_worker step "${step.name}" is not used by any batchable step (expected a batchable step whose batch_config.worker_template is "${step.name}", or that it depends on)`);
      }
      break;
    case 'deferred_convergence':
      checkConvergence(ctx, template, step, path, byName);
      break;
    default:
      if (step.batchConfig) report(ctx, 'warning', fieldPath(path, 'batch_config'), `batch_config is only used on batchable and batch_worker steps, not on a ${step.type} step`);
  }
}

// A batchable names its worker in batch_config.worker_template; templates of the original system
// put batch_config on the worker instead, with the worker depending on the batchable.
function feedsWorker(batchable: StepTemplate, worker: StepTemplate): boolean {
  if (batchable.batchConfig) return batchable.batchConfig.workerTemplate === worker.name;
  return worker.dependencies.includes(batchable.name);
}

function checkBatchable(ctx: FieldContext, template: TaskTemplate, step: StepTemplate, path: string, byName: Map<string, StepTemplate>): void {
  if (!step.batchConfig) {
    if (!template.steps.some((s) => s.type === 'batch_worker' && s.dependencies.includes(step.name))) {
      report(ctx, 'error', path, `batchable step "${step.name}" has no batch_config.worker_template and no batch_worker step depends on it`);
    }
    return;
  }
  const workerPath = fieldPath(path, 'batch_config.worker_template');
  const name = step.batchConfig.workerTemplate;
  const worker = byName.get(name);
  if (name === '') report(ctx, 'error', workerPath, 'required field is missing (expected the name of a batch_worker step)');
  else if (!worker) report(ctx, 'error', workerPath, `"${name}" does not name a step of this template; expected the name of a batch_worker step`);
  else if (worker.type !== 'batch_worker') report(ctx, 'error', workerPath, `"${name}" is a ${worker.type} step; expected the name of a batch_worker step`);
}

function checkConvergence(ctx: FieldContext, template: TaskTemplate, step: StepTemplate, path: string, byName: Map<string, StepTemplate>): void {
  const depsPath = fieldPath(path, 'dependencies');
  if (step.dependencies.length === 0) {
    report(ctx, 'error', depsPath, `deferred_convergence step "${step.name}" has no dependencies, so it would never be created`);
    return;
  }
  step.dependencies.forEach((dep, j) => {
    const parent = byName.get(dep);
    if (parent?.type === 'batch_worker' && !template.steps.some((s) => s.type === 'batchable' && feedsWorker(s, parent))) {
      report(ctx, 'error', fieldPath(depsPath, j), `"${dep}" is a batch_worker step no batchable step creates, so it can never exist`);
    }
  });
  // Deferred steps are only created after a decision or batch outcome (DESIGN §6.7, §6.8).
  if (!hasAncestorOfType(template, step.name, DYNAMIC_PARENTS)) {
    report(ctx, 'error', depsPath, `deferred_convergence step "${step.name}" has no decision or batchable step among its ancestors, so it would never be created`);
  }
}
