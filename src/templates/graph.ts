// Graph questions about a template's step DAG: cycles, descendants, the initial step set. Every question
// is answered in O(steps + edges) from one index built per call (or passed in), so templates of tens of
// thousands of steps validate and create tasks in linear time.
import type { StepTemplate, TaskTemplate } from './types.ts';

/** A template's steps indexed for graph walks; build it once with {@link stepGraph} and pass it around. */
export interface StepGraph {
  readonly steps: readonly StepTemplate[];
  /** Step name → its first definition (duplicates are validation errors). */
  readonly byName: ReadonlyMap<string, StepTemplate>;
  /** Step name → position of its first definition in the template. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Step name → names of the steps that list it as a dependency, in template order. */
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/** Indexes a template's steps by name and by dependents, in O(steps + edges). */
export function stepGraph(template: TaskTemplate): StepGraph {
  const byName = new Map<string, StepTemplate>();
  const indexOf = new Map<string, number>();
  const children = new Map<string, string[]>();
  template.steps.forEach((step, i) => {
    if (!byName.has(step.name)) {
      byName.set(step.name, step);
      indexOf.set(step.name, i);
    }
    if (!children.has(step.name)) children.set(step.name, []);
  });
  for (const step of template.steps) {
    for (const dep of step.dependencies) children.get(dep)?.push(step.name);
  }
  return { steps: template.steps, byName, indexOf, children };
}

/** Every step reachable from any of `starts` by following dependents (the starts themselves only if reached again). */
export function descendantsOf(graph: StepGraph, starts: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const start of starts) stack.push(...(graph.children.get(start) ?? []));
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const child of graph.children.get(name) ?? []) if (!seen.has(child)) stack.push(child);
  }
  return seen;
}

/** Every step reachable from `stepName` by following dependents (its descendants), in template order. */
export function stepsReachableFrom(template: TaskTemplate, stepName: string, graph: StepGraph = stepGraph(template)): string[] {
  const seen = descendantsOf(graph, [stepName]);
  return template.steps.map((s) => s.name).filter((n) => seen.has(n));
}

/**
 * The steps created with a new task: all but batch_worker and deferred_convergence steps and the
 * descendants of decision steps (DESIGN §5). Descendants of the other excluded steps are left out
 * too, since their parents do not exist yet when the task is created.
 */
export function initialStepNames(template: TaskTemplate, graph: StepGraph = stepGraph(template)): string[] {
  const deferred = template.steps.filter((s) => s.type === 'batch_worker' || s.type === 'deferred_convergence').map((s) => s.name);
  const decisions = template.steps.filter((s) => s.type === 'decision').map((s) => s.name);
  const excluded = descendantsOf(graph, [...decisions, ...deferred]);
  for (const name of deferred) excluded.add(name);
  return template.steps.map((s) => s.name).filter((n) => !excluded.has(n));
}

/**
 * Every dependency cycle, each as a closed path in execution order (`a → b → c → a` means b depends
 * on a, c on b and a on c), starting at the cycle's first step in template order. Self-dependencies
 * are left to their own check. An iterative depth-first walk over dependencies (child → parent): a
 * dependency found on the active path closes a cycle; no recursion, so a 100,000-step chain is fine.
 */
export function findCycles(template: TaskTemplate, graph: StepGraph = stepGraph(template)): string[][] {
  const { byName, indexOf } = graph;
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[][] = [];
  const seenKeys = new Set<string>();
  const path: string[] = [];
  const positionOnPath = new Map<string, number>();
  const recordCycle = (dependencyOrder: string[]): void => {
    const flow = [...dependencyOrder].reverse();
    const key = [...flow].sort().join('\u0000');
    if (seenKeys.has(key)) return;
    seenKeys.add(key);
    let start = 0;
    flow.forEach((n, i) => {
      if ((indexOf.get(n) ?? 0) < (indexOf.get(flow[start]) ?? 0)) start = i;
    });
    const rotated = [...flow.slice(start), ...flow.slice(0, start)];
    cycles.push([...rotated, rotated[0]]);
  };
  for (const root of template.steps) {
    if (state.has(root.name)) continue;
    // frames of the walk: a step and the index of the next dependency to look at
    const frames: Array<{ name: string; next: number }> = [{ name: root.name, next: 0 }];
    state.set(root.name, 'active');
    positionOnPath.set(root.name, path.push(root.name) - 1);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const deps = byName.get(frame.name)?.dependencies ?? [];
      if (frame.next >= deps.length) {
        frames.pop();
        path.pop();
        positionOnPath.delete(frame.name);
        state.set(frame.name, 'done');
        continue;
      }
      const dep = deps[frame.next++];
      if (dep === frame.name || !byName.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'active') recordCycle(path.slice(positionOnPath.get(dep)));
      else if (s === undefined) {
        state.set(dep, 'active');
        positionOnPath.set(dep, path.push(dep) - 1);
        frames.push({ name: dep, next: 0 });
      }
    }
  }
  return cycles;
}

/** The names of every step that has an ancestor (transitive dependency) of one of the given types. */
export function stepsBelowType(graph: StepGraph, types: ReadonlySet<StepTemplate['type']>): Set<string> {
  return descendantsOf(graph, graph.steps.filter((s) => types.has(s.type)).map((s) => s.name));
}
