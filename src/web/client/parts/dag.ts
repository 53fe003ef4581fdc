import dagre from '@dagrejs/dagre';
import { html } from 'htm/preact';

/** A node of the graph: a step (of a task, with its state; or of a template). */
export interface DagNode {
  id: string;
  label: string;
  state?: string;
  dependencies: string[];
}

const W = 170;
const H = 40;

/** A DAG laid out by dagre (left to right) and drawn as SVG; nodes are coloured by state and clickable. */
export function Dag({ nodes, selected, onSelect }: { nodes: DagNode[]; selected?: string | null; onSelect?: (id: string) => void }) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 46, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: W, height: H });
  const byLabel = new Map(nodes.map((n) => [n.label, n.id]));
  for (const n of nodes) for (const d of n.dependencies) if (byLabel.has(d)) g.setEdge(byLabel.get(d)!, n.id);
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  return html`<svg class="dag" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-label="workflow graph">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead" /></marker></defs>
    ${g.edges().map((e: { v: string; w: string }) => {
      const points: Array<{ x: number; y: number }> = g.edge(e).points ?? [];
      const d = points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
      return html`<path class="edge" d=${d} marker-end="url(#arrow)" />`;
    })}
    ${nodes.map((n) => {
      const box = g.node(n.id);
      const label = n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label;
      return html`<g class=${`node ${n.state ?? 'template'} ${selected === n.id ? 'selected' : ''}`} data-step=${n.label} data-state=${n.state ?? ''}
        transform=${`translate(${box.x - W / 2},${box.y - H / 2})`} onClick=${() => onSelect?.(n.id)}>
        <rect width=${W} height=${H} rx="6" />
        <text x=${W / 2} y=${n.state ? 17 : 24} text-anchor="middle">${label}</text>
        ${n.state && html`<text class="sub" x=${W / 2} y="32" text-anchor="middle">${n.state}</text>`}
        <title>${n.label}${n.state ? ` — ${n.state}` : ''}</title>
      </g>`;
    })}
  </svg>`;
}
