import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, parseTemplate, type TaskTemplate } from '../../src/templates/index.ts';

const fixtures = join(import.meta.dirname, '../fixtures/templates');

function mustParse(text: string, file = 't.yaml', env?: string): TaskTemplate {
  const { template, problems } = parseTemplate(text, file, { env });
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(template).not.toBeNull();
  return template as TaskTemplate;
}

const minimal = `
name: t
namespace_name: ns
version: 1.0.0
steps:
  - name: a
    handler: { callable: a_handler }
`;

describe('parseTemplate', () => {
  it('fills every default of the model', () => {
    const t = mustParse(minimal);
    expect(t).toEqual({
      name: 't', namespace: 'ns', version: '1.0.0', metadata: {}, inputSchema: null, identityStrategy: 'strict',
      lifecycle: {}, sourceFile: 't.yaml',
      steps: [{
        name: 'a', type: 'standard', dependencies: [], handler: { callable: 'a_handler', initialization: {} },
        retry: { retryable: true, maxAttempts: 3, backoff: 'exponential', backoffBaseMs: 1000, maxBackoffMs: 30000 },
        timeoutSeconds: null, batchConfig: null, publishesEvents: [], resultSchema: null,
      }],
    });
    expect(t.steps[0].retry).toEqual(DEFAULT_RETRY);
  });

  it('accepts depends_on and step_type as aliases', () => {
    const t = mustParse(`${minimal}
  - name: b
    step_type: decision
    depends_on: [a]
    handler: { callable: b_handler }
  - name: c
    depends_on: [b]
    handler: { callable: c_handler }
`);
    expect(t.steps[1]).toMatchObject({ type: 'decision', dependencies: ['a'] });
    expect(t.steps[2].dependencies).toEqual(['b']);
  });

  it('rejects an alias given together with its canonical key', () => {
    const { problems } = parseTemplate(`${minimal}
  - name: b
    dependencies: [a]
    depends_on: [a]
    handler: { callable: b_handler }
`, 't.yaml');
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'error', path: 'steps[1].depends_on', line: 11 }));
  });

  it('reads every step field in snake_case into the camelCase model', () => {
    const t = mustParse(`
name: full
namespace_name: ns
version: 2.1.0-rc.1
description: all fields
identity_strategy: caller_provided
lifecycle: { max_in_progress_minutes: 30 }
metadata: { author: me }
steps:
  - name: split
    type: batchable
    description: split it
    handler: { callable: split_handler, method: call, resolver: explicit, initialization: { k: 1 } }
    retry: { retryable: false, max_attempts: 1, backoff: none, backoff_base_ms: 5, max_backoff_ms: 6 }
    timeout_seconds: 2.5
    batch_config: { batch_size: 10, parallelism: 2, cursor_field: row, worker_template: work, failure_strategy: isolate }
    publishes_events: [{ name: split.done }]
    result_schema: { type: object }
  - name: work
    type: batch_worker
    dependencies: [split]
    handler: { callable: work_handler }
`);
    expect(t).toMatchObject({ version: '2.1.0-rc.1', description: 'all fields', identityStrategy: 'caller_provided', lifecycle: { max_in_progress_minutes: 30 } });
    expect(t.steps[0]).toEqual({
      name: 'split', description: 'split it', type: 'batchable', dependencies: [],
      handler: { callable: 'split_handler', method: 'call', resolver: 'explicit', initialization: { k: 1 } },
      retry: { retryable: false, maxAttempts: 1, backoff: 'none', backoffBaseMs: 5, maxBackoffMs: 6 },
      timeoutSeconds: 2.5,
      batchConfig: { batchSize: 10, parallelism: 2, cursorField: 'row', workerTemplate: 'work', failureStrategy: 'isolate' },
      publishesEvents: [{ name: 'split.done', condition: 'success', deliveryMode: 'durable' }], resultSchema: { type: 'object' },
    });
  });

  it('applies environment overrides for the selected env only, merging key-wise, ALL first then by name', () => {
    const text = `${minimal}
    timeout_seconds: 30
    retry: { max_attempts: 5, backoff: linear }
  - name: b
    dependencies: [a]
    handler: { callable: b_handler, initialization: { keep: 1, level: info } }
environments:
  test:
    steps:
      - name: ALL
        timeout_seconds: 5
        retry: { max_attempts: 1 }
      - name: b
        handler: { initialization: { level: debug } }
        timeout_seconds:
        retry:
  production:
    steps:
      - name: a
        timeout_seconds: 120
`;
    const test = mustParse(text, 't.yaml', 'test');
    expect(test.steps[0]).toMatchObject({ timeoutSeconds: 5, retry: { maxAttempts: 1, backoff: 'linear', backoffBaseMs: 1000 } });
    expect(test.steps[1]).toMatchObject({ timeoutSeconds: 5, handler: { initialization: { keep: 1, level: 'debug' } } });
    const prod = mustParse(text, 't.yaml', 'production');
    expect(prod.steps[0]).toMatchObject({ timeoutSeconds: 120, retry: { maxAttempts: 5 } });
    expect(prod.steps[1].timeoutSeconds).toBeNull();
    const none = mustParse(text, 't.yaml');
    expect(none.steps[0].timeoutSeconds).toBe(30);
  });

  it('checks overrides of environments that are not selected and warns about unknown step names', () => {
    const { problems } = parseTemplate(`${minimal}
environments:
  staging:
    steps:
      - name: nope
        timeout_seconds: 5
      - name: a
        retry: { max_attempts: many }
`, 't.yaml', { env: 'test' });
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', path: 'environments.staging.steps[0].name', line: 12 }),
      expect.objectContaining({ severity: 'error', path: 'environments.staging.steps[1].retry.max_attempts', line: 15, message: 'expected an integer ≥ 0, got "many"' }),
    ]);
  });

  it('reads TOML, with lines for problems found after parsing', () => {
    const { problems } = parseTemplate(`name = "t"
namespace_name = "ns"
version = "1.0.0"

[[steps]]
name = "a"
handler = { callable = "a_handler" }

[[steps]]
name = "b"
dependencies = ["a", "zzz"]

[steps.handler]
callable = "b_handler"

[steps.retry]
max_attempts = "lots"
`, 't.toml');
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [11, 'steps[1].dependencies[1]'],
      [17, 'steps[1].retry.max_attempts'],
    ]);
  });

  it('says to quote a version YAML read as a number', () => {
    const { problems } = parseTemplate(minimal.replace('1.0.0', '1.0'), 't.yaml');
    expect(problems).toEqual([expect.objectContaining({ path: 'version', line: 4, message: 'expected a version string such as "1.0.0" (quote it), got 1' })]);
  });

  it('accepts any 1–50 character version (the original system writes "1.0") but not a longer one', () => {
    for (const version of ['"1.0"', 'v1', 'release-2024.01']) {
      const { template, problems } = parseTemplate(minimal.replace('1.0.0', version), 't.yaml');
      expect(problems).toEqual([]);
      expect(template?.version).toBe(version.replace(/"/g, ''));
    }
    const long = 'x'.repeat(51);
    expect(parseTemplate(minimal.replace('1.0.0', long), 't.yaml').problems[0].message).toBe(`invalid version "${long.slice(0, 57)}": expected at most 50 characters, got 51`);
  });

  it('rejects an unknown identity strategy', () => {
    const { problems } = parseTemplate(`${minimal}identity_strategy: sometimes\n`, 't.yaml');
    expect(problems.map((p) => p.path)).toEqual(['identity_strategy']);
  });

  it('accepts the lifecycle fields of the original system and checks their types', () => {
    const ok = parseTemplate(`${minimal}lifecycle: { max_steps_in_process_minutes: 5, staleness_action: dlq, auto_fail_on_timeout: false, auto_dlq_on_timeout: true }\n`, 't.yaml');
    expect(ok.problems).toEqual([]);
    expect(ok.template?.lifecycle).toEqual({ max_steps_in_process_minutes: 5, staleness_action: 'dlq', auto_fail_on_timeout: false, auto_dlq_on_timeout: true });
    const bad = parseTemplate(`${minimal}lifecycle: { staleness_action: 3, auto_fail_on_timeout: "yes", max_steps_in_process_minutes: -1 }\n`, 't.yaml');
    expect(bad.problems.map((p) => [p.severity, p.path])).toEqual([
      ['error', 'lifecycle.staleness_action'], ['error', 'lifecycle.auto_fail_on_timeout'], ['error', 'lifecycle.max_steps_in_process_minutes'],
    ]);
    const odd = parseTemplate(`${minimal}lifecycle: { staleness_action: archive }\n`, 't.yaml');
    expect(odd.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('treated as "dlq"') })]);
  });

  it('rejects an empty file and a top level that is not a map', () => {
    expect(parseTemplate('', 'e.yaml').problems).toEqual([
      expect.objectContaining({ severity: 'error', path: '', message: expect.stringMatching(/^expected a map at the top level of the template .*, got null$/) }),
    ]);
    expect(parseTemplate('- a\n- b\n', 'l.yaml').problems[0].message).toMatch(/got an array/);
  });

  it('rejects a file extension it does not know', () => {
    expect(parseTemplate(minimal, 't.json').problems[0].message).toMatch(/expected \.yaml, \.yml or \.toml/);
  });

  it('loads templates written in the original system\'s format, warning about its extra keys', () => {
    for (const file of ['refund_routing.yaml', 'inventory_batches.yaml']) {
      const { template, problems } = parseTemplate(readFileSync(join(fixtures, 'original-style', file), 'utf8'), file, { env: 'test' });
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(template).not.toBeNull();
      expect(problems.some((p) => p.path === 'system_dependencies' && p.severity === 'warning')).toBe(true);
    }
  });

  it('reads the original system\'s retry.limit as max_attempts and ignores null overrides', () => {
    const text = readFileSync(join(fixtures, 'original-style', 'refund_routing.yaml'), 'utf8');
    const dev = mustParse(text, 'refund_routing.yaml', 'development');
    expect(dev.steps[0]).toMatchObject({ timeoutSeconds: 20, retry: { maxAttempts: 4, backoffBaseMs: 500 } });
    const test = mustParse(text, 'refund_routing.yaml', 'test');
    expect(test.steps[0]).toMatchObject({ timeoutSeconds: 20, retry: { maxAttempts: 1 }, handler: { initialization: { strict: true, debug_mode: true } } });
    expect(test.inputSchema).toMatchObject({ required: ['refund_id', 'amount'] });
  });
});
