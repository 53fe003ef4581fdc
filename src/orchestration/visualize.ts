// Mermaid `flowchart TD` text and a {nodes, edges} JSON form of a template's DAG or a task's steps.
import type { StepType, TaskTemplate } from '../templates/types.ts';

/** A node of a rendered graph: `id` is a Mermaid-safe identifier, `label` the step name. */
export interface GraphNode {
  id: string;
  label: string;
  type?: StepType;
  state?: string;
}

/** A graph as JSON: nodes plus edges by node id (`from` is the parent). */
export interface Graph {
  nodes: GraphNode[];
  edges: Array<{ from: string; to: string }>;
}

/** A step with its state and parents, as a task's steps come from `getTaskSteps`. */
export interface VisualStep {
  name: string;
  state: string;
  dependencies: readonly string[];
  template_step_name?: string;
}

/** Fill / stroke colours per step state. */
export const STATE_COLOURS: Readonly<Record<string, string>> = {
  pending: 'fill:#eeeeee,stroke:#9e9e9e',
  enqueued: 'fill:#e3f2fd,stroke:#1e88e5',
  in_progress: 'fill:#bbdefb,stroke:#1565c0',
  enqueued_for_orchestration: 'fill:#dcedc8,stroke:#689f38',
  enqueued_as_error_for_orchestration: 'fill:#ffe0b2,stroke:#ef6c00',
  waiting_for_retry: 'fill:#fff3e0,stroke:#fb8c00',
  complete: 'fill:#c8e6c9,stroke:#2e7d32',
  error: 'fill:#ffcdd2,stroke:#c62828',
  cancelled: 'fill:#e0e0e0,stroke:#616161,stroke-dasharray:4 2',
  resolved_manually: 'fill:#e1bee7,stroke:#6a1b9a',
};

/** Fill / stroke colours per template step type. */
export const TYPE_COLOURS: Readonly<Record<StepType, string>> = {
  standard: 'fill:#e3f2fd,stroke:#1e88e5',
  decision: 'fill:#fff9c4,stroke:#f9a825',
  deferred_convergence: 'fill:#e1bee7,stroke:#6a1b9a',
  batchable: 'fill:#ffe0b2,stroke:#ef6c00',
  batch_worker: 'fill:#ffccbc,stroke:#d84315',
};

/** Mermaid-safe node ids for names (letters, digits, `_`; unique even when two names sanitize alike). */
function nodeIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    const base = `n_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** A label inside `"…"`: Mermaid entity codes for characters that would end or break it. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

// shapes make the step kinds recognisable without colour
const SHAPES: Record<StepType, [string, string]> = {
  standard: ['[', ']'],
  decision: ['{', '}'],
  deferred_convergence: ['([', '])'],
  batchable: ['[[', ']]'],
  batch_worker: ['[/', '/]'],
};

/** The JSON graph of a template: one node per step (with its type), one edge per declared dependency. */
export function templateGraph(template: TaskTemplate): Graph {
  const ids = nodeIds(template.steps.map((s) => s.name));
  return {
    nodes: template.steps.map((s) => ({ id: ids.get(s.name) as string, label: s.name, type: s.type })),
    edges: template.steps.flatMap((s) => s.dependencies.filter((d) => ids.has(d)).map((d) => ({ from: ids.get(d) as string, to: ids.get(s.name) as string }))),
  };
}

/** The JSON graph of a task: one node per step (with its state), one edge per step edge. */
export function taskGraph(steps: readonly VisualStep[]): Graph {
  const ids = nodeIds(steps.map((s) => s.name));
  return {
    nodes: steps.map((s) => ({ id: ids.get(s.name) as string, label: s.name, state: s.state })),
    edges: steps.flatMap((s) => s.dependencies.filter((d) => ids.has(d)).map((d) => ({ from: ids.get(d) as string, to: ids.get(s.name) as string }))),
  };
}

function render(graph: Graph, classOf: (n: GraphNode) => string, colours: Readonly<Record<string, string>>, shapeOf: (n: GraphNode) => [string, string], title: string | null): string {
  const lines = title ? ['---', `title: ${title}`, '---', 'flowchart TD'] : ['flowchart TD'];
  for (const n of graph.nodes) {
    const [open, close] = shapeOf(n);
    const text = n.state ? `${label(n.label)}<br/><small>${n.state}</small>` : label(n.label);
    lines.push(`  ${n.id}${open}"${text}"${close}`);
  }
  for (const e of graph.edges) lines.push(`  ${e.from} --> ${e.to}`);
  const used = new Set(graph.nodes.map(classOf));
  for (const [cls, style] of Object.entries(colours)) if (used.has(cls)) lines.push(`  classDef ${cls} ${style}`);
  const byClass = new Map<string, string[]>();
  for (const n of graph.nodes) byClass.set(classOf(n), [...(byClass.get(classOf(n)) ?? []), n.id]);
  for (const [cls, ids] of byClass) if (cls in colours) lines.push(`  class ${ids.join(',')} ${cls}`);
  return `${lines.join('\n')}\n`;
}

/** Output choice of the render functions: Mermaid text (default) or the {@link Graph} JSON form. */
export interface RenderOptions {
  format?: 'mermaid' | 'json';
  /** A title for the Mermaid diagram (tasks; templates are titled namespace/name@version). */
  title?: string;
}

/** Mermaid `flowchart TD` of a template (shape and colour by step type: decision = rhombus, …), or its JSON graph. */
export function renderTemplateMermaid(template: TaskTemplate, options?: RenderOptions & { format?: 'mermaid' }): string;
/** The JSON graph form of {@link renderTemplateMermaid}. */
export function renderTemplateMermaid(template: TaskTemplate, options: RenderOptions & { format: 'json' }): Graph;
/** Mermaid text or the JSON graph, as `options.format` says. */
export function renderTemplateMermaid(template: TaskTemplate, options?: RenderOptions): string | Graph;
export function renderTemplateMermaid(template: TaskTemplate, options: RenderOptions = {}): string | Graph {
  const graph = templateGraph(template);
  if (options.format === 'json') return graph;
  return render(graph, (n) => n.type ?? 'standard', TYPE_COLOURS, (n) => SHAPES[n.type ?? 'standard'],
    options.title ?? `${template.namespace}/${template.name}@${template.version}`);
}

/** Mermaid `flowchart TD` of a task's steps coloured by state (one `classDef` per state present), or its JSON graph. */
export function renderTaskMermaid(steps: readonly VisualStep[], options?: RenderOptions & { format?: 'mermaid' }): string;
/** The JSON graph form of {@link renderTaskMermaid}. */
export function renderTaskMermaid(steps: readonly VisualStep[], options: RenderOptions & { format: 'json' }): Graph;
/** Mermaid text or the JSON graph, as `options.format` says. */
export function renderTaskMermaid(steps: readonly VisualStep[], options?: RenderOptions): string | Graph;
export function renderTaskMermaid(steps: readonly VisualStep[], options: RenderOptions = {}): string | Graph {
  const graph = taskGraph(steps);
  if (options.format === 'json') return graph;
  return render(graph, (n) => n.state ?? 'pending', STATE_COLOURS, () => ['[', ']'], options.title ?? null);
}
