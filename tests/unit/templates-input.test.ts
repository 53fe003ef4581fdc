import { describe, expect, it } from 'vitest';
import { compileInputValidator, parseTemplate, type TaskTemplate } from '../../src/templates/index.ts';

function withSchema(schema: string): TaskTemplate {
  const { template, problems } = parseTemplate(`name: t
namespace_name: ns
version: 1.0.0
${schema}
steps:
  - name: a
    handler: { callable: a_handler }
`, 't.yaml');
  if (!template) throw new Error(JSON.stringify(problems));
  return template;
}

const approval = withSchema(`input_schema:
  type: object
  required: [amount, requester]
  additionalProperties: false
  properties:
    amount: { type: number, minimum: 0 }
    requester: { type: string, minLength: 1 }
    contact: { type: string, format: email }
    lines:
      type: array
      items:
        type: object
        required: [sku]
        properties: { sku: { type: string }, qty: { type: integer } }`);

describe('compileInputValidator', () => {
  it('accepts a valid input', () => {
    expect(compileInputValidator(approval)({ amount: 10, requester: 'ann', lines: [{ sku: 'x', qty: 2 }] })).toEqual([]);
  });

  it('lists every violation with its path', () => {
    const violations = compileInputValidator(approval)({
      amount: -1, contact: 'not-an-email', extra: true, lines: [{ qty: 1.5 }],
    });
    expect(violations).toEqual(expect.arrayContaining([
      { path: 'requester', message: 'is required' },
      { path: 'extra', message: 'is not allowed (no such property in input_schema)' },
      { path: 'amount', message: 'must be >= 0' },
      { path: 'contact', message: 'must match format "email"' },
      { path: 'lines[0].sku', message: 'is required' },
      { path: 'lines[0].qty', message: 'must be integer' },
    ]));
    expect(violations).toHaveLength(6);
  });

  it('reports a non-object input at the root', () => {
    expect(compileInputValidator(approval)('hello')).toEqual([{ path: '(input)', message: 'must be object' }]);
  });

  it('compiles once per template object', () => {
    expect(compileInputValidator(approval)).toBe(compileInputValidator(approval));
  });

  it('accepts anything when the template has no input_schema', () => {
    const validate = compileInputValidator(withSchema(''));
    expect(validate(undefined)).toEqual([]);
    expect(validate({ any: 'thing' })).toEqual([]);
  });

  it('checks the uuid and date-time formats templates of the original system use', () => {
    const t = withSchema(`input_schema:
  type: object
  properties:
    id: { type: string, format: uuid }
    at: { type: string, format: date-time }
    other: { type: string, format: made-up-format }`);
    const validate = compileInputValidator(t);
    expect(validate({ id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', at: '2025-01-02T03:04:05Z', other: 'x' })).toEqual([]);
    expect(validate({ id: 'nope', at: 'yesterday' }).map((v) => v.path)).toEqual(['id', 'at']);
  });

  it('does not confuse two templates whose schemas share an $id', () => {
    const a = withSchema('input_schema: { $id: "https://example.invalid/same.json", type: object, required: [x] }');
    const b = withSchema('input_schema: { $id: "https://example.invalid/same.json", type: object, required: [y] }');
    expect(compileInputValidator(a)({})).toEqual([{ path: 'x', message: 'is required' }]);
    expect(compileInputValidator(b)({})).toEqual([{ path: 'y', message: 'is required' }]);
  });
});
