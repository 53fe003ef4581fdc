import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY, initialStepNames, parseTemplate, stepsReachableFrom, validateTemplate,
  type StepTemplate, type StepType, type TaskTemplate,
} from '../../src/templates/index.ts';

const examples = join(import.meta.dirname, '../../examples/templates');

function example(file: string): TaskTemplate {
  const { template } = parseTemplate(readFileSync(join(examples, file), 'utf8'), file);
  if (!template) throw new Error(`${file} did not parse`);
  return template;
}

function step(name: string, dependencies: string[] = [], type: StepType = 'standard', extra: Partial<StepTemplate> = {}): StepTemplate {
  return {
    name, type, dependencies, handler: { callable: `${name}_handler`, initialization: {} }, retry: { ...DEFAULT_RETRY },
    timeoutSeconds: null, batchConfig: null, publishesEvents: [], resultSchema: null, ...extra,
  };
}

function template(steps: StepTemplate[]): TaskTemplate {
  return { name: 't', namespace: 'ns', version: '1.0.0', metadata: {}, inputSchema: null, identityStrategy: 'strict', steps, lifecycle: {} };
}

describe('initialStepNames', () => {
  it('includes every step of a plain DAG', () => {
    expect(initialStepNames(example('mixed_dag_workflow.yaml'))).toEqual([
      'dag_init', 'dag_process_left', 'dag_process_right', 'dag_validate', 'dag_transform', 'dag_analyze', 'dag_finalize',
    ]);
  });

  it('leaves out descendants of a decision step and deferred convergence steps', () => {
    expect(initialStepNames(example('conditional_approval.yaml'))).toEqual(['validate_request', 'routing_decision']);
  });

  it('leaves out batch workers and the convergence after them', () => {
    expect(initialStepNames(example('csv_processing.yaml'))).toEqual(['analyze_csv']);
  });

  it('leaves out steps below a decision even when they have another, initial parent', () => {
    const t = template([step('a'), step('d', ['a'], 'decision'), step('x', ['a', 'd']), step('y', ['x']), step('z', ['a'])]);
    expect(initialStepNames(t)).toEqual(['a', 'd', 'z']);
  });
});

describe('stepsReachableFrom', () => {
  it('returns every descendant in template order, not the step itself', () => {
    const t = example('tree_workflow.yaml');
    expect(stepsReachableFrom(t, 'tree_branch_left')).toEqual(['tree_leaf_d', 'tree_leaf_e', 'tree_final_convergence']);
    expect(stepsReachableFrom(t, 'tree_final_convergence')).toEqual([]);
    expect(stepsReachableFrom(t, 'no_such_step')).toEqual([]);
  });

  it('terminates on a cyclic template', () => {
    const t = template([step('a', ['c']), step('b', ['a']), step('c', ['b'])]);
    expect(stepsReachableFrom(t, 'a')).toEqual(['a', 'b', 'c']);
    expect(initialStepNames(t)).toEqual(['a', 'b', 'c']);
  });
});

describe('validateTemplate on a model built in code', () => {
  const messages = (t: TaskTemplate) => validateTemplate(t).map((p) => `${p.severity} ${p.path}: ${p.message}`);

  it('accepts every example with no problem at all', () => {
    for (const file of ['conditional_approval.yaml', 'csv_processing.yaml', 'mixed_dag_workflow.yaml']) {
      expect(validateTemplate(example(file))).toEqual([]);
    }
  });

  it('reports the cycle path starting from its first step in template order', () => {
    const t = template([step('start'), step('x', ['start', 'z']), step('y', ['x']), step('z', ['y'])]);
    expect(messages(t)).toEqual(['error steps[1].dependencies: dependency cycle: x → y → z → x (each step depends on the one before it)']);
  });

  it('reports two separate cycles separately', () => {
    const t = template([step('a', ['b']), step('b', ['a']), step('c', ['d']), step('d', ['c'])]);
    expect(messages(t).filter((m) => m.includes('cycle'))).toHaveLength(2);
  });

  it('rejects a deferred_convergence step no decision or batch can ever create', () => {
    const t = template([step('a'), step('b', ['a'], 'deferred_convergence')]);
    expect(messages(t)).toEqual([
      'error steps[1].dependencies: deferred_convergence step "b" has no decision or batchable step among its ancestors, so it would never be created',
    ]);
  });

  it('rejects a convergence on a batch worker that no batchable creates', () => {
    const t = template([step('a'), step('w', ['a'], 'batch_worker'), step('agg', ['w'], 'deferred_convergence')]);
    expect(messages(t)).toEqual(expect.arrayContaining([
      'error steps[2].dependencies[0]: "w" is a batch_worker step no batchable step creates, so it can never exist',
    ]));
  });

  it('rejects a worker_template that names a step that is not a batch_worker', () => {
    const batch = { batchSize: 10, parallelism: 1, cursorField: 'id', workerTemplate: 'b', failureStrategy: 'fail_fast' } as const;
    const t = template([step('a', [], 'batchable', { batchConfig: batch }), step('b', ['a'])]);
    expect(messages(t)).toEqual(['error steps[0].batch_config.worker_template: "b" is a standard step; expected the name of a batch_worker step']);
  });

  it('reports a missing handler callable and an empty step list', () => {
    const t = template([step('a', [], 'standard', { handler: { callable: '', initialization: {} } })]);
    expect(messages(t)).toEqual(['error steps[0].handler.callable: required field is missing (expected the name of the handler that runs this step)']);
    expect(messages(template([]))).toEqual(['error steps: expected at least one step']);
  });

  it('names the problem file from sourceFile, or <template> when there is none', () => {
    const t = { ...template([step('a', ['a'])]), sourceFile: 'x.yaml' };
    expect(validateTemplate(t)[0].file).toBe('x.yaml');
    expect(validateTemplate(template([step('a', ['a'])]))[0].file).toBe('<template>');
  });
});
