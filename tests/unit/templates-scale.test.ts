// Templates of 10,000 steps: validation, cycle detection and the initial step set give the same answers
// as on small templates (the time they take is measured in bench/template-scale.ts, not asserted here).
import { describe, expect, it } from 'vitest';
import { initialStepNames, parseTemplate, stepsReachableFrom, validateTemplate } from '../../src/templates/index.ts';

const N = 10_000;

/** YAML of a 10,000-step template: a layered body (each step depends on the two before it) with dynamic steps at the end. */
function bigTemplate(options: { backEdge?: boolean; unknownDependency?: boolean } = {}): string {
  const lines = ['name: big', 'namespace_name: big', 'version: 1.0.0', 'steps:'];
  const body = N - 4;
  for (let i = 0; i < body; i++) {
    const deps = [i - 1, i - 2].filter((d) => d >= 0).map((d) => `s${d}`);
    if (options.backEdge && i === 0) deps.push(`s${body - 1}`);
    if (options.unknownDependency && i === 5000) deps.push('nowhere');
    lines.push(`  - name: s${i}`, '    handler: { callable: work }', `    dependencies: [${deps.join(', ')}]`);
  }
  lines.push(
    '  - name: route', '    type: decision', '    handler: { callable: route }', `    dependencies: [s${body - 1}]`,
    '  - name: branch_a', '    handler: { callable: work }', '    dependencies: [route]',
    '  - name: branch_b', '    handler: { callable: work }', '    dependencies: [route, s0]',
    '  - name: join', '    type: deferred_convergence', '    handler: { callable: work }', '    dependencies: [branch_a, branch_b]',
  );
  return `${lines.join('\n')}\n`;
}

describe('a 10,000-step template', () => {
  it('parses and validates with no problem, and its initial step set leaves out exactly the steps below the decision', () => {
    const { template, problems } = parseTemplate(bigTemplate(), 'big.yaml');
    expect(problems).toEqual([]);
    expect(template!.steps).toHaveLength(N);
    expect(validateTemplate(template!)).toEqual([]);
    const initial = initialStepNames(template!);
    expect(initial).toHaveLength(N - 3);
    expect(initial.slice(-2)).toEqual([`s${N - 5}`, 'route']);
    expect(stepsReachableFrom(template!, 'route')).toEqual(['branch_a', 'branch_b', 'join']);
    // everything below s0 — the whole body, the decision and what follows it
    expect(stepsReachableFrom(template!, 's0')).toHaveLength(N - 1);
  });

  it('reports the cycle a back edge closes through all 9,996 body steps as a path from the first step that follows real dependencies', () => {
    const { template, problems } = parseTemplate(bigTemplate({ backEdge: true }), 'big.yaml');
    expect(template).toBeNull();
    const cycles = problems.filter((p) => p.message.startsWith('dependency cycle'));
    expect(problems.filter((p) => !p.message.startsWith('dependency cycle'))).toEqual([]);
    expect(cycles.length).toBeGreaterThanOrEqual(1);
    const index = (name: string) => Number(name.slice(1));
    for (const cycle of cycles) {
      expect(cycle).toMatchObject({ severity: 'error', path: 'steps[0].dependencies', line: 7 });
      const path = cycle.message.replace(/^dependency cycle: /, '').replace(/ \(each step.*$/, '').split(' → ');
      // starts and ends at s0, the cycle's first step in template order; each step depends on the one before it
      expect([path[0], path[path.length - 1]]).toEqual(['s0', 's0']);
      for (let k = 1; k < path.length; k++) {
        const [from, to] = [path[k - 1], path[k]];
        const ok = to === 's0' ? from === `s${N - 5}` : [1, 2].includes(index(to) - index(from));
        expect(ok, `${to} depends on ${from}`).toBe(true);
      }
    }
    // the walk goes down s(i-1) links first, so the first cycle it closes is the one through every body step
    expect(cycles[0].message.split(' → ')).toHaveLength(N - 4 + 1);
  });

  it('names an unknown dependency deep inside it with its field path and line', () => {
    const { problems } = parseTemplate(bigTemplate({ unknownDependency: true }), 'big.yaml');
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'error', path: 'steps[5000].dependencies[2]', line: 5 + 3 * 5000 + 2, message: expect.stringContaining('unknown step "nowhere"') }),
    ]);
  });
});
