// Step-graph rules of DESIGN §5: names, dependencies, cycles, decision, batch and convergence steps.
// The step graph is indexed once, so every rule costs O(steps + edges) over the whole template.
import { describe, fieldPath, report, type FieldContext } from './fields.ts';
import { findCycles, stepGraph, stepsBelowType, type StepGraph } from './graph.ts';
import { StepTypes, type StepTemplate, type TaskTemplate } from './types.ts';

const DYNAMIC_PARENTS = new Set<StepTemplate['type']>(['decision', 'batchable']);
const STEP_TYPES = new Set<string>(StepTypes);

/** What the per-step type rules need to know about the whole template, computed once. */
interface GraphFacts {
  graph: StepGraph;
  /** Names of batch_worker steps some batchable step creates. */
  fedWorkers: Set<string>;
  /** Names of steps with a decision or batchable ancestor. */
  belowDynamic: Set<string>;
}

/** Checks step names, handlers, dependencies and the whole-graph rules; records problems in `ctx`. */
export function validateSteps(ctx: FieldContext, template: TaskTemplate): void {
  if (template.steps.length === 0) {
    report(ctx, 'error', 'steps', 'expected at least one step');
    return;
  }
  const graph = stepGraph(template);
  const firstIndex = new Map<string, number>();
  template.steps.forEach((step, i) => {
    const path = fieldPath('steps', i);
    if (step.name === '') report(ctx, 'error', fieldPath(path, 'name'), 'required field is missing (expected a non-empty step name)');
    else if (firstIndex.has(step.name)) {
      report(ctx, 'error', fieldPath(path, 'name'), `duplicate step name "${step.name}" (first defined at steps[${firstIndex.get(step.name)}])`);
    } else firstIndex.set(step.name, i);
    if (!STEP_TYPES.has(step.type)) {
      report(ctx, 'error', fieldPath(path, 'type'), `expected one of ${StepTypes.join(' | ')}, got ${describe(step.type)}`);
    }
    if (step.handler.callable === '') {
      report(ctx, 'error', fieldPath(path, 'handler.callable'), 'required field is missing (expected the name of the handler that runs this step)');
    }
    checkDependencies(ctx, step, path, graph.byName);
  });
  for (const cycle of findCycles(template, graph)) {
    const at = graph.indexOf.get(cycle[0]) ?? 0;
    report(ctx, 'error', fieldPath(fieldPath('steps', at), 'dependencies'), `dependency cycle: ${cycle.join(' → ')} (each step depends on the one before it)`);
  }
  const facts: GraphFacts = { graph, fedWorkers: fedWorkers(graph), belowDynamic: stepsBelowType(graph, DYNAMIC_PARENTS) };
  template.steps.forEach((step, i) => checkStepType(ctx, facts, step, fieldPath('steps', i)));
}

function checkDependencies(ctx: FieldContext, step: StepTemplate, path: string, names: ReadonlyMap<string, unknown>): void {
  const listed = new Set<string>();
  step.dependencies.forEach((dep, j) => {
    const depPath = fieldPath(fieldPath(path, 'dependencies'), j);
    if (dep === step.name) report(ctx, 'error', depPath, `step "${step.name}" depends on itself`);
    else if (!names.has(dep)) report(ctx, 'error', depPath, `unknown step "${dep}": expected the name of a step in this template`);
    if (listed.has(dep)) report(ctx, 'warning', depPath, `dependency "${dep}" is listed twice`);
    listed.add(dep);
  });
}

// A batchable names its worker in batch_config.worker_template; templates of the original system
// put batch_config on the worker instead, with the worker depending on the batchable.
function fedWorkers(graph: StepGraph): Set<string> {
  const fed = new Set<string>();
  for (const step of graph.steps) {
    if (step.type !== 'batchable') continue;
    if (step.batchConfig) fed.add(step.batchConfig.workerTemplate);
    else for (const child of graph.children.get(step.name) ?? []) fed.add(child);
  }
  return fed;
}

function checkStepType(ctx: FieldContext, facts: GraphFacts, step: StepTemplate, path: string): void {
  switch (step.type) {
    case 'decision':
      if (step.dependencies.length === 0) {
        report(ctx, 'error', fieldPath(path, 'dependencies'), `decision step "${step.name}" must have at least one dependency (expected ≥ 1 step name)`);
      }
      if ((facts.graph.children.get(step.name) ?? []).length === 0) {
        report(ctx, 'warning', path, `decision step "${step.name}" has no dependent steps, so it can create none`);
      }
      break;
    case 'batchable':
      checkBatchable(ctx, facts.graph, step, path);
      break;
    case 'batch_worker':
      if (!facts.fedWorkers.has(step.name)) {
        report(ctx, 'error', path, `batch_worker step "${step.name}" is not used by any batchable step (expected a batchable step whose batch_config.worker_template is "${step.name}", or that it depends on)`);
      }
      break;
    case 'deferred_convergence':
      checkConvergence(ctx, facts, step, path);
      break;
    default:
      if (step.batchConfig) report(ctx, 'warning', fieldPath(path, 'batch_config'), `batch_config is only used on batchable and batch_worker steps, not on a ${step.type} step`);
  }
}

function checkBatchable(ctx: FieldContext, graph: StepGraph, step: StepTemplate, path: string): void {
  if (!step.batchConfig) {
    const children = graph.children.get(step.name) ?? [];
    if (!children.some((c) => graph.byName.get(c)?.type === 'batch_worker')) {
      report(ctx, 'error', path, `batchable step "${step.name}" has no batch_config.worker_template and no batch_worker step depends on it`);
    }
    return;
  }
  const workerPath = fieldPath(path, 'batch_config.worker_template');
  const name = step.batchConfig.workerTemplate;
  const worker = graph.byName.get(name);
  if (name === '') report(ctx, 'error', workerPath, 'required field is missing (expected the name of a batch_worker step)');
  else if (!worker) report(ctx, 'error', workerPath, `"${name}" does not name a step of this template; expected the name of a batch_worker step`);
  else if (worker.type !== 'batch_worker') report(ctx, 'error', workerPath, `"${name}" is a ${worker.type} step; expected the name of a batch_worker step`);
}

function checkConvergence(ctx: FieldContext, facts: GraphFacts, step: StepTemplate, path: string): void {
  const depsPath = fieldPath(path, 'dependencies');
  if (step.dependencies.length === 0) {
    report(ctx, 'error', depsPath, `deferred_convergence step "${step.name}" has no dependencies, so it would never be created`);
    return;
  }
  step.dependencies.forEach((dep, j) => {
    const parent = facts.graph.byName.get(dep);
    if (parent?.type === 'batch_worker' && !facts.fedWorkers.has(parent.name)) {
      report(ctx, 'error', fieldPath(depsPath, j), `"${dep}" is a batch_worker step no batchable step creates, so it can never exist`);
    }
  });
  // Deferred steps are only created after a decision or batch outcome (DESIGN §6.7, §6.8).
  if (!facts.belowDynamic.has(step.name)) {
    report(ctx, 'error', depsPath, `deferred_convergence step "${step.name}" has no decision or batchable step among its ancestors, so it would never be created`);
  }
}
