// Cron schedules are checked where they are declared (issue 17): a template's `schedules` by `tasker validate`
// (file, line, field path, value, fix) and config [[schedules]] by the config schema.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { dueTicks } from '../../src/scheduling/cron.ts';
import { scheduleSpecs } from '../../src/scheduling/specs.ts';
import { parseTemplate } from '../../src/templates/index.ts';

const template = (schedules: string) => `name: nightly
namespace_name: billing
version: 1.0.0
schedules:
${schedules}
steps:
  - name: run
    handler: { callable: run }
`;

describe('template schedules', () => {
  it('an invalid cron expression is a located error naming the field, the value and the expected form', () => {
    const { problems } = parseTemplate(template('  - cron: "61 * * * *"\n    input: {}'), 'templates/nightly.yaml');
    const p = problems.find((x) => x.path === 'schedules[0].cron');
    expect(p).toMatchObject({ severity: 'error', file: 'templates/nightly.yaml', line: 5 });
    expect(p?.message).toContain('"61 * * * *"');
    expect(p?.message).toContain('5 fields');
  });

  it('an unknown timezone is reported on the timezone field with an IANA example', () => {
    const { problems } = parseTemplate(template('  - cron: "0 3 * * *"\n    timezone: Mars/Olympus'), 'nightly.yaml');
    const p = problems.find((x) => x.path === 'schedules[0].timezone');
    expect(p?.severity).toBe('error');
    expect(p?.message).toContain('"Mars/Olympus"');
    expect(p?.message).toContain('Europe/Berlin');
  });

  it('a valid schedule (with a seconds field and a timezone) loads; its default name is namespace/name#index', () => {
    const { template: t, problems } = parseTemplate(template('  - cron: "*/10 * * * * *"\n    timezone: Europe/Berlin\n    input: { a: 1 }\n    backfill: 3'), 'nightly.yaml');
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(t?.schedules).toEqual([{ cron: '*/10 * * * * *', timezone: 'Europe/Berlin', input: { a: 1 }, name: null, backfill: 3 }]);
    expect(scheduleSpecs([t!], { schedules: [] })).toMatchObject([{ name: 'billing/nightly#0', namespace: 'billing', task: 'nightly', backfill: 3 }]);
  });
});

describe('config [[schedules]]', () => {
  it('accepts a schedule for a template the config does not own, and rejects a bad cron with the field and the fix', () => {
    const ok = v.safeParse(configSchema, { schedules: [{ template: 'billing/nightly@1.0.0', cron: '0 3 * * *', timezone: 'UTC' }] });
    expect(ok.success).toBe(true);
    expect(scheduleSpecs([], ok.output as never)).toMatchObject([{ namespace: 'billing', task: 'nightly', version: '1.0.0', source: 'config' }]);
    const bad = v.safeParse(configSchema, { schedules: [{ template: 'billing/nightly', cron: '* * *' }] });
    expect(bad.success).toBe(false);
    const issue = bad.issues?.[0];
    expect(issue?.message).toContain('5 fields');
    expect(v.getDotPath(issue!)).toBe('schedules.0.cron');
  });
});

describe('due ticks', () => {
  const at = (s: string) => new Date(`2026-01-01T00:00:${s}Z`);
  it('catch-up after downtime is bounded: the newest max ticks, plus every tick of the late tolerance', () => {
    expect(dueTicks('* * * * * *', null, at('00'), at('10.5'), 1).map((d) => d.getUTCSeconds())).toEqual([10]);
    expect(dueTicks('* * * * * *', null, at('00'), at('10.5'), 3).map((d) => d.getUTCSeconds())).toEqual([8, 9, 10]);
    expect(dueTicks('* * * * * *', null, at('00'), at('10.5'), 1, 2000).map((d) => d.getUTCSeconds())).toEqual([9, 10]);
    expect(dueTicks('* * * * * *', null, at('10'), at('10.5'), 5)).toEqual([]);
  });
});

describe('concurrency and rate_limit fields', () => {
  const withBlock = (block: string, step = '') => `name: t
namespace_name: ns
version: 1.0.0
${block}
steps:
  - name: run
    handler: { callable: run }
${step}`;
  it('a concurrency key that is not an input path, or a missing limit, is a located error', () => {
    const { problems } = parseTemplate(withBlock('concurrency:\n  key: customer_id\n  limit: 1'), 't.yaml');
    expect(problems.find((p) => p.path === 'concurrency.key')?.message).toContain('"$.customer_id"');
    const missing = parseTemplate(withBlock('concurrency: [{ key: $.a }]'), 't.yaml').problems;
    expect(missing.find((p) => p.path === 'concurrency[0].limit')?.severity).toBe('error');
    const scope = parseTemplate(withBlock('concurrency: { limit: 2, scope: step }'), 't.yaml').problems;
    expect(scope.find((p) => p.path === 'concurrency.scope')?.message).toContain('scope "task"');
  });
  it('rate_limit takes per_second or per_minute, on the template or a step', () => {
    const ok = parseTemplate(withBlock('rate_limit: { per_minute: 120 }', '    rate_limit: { per_second: 5 }'), 't.yaml');
    expect(ok.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(ok.template?.rateLimit).toEqual({ perSecond: 2 });
    expect(ok.template?.steps[0].rateLimit).toEqual({ perSecond: 5 });
    const both = parseTemplate(withBlock('rate_limit: { per_second: 1, per_minute: 60 }'), 't.yaml').problems;
    expect(both.find((p) => p.path === 'rate_limit')?.message).toContain('not both');
    const bad = parseTemplate(withBlock('rate_limit: { per_second: 0 }'), 't.yaml').problems;
    expect(bad.find((p) => p.path === 'rate_limit.per_second')?.severity).toBe('error');
  });
});
