// The domain-event API without a database: template fields and their located errors, publishers and their
// registry, subscribers and pattern matching, which events a result fires, discovery and listings.
import { describe, expect, it } from 'vitest';
import {
  BasePublisher, BaseSubscriber, DefaultPublisher, DuplicatePublisherError, PublisherNotFoundError, PublisherRegistry,
  PublisherValidationError, RegistryFrozenError, StepHandlerResult, SubscriberRegistry, createDomainEvent, createStepEventContext,
  type DomainEvent, type StepResult,
} from '../../src/index.ts';
import { parseTemplate } from '../../src/templates/parse.ts';
import { runValidate } from '../../src/templates/report.ts';
import { likePattern, matchesPattern } from '../../src/events/subscriber.ts';
import { conditionHolds, planStepEvents } from '../../src/events/step-events.ts';
import { silentLogger } from '../../src/logging.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { discoverHandlers, formatHandlerList } from '../../src/worker/discovery.ts';
import type { ClaimedStep } from '../../src/worker/step-claimer.ts';

const TEMPLATE = (events: string, catalogue = '') => `
name: t
namespace_name: ns
version: 1.0.0
${catalogue}
steps:
  - name: pay
    handler: { callable: pay }
    publishes_events:
${events}
`;

describe('template domain events', () => {
  it('reads the catalogue and step declarations with their defaults', () => {
    const { template, problems } = parseTemplate(TEMPLATE(`      - { name: payment.done, publisher: PayPub }\n      - { name: payment.failed, condition: permanent_failure, delivery_mode: fast }`,
      'domain_events:\n  - { name: payment.done, version: "2.0", schema: { type: object } }\n  - { name: payment.failed }'), 'x.yaml');
    expect(problems).toEqual([]);
    expect(template!.domainEvents).toEqual([{ name: 'payment.done', version: '2.0', schema: { type: 'object' } }, { name: 'payment.failed' }]);
    expect(template!.steps[0].publishesEvents).toEqual([
      { name: 'payment.done', condition: 'success', deliveryMode: 'durable', publisher: 'PayPub' },
      { name: 'payment.failed', condition: 'permanent_failure', deliveryMode: 'fast' },
    ]);
  });

  it('reports bad enums, unknown names, invalid schemas and a missing name, each at its field and line', () => {
    const { problems } = parseTemplate(TEMPLATE([
      '      - { name: payment.done, condition: sometimes }',
      '      - { name: payment.other, delivery_mode: carrier_pigeon }',
      '      - { name: payment.done, schema: { type: 12 } }',
      '      - { description: nameless }',
    ].join('\n'), 'domain_events:\n  - { name: payment.done }'), 'x.yaml');
    const errors = problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.line, p.message.slice(0, 40)]);
    expect(problems.some((p) => p.severity === 'warning' && /declared twice/.test(p.message))).toBe(true);
    expect(errors).toEqual([
      ['steps[0].publishes_events[0].condition', 11, 'expected one of success | failure | retr'],
      ['steps[0].publishes_events[1].delivery_mode', 12, 'expected one of durable | fast | broadca'],
      ['steps[0].publishes_events[1].name', 12, 'event "payment.other" is not in the temp'],
      ['steps[0].publishes_events[2].schema', 13, 'not a valid JSON Schema: schema is inval'],
      ['steps[0].publishes_events[3].name', 14, 'required field is missing (expected a no'],
    ]);
  });

  it('no longer warns that domain_events are ignored; `tasker validate --handlers` flags unknown publishers', async () => {
    const text = TEMPLATE('      - { name: payment.done, publisher: Missing }', 'domain_events: []');
    expect(parseTemplate(text, 'x.yaml').problems).toEqual([]);
    const files = { readTextFile: async () => text, stat: async (p: string) => ({ isFile: p.endsWith('.yaml'), isDirectory: false }), listFiles: async () => [] };
    const result = await runValidate(files as never, ['t.yaml'], { handlerNames: new Set(['pay']), publisherNames: new Set(['default']) });
    expect(result.exitCode).toBe(1);
    expect(result.output).toMatch(/steps\[0\]\.publishes_events\[0\]\.publisher: publisher "Missing" is not registered/);
  });
});

class PayPublisher extends BasePublisher {
  readonly publisherName = 'PayPub';
  readonly calls: string[] = [];
  override transformPayload(r: StepResult) {
    this.calls.push('transform');
    return { cents: Number(r.result?.amount) * 100 };
  }
  override shouldPublish(r: StepResult) {
    this.calls.push('should');
    return r.result?.amount !== 0;
  }
  override additionalMetadata() {
    return { gateway: 'x' };
  }
  override afterPublish() {
    this.calls.push('after');
  }
}

describe('publishers and their registry', () => {
  it('runs the hooks in order and defers afterPublish when asked', () => {
    const p = new PayPublisher();
    const prepared = p.prepare({ eventName: 'e', stepResult: { success: true, result: { amount: 2 } } }, { deferAfterPublish: true });
    expect(prepared).toMatchObject({ payload: { cents: 200 }, metadata: { publisher: 'PayPub', gateway: 'x' } });
    expect(p.calls).toEqual(['should', 'transform']);
    prepared!.afterPublish();
    expect(p.publish({ eventName: 'e', stepResult: { success: true, result: { amount: 0 } } })).toBe(false);
    expect(p.calls).toEqual(['should', 'transform', 'after', 'should']);
    expect(new DefaultPublisher().prepare({ eventName: 'e', stepResult: { success: true, result: { a: 1 } } })?.payload).toEqual({ a: 1 });
  });

  it('a throwing hook skips the event through onPublishError', () => {
    const errors: string[] = [];
    class Broken extends BasePublisher {
      readonly publisherName = 'broken';
      override transformPayload(): Record<string, unknown> {
        throw new Error('boom');
      }
      override onPublishError(name: string, err: Error) {
        errors.push(`${name}: ${err.message}`);
      }
    }
    expect(new Broken().publish({ eventName: 'x', stepResult: { success: true } })).toBe(false);
    expect(errors).toEqual(['x: boom']);
  });

  it('registers, looks up, validates and freezes with the original error classes', () => {
    const r = new PublisherRegistry();
    r.register(new PayPublisher());
    expect(() => r.register(new PayPublisher())).toThrow(DuplicatePublisherError);
    expect(r.get('PayPub')?.publisherName).toBe('PayPub');
    expect(r.getOrDefault('nope').publisherName).toBe('default');
    expect(() => r.getStrict('nope')).toThrow(PublisherNotFoundError);
    expect(r.isRegistered('default')).toBe(true);
    expect(() => r.validateRequired(['PayPub', 'Other'])).toThrow(PublisherValidationError);
    r.validateRequired(['PayPub', 'default']);
    expect(r.isFrozen).toBe(true);
    expect(() => r.unregister('PayPub')).toThrow(RegistryFrozenError);
    expect(PublisherRegistry.instance).toBe(PublisherRegistry.instance);
  });
});

describe('subscribers', () => {
  it('matches * wildcards literally otherwise, in JS and as SQL LIKE', () => {
    expect(matchesPattern('payment.processed', 'payment.*')).toBe(true);
    expect(matchesPattern('paymentXprocessed', 'payment.processed')).toBe(false);
    expect(matchesPattern('a.b.c', '*')).toBe(true);
    expect(likePattern('order_%.*')).toBe('order\\_\\%.%');
  });

  it('delivers through beforeHandle → handle → afterHandle; a failure reaches onHandleError and rethrows', async () => {
    const seen: string[] = [];
    class Sub extends BaseSubscriber {
      static override subscribesTo() {
        return ['order.*'];
      }
      override beforeHandle(e: DomainEvent) {
        return e.payload.skip !== true;
      }
      override handle(e: DomainEvent) {
        if (e.payload.fail) throw new Error('nope');
        seen.push(e.eventName);
      }
      override afterHandle() {
        seen.push('after');
      }
      override onHandleError(_e: DomainEvent, err: Error) {
        seen.push(`error ${err.message}`);
      }
    }
    const registry = new SubscriberRegistry();
    registry.register(Sub);
    const [sub] = registry.startAll();
    expect(sub.matches('order.paid')).toBe(true);
    expect(sub.matches('invoice.paid')).toBe(false);
    const event = (payload: Record<string, unknown>) => createDomainEvent({ eventId: 'id', eventName: 'order.paid', payload, metadata: {}, executionResult: { success: true } });
    await sub.deliver(event({}));
    await sub.deliver(event({ skip: true }));
    await expect(sub.deliver(event({ fail: true }))).rejects.toThrow('nope');
    expect(seen).toEqual(['order.paid', 'after', 'error nope']);
    expect(registry.stats).toMatchObject({ started: true, subscriberCount: 1, activeCount: 1 });
  });
});

describe('which events a result fires', () => {
  const { template } = parseTemplate(TEMPLATE([
    '      - { name: ok }',
    '      - { name: retrying, condition: retryable_failure }',
    '      - { name: gave_up, condition: permanent_failure }',
    '      - { name: any_failure, condition: failure, delivery_mode: broadcast }',
    '      - { name: every_time, condition: always, delivery_mode: fast }',
    '      - { name: typed, schema: { type: object, required: [id] } }',
  ].join('\n')), 'x.yaml');
  const step = { step_uuid: 's', task_uuid: 't', name: 'pay', template_step_name: 'pay', attempts: 1, max_attempts: 2, claim_token: 'c', namespace: 'ns', correlation_id: 'k' } as ClaimedStep;
  let invalid = 0;
  const deps = { publisher: () => new DefaultPublisher(), logger: silentLogger, onSchemaInvalid: () => invalid++ };
  const fired = (result: StepHandlerResult, attempts = 1) => {
    const plan = planStepEvents(deps, template!, { ...step, attempts }, result);
    return { durable: plan?.outbox.map((e) => e.record.event_name) ?? [], fast: plan?.fast.map((e) => e.event_name) ?? [] };
  };

  it('judges conditions on the outcome and whether the step will be retried', () => {
    expect(conditionHolds('permanent_failure', false, false)).toBe(true);
    expect(fired(StepHandlerResult.success({ id: 1 }))).toEqual({ durable: ['ok', 'typed'], fast: ['every_time'] });
    expect(fired(StepHandlerResult.failure('x', 'handler_error', true))).toEqual({ durable: ['retrying', 'any_failure'], fast: ['any_failure', 'every_time'] });
    expect(fired(StepHandlerResult.failure('x', 'handler_error', true), 2)).toEqual({ durable: ['gave_up', 'any_failure'], fast: ['any_failure', 'every_time'] });
    expect(fired(StepHandlerResult.failure('x', 'permanent_error', false))).toEqual({ durable: ['gave_up', 'any_failure'], fast: ['any_failure', 'every_time'] });
  });

  it('skips and counts a payload that breaks its schema; the event carries the step identity', () => {
    invalid = 0;
    expect(fired(StepHandlerResult.success({ other: 1 })).durable).toEqual(['ok']);
    expect(invalid).toBe(1);
    const plan = planStepEvents(deps, template!, step, StepHandlerResult.success({ id: 1 }));
    expect(plan!.outbox[0].record).toMatchObject({ task_uuid: 't', step_uuid: 's', step_name: 'pay', namespace: 'ns', correlation_id: 'k', attempt: 1, event_version: '1.0', publisher: 'default' });
    expect(createStepEventContext({ taskUuid: 't', stepUuid: 's', stepName: 'n' })).toEqual({ taskUuid: 't', stepUuid: 's', stepName: 'n', namespace: 'default', correlationId: 't', metadata: {} });
  });
});

describe('discovery', () => {
  it('finds publishers and subscribers next to handlers and lists them', async () => {
    const runtime = await getRuntime();
    const found = await discoverHandlers(runtime, ['tests/fixtures/events/handlers', 'tests/fixtures/events/subscribers']);
    expect(found.events.publishers.registeredNames).toEqual(['OrderPublisher']);
    expect(found.events.found.filter((f) => f.kind === 'subscriber').map((f) => f.name).sort()).toEqual(['AuditSubscriber', 'ledger', 'probe']);
    const text = formatHandlerList(found.handlers, [], 'table', { baseDir: runtime.cwd(), events: found.events.found });
    expect(text).toMatch(/publisher\s+OrderPublisher\s+OrderPublisher\s+-\s+tests\/fixtures\/events\/handlers\/order-handlers\.ts/);
    expect(text).toMatch(/subscriber\s+ledger\s+LedgerSubscriber\s+order\.\*/);
    expect(text).toMatch(/1 publisher, 3 subscribers/);
    const json = JSON.parse(formatHandlerList(found.handlers, [], 'json', { events: found.events.found }));
    expect(json.subscribers.map((s: { group: string }) => s.group).sort()).toEqual(['AuditSubscriber', 'ledger', 'probe']);
  });
});
