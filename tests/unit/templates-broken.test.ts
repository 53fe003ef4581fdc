import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTemplate, type Problem } from '../../src/templates/index.ts';

const dir = join(import.meta.dirname, '../fixtures/templates/broken');

function parseFixture(file: string): { problems: Problem[]; template: unknown } {
  return parseTemplate(readFileSync(join(dir, file), 'utf8'), file, { env: 'test' });
}

const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');

// file → the one error it must produce: path, line (null = none known) and a message fragment.
const expected: Record<string, { path: string; line: number | null; message: RegExp }> = {
  'yaml-syntax.yaml': { path: '', line: 7, message: /^YAML syntax error: Flow map in block collection/ },
  'toml-syntax.toml': { path: '', line: 9, message: /^TOML syntax error: .*invalid value/ },
  'missing-name.yaml': { path: 'name', line: null, message: /required field is missing \(expected a non-empty string\)/ },
  'bad-namespace.yaml': { path: 'namespace_name', line: 2, message: /invalid namespace "billing-v2!": expected 1–29 characters of \[A-Za-z0-9_\]/ },
  'duplicate-step.yaml': { path: 'steps[2].name', line: 10, message: /duplicate step name "fetch" \(first defined at steps\[0\]\)/ },
  'unknown-dependency.yaml': { path: 'steps[1].dependencies[1]', line: 10, message: /unknown step "middle"/ },
  'self-dependency.yaml': { path: 'steps[0].dependencies[0]', line: 6, message: /step "loop" depends on itself/ },
  'cycle.yaml': { path: 'steps[0].dependencies', line: 6, message: /dependency cycle: a → b → c → a/ },
  'decision-without-dependency.yaml': { path: 'steps[0].dependencies', line: 5, message: /decision step "route" must have at least one dependency/ },
  'missing-worker-template.yaml': {
    path: 'steps[0].batch_config.worker_template',
    line: 10,
    message: /"process_chunk" does not name a step of this template; expected the name of a batch_worker step/,
  },
  'wrong-types.yaml': { path: 'steps[0].retry.max_attempts', line: 8, message: /expected an integer ≥ 0, got "three"/ },
  'invalid-input-schema.yaml': { path: 'input_schema', line: 4, message: /not a valid JSON Schema: schema is invalid: data\/properties\/amount\/type must be equal to one of the allowed values/ },
};

describe('broken template corpus', () => {
  it('has a case for every fixture file', () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual([...Object.keys(expected), 'unknown-keys.yaml'].sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file} is rejected with its specific message`, () => {
      const { problems, template } = parseFixture(file);
      expect(template).toBeNull();
      const match = errorsOf(problems).find((p) => p.path === want.path && want.message.test(p.message));
      expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
      expect(match?.file).toBe(file);
      if (want.line === null) expect(match?.line).toBeUndefined();
      else expect(match?.line).toBe(want.line);
    });
  }

  it('reports every wrong type in a step, not just the first', () => {
    const paths = errorsOf(parseFixture('wrong-types.yaml').problems).map((p) => `${p.line} ${p.path}`);
    expect(paths).toEqual(['8 steps[0].retry.max_attempts', '9 steps[0].retry.retryable', '10 steps[0].timeout_seconds']);
  });

  it('a batch_worker no batchable uses is an error of its own', () => {
    const problems = errorsOf(parseFixture('missing-worker-template.yaml').problems);
    expect(problems.map((p) => p.path)).toContain('steps[1]');
    expect(problems.find((p) => p.path === 'steps[1]')?.message).toMatch(/batch_worker step "process_batch" is not used by any batchable step/);
  });

  it('unknown keys only warn, and the template still loads', () => {
    const { problems, template } = parseFixture('unknown-keys.yaml');
    expect(template).not.toBeNull();
    expect(errorsOf(problems)).toEqual([]);
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [4, 'owner_team'],
      [7, 'steps[0].handler.priority'],
      [8, 'steps[0].colour'],
    ]);
    expect(problems[0].message).toMatch(/unknown key "owner_team" is ignored/);
  });
});
