// Graph questions about a template's step DAG: cycles, descendants, the initial step set.
import type { StepTemplate, TaskTemplate } from './types.ts';

/** Step name → names of the steps that list it as a dependency, in template order. */
export function childrenOf(template: TaskTemplate): Map<string, string[]> {
  const children = new Map<string, string[]>(template.steps.map((s) => [s.name, []]));
  for (const step of template.steps) {
    for (const dep of step.dependencies) children.get(dep)?.push(step.name);
  }
  return children;
}

/** Every step reachable from `stepName` by following dependents (its descendants), in template order. */
export function stepsReachableFrom(template: TaskTemplate, stepName: string): string[] {
  const children = childrenOf(template);
  const seen = new Set<string>();
  const stack = [...(children.get(stepName) ?? [])];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(children.get(name) ?? []));
  }
  return template.steps.map((s) => s.name).filter((n) => seen.has(n));
}

/**
 * The steps created with a new task: all but batch_worker and deferred_convergence steps and the
 * descendants of decision steps (DESIGN §5). Descendants of the other excluded steps are left out
 * too, since their parents do not exist yet when the task is created.
 */
export function initialStepNames(template: TaskTemplate): string[] {
  const excluded = new Set<string>();
  for (const step of template.steps) {
    if (step.type === 'decision') for (const d of stepsReachableFrom(template, step.name)) excluded.add(d);
    if (step.type === 'batch_worker' || step.type === 'deferred_convergence') {
      excluded.add(step.name);
      for (const d of stepsReachableFrom(template, step.name)) excluded.add(d);
    }
  }
  return template.steps.map((s) => s.name).filter((n) => !excluded.has(n));
}

/**
 * Every dependency cycle, each as a closed path in execution order (`a → b → c → a` means b depends
 * on a, c on b and a on c), starting at the cycle's first step in template order. Self-dependencies
 * are left to their own check.
 */
export function findCycles(template: TaskTemplate): string[][] {
  const byName = new Map<string, StepTemplate>(template.steps.map((s) => [s.name, s]));
  const order = new Map(template.steps.map((s, i) => [s.name, i]));
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[][] = [];
  const seenKeys = new Set<string>();
  const stack: string[] = [];
  // Walks dependencies (child → parent); a dependency found on the active stack closes a cycle.
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const dep of byName.get(name)?.dependencies ?? []) {
      if (dep === name || !byName.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'active') recordCycle(stack.slice(stack.indexOf(dep)));
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  const recordCycle = (dependencyOrder: string[]): void => {
    const flow = [...dependencyOrder].reverse();
    const key = [...flow].sort().join('\u0000');
    if (seenKeys.has(key)) return;
    seenKeys.add(key);
    let start = 0;
    flow.forEach((n, i) => {
      if ((order.get(n) ?? 0) < (order.get(flow[start]) ?? 0)) start = i;
    });
    const rotated = [...flow.slice(start), ...flow.slice(0, start)];
    cycles.push([...rotated, rotated[0]]);
  };
  for (const step of template.steps) if (!state.has(step.name)) visit(step.name);
  return cycles;
}

/** True when `name` has an ancestor (transitive dependency) of one of the given types. */
export function hasAncestorOfType(template: TaskTemplate, name: string, types: ReadonlySet<StepTemplate['type']>): boolean {
  const byName = new Map(template.steps.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const stack = [...(byName.get(name)?.dependencies ?? [])];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    const step = byName.get(current);
    if (!step) continue;
    if (types.has(step.type)) return true;
    stack.push(...step.dependencies);
  }
  return false;
}
