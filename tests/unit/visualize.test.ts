// Mermaid and JSON renderings of templates and tasks (no database).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTaskMermaid, renderTemplateMermaid, taskGraph, templateGraph } from '../../src/orchestration/visualize.ts';
import { parseTemplate } from '../../src/templates/index.ts';

const approval = parseTemplate(readFileSync('examples/templates/conditional_approval.yaml', 'utf8'), 'conditional_approval.yaml').template!;

describe('renderTemplateMermaid', () => {
  it('draws every step with a shape and colour class by type, and every dependency as an edge', () => {
    expect(renderTemplateMermaid(approval)).toBe(`---
title: conditional_approval/conditional_approval@1.0.0
---
flowchart TD
  n_validate_request["validate_request"]
  n_routing_decision{"routing_decision"}
  n_auto_approve["auto_approve"]
  n_manager_approval["manager_approval"]
  n_finance_review["finance_review"]
  n_finalize_approval(["finalize_approval"])
  n_validate_request --> n_routing_decision
  n_routing_decision --> n_auto_approve
  n_routing_decision --> n_manager_approval
  n_routing_decision --> n_finance_review
  n_auto_approve --> n_finalize_approval
  n_manager_approval --> n_finalize_approval
  n_finance_review --> n_finalize_approval
  classDef standard fill:#e3f2fd,stroke:#1e88e5
  classDef decision fill:#fff9c4,stroke:#f9a825
  classDef deferred_convergence fill:#e1bee7,stroke:#6a1b9a
  class n_validate_request,n_auto_approve,n_manager_approval,n_finance_review standard
  class n_routing_decision decision
  class n_finalize_approval deferred_convergence
`);
  });

  it('gives the JSON form with format json', () => {
    const graph = renderTemplateMermaid(approval, { format: 'json' });
    expect(graph).toEqual(templateGraph(approval));
    expect(graph.nodes).toHaveLength(6);
    expect(graph.nodes[1]).toEqual({ id: 'n_routing_decision', label: 'routing_decision', type: 'decision' });
    expect(graph.edges).toHaveLength(7);
    expect(graph.edges[0]).toEqual({ from: 'n_validate_request', to: 'n_routing_decision' });
  });

  it('draws batch steps with their own shapes', () => {
    const csv = parseTemplate(readFileSync('examples/templates/csv_processing.yaml', 'utf8'), 'csv_processing.yaml').template!;
    const text = renderTemplateMermaid(csv);
    expect(text).toContain('n_analyze_csv[["analyze_csv"]]');
    expect(text).toContain('n_process_csv_batch[/"process_csv_batch"/]');
    expect(text).toContain('class n_process_csv_batch batch_worker');
  });
});

describe('renderTaskMermaid', () => {
  const steps = [
    { name: 'start', state: 'complete', dependencies: [] },
    { name: 'work 1', state: 'in_progress', dependencies: ['start'] },
    { name: 'work_1', state: 'error', dependencies: ['start'] },
    { name: 'say "hi"', state: 'pending', dependencies: ['work 1', 'work_1'] },
  ];

  it('colours steps by state, keeps ids unique and escapes labels', () => {
    const text = renderTaskMermaid(steps, { title: 'task 0192' });
    expect(text.split('\n').slice(0, 8)).toEqual([
      '---', 'title: task 0192', '---', 'flowchart TD',
      '  n_start["start<br/><small>complete</small>"]',
      '  n_work_1["work 1<br/><small>in_progress</small>"]',
      '  n_work_1_2["work_1<br/><small>error</small>"]',
      '  n_say__hi_["say #quot;hi#quot;<br/><small>pending</small>"]',
    ]);
    expect(text).toContain('  n_work_1 --> n_say__hi_\n  n_work_1_2 --> n_say__hi_\n');
    expect(text).toContain('  classDef error fill:#ffcdd2,stroke:#c62828\n');
    expect(text).toContain('  class n_work_1_2 error\n');
    expect(text).not.toContain('classDef cancelled');
  });

  it('renders edges only to steps that exist, and an untitled chart without front matter', () => {
    const text = renderTaskMermaid([{ name: 'only', state: 'complete', dependencies: ['gone'] }]);
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect(text).not.toContain('-->');
    expect(taskGraph(steps).edges).toHaveLength(4);
    expect(renderTaskMermaid(steps, { format: 'json' }).nodes.map((n) => n.state)).toEqual(['complete', 'in_progress', 'error', 'pending']);
  });
});
