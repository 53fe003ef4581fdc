// Domain events in one engine process: the outbox holds exactly the durable events of committed results,
// fast events reach in-process subscribers only, schema violations are counted and skipped, a completion
// the fence rejects publishes nothing; the events are readable through listEvents, GET /v1/events and /metrics.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/index.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { listEvents } from '../../src/events/queries.ts';
import { completeWithEvents } from '../../src/events/outbox.ts';
import { completeSteps } from '../../src/worker/step-completer.ts';
import { waitFor } from '../helpers/db.ts';
import { postgresBackend, startTasker, stopAllTaskers, type EngineBackend } from '../helpers/engine.ts';
import { BaseSubscriber, SubscriberRegistry, type DomainEvent } from '../../src/index.ts';
import { EVENTS, createEventLedger, eventLedger } from '../helpers/events.ts';

describe('domain events in one process (PostgreSQL)', () => {
  let backend: EngineBackend;
  let sql: postgres.Sql;
  let tasker: Tasker;

  beforeAll(async () => {
    backend = await postgresBackend();
    await createEventLedger(backend.url);
    sql = postgres(backend.url, { max: 2, onnotice: () => {} });
    process.env.TASKER_TEST_DB_URL = backend.url;
    tasker = await startTasker(backend.url, {
      config: { templates: { paths: [EVENTS.templates] }, handlers: { paths: [EVENTS.handlers] }, events: { poll_interval_ms: 50, backoff_base_ms: 50 } },
    });
  });
  afterAll(async () => {
    await stopAllTaskers();
    const { closeLedger } = await import('../fixtures/engine/ledger.ts');
    await closeLedger();
    await sql?.end();
    await backend?.close();
  });

  it('publishes success and permanent-failure events in the declared modes, only for committed results', async () => {
    const ok = await tasker.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: 'A-1', amount: 12.5 } });
    const bad = await tasker.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: 'B-2', amount: 3, fail_ship: true } });
    expect((await tasker.waitForTask(ok.task_uuid)).state).toBe('complete');
    expect((await tasker.waitForTask(bad.task_uuid)).state).toBe('error');

    const names = async (task: string) => (await listEvents(tasker.db, { taskUuid: task })).map((e) => `${e.event_name}:${e.delivery_mode}`);
    // fast (order.metrics) is never stored; order.bad_payload breaks its schema; ship_failed only on the failure
    expect(await names(ok.task_uuid)).toEqual(['order.charged:durable', 'order.audit:broadcast', 'order.shipped:durable']);
    expect(await names(bad.task_uuid)).toEqual(['order.charged:durable', 'order.audit:broadcast', 'order.ship_failed:durable']);

    const [charged] = await listEvents(tasker.db, { taskUuid: ok.task_uuid, name: 'order.charged' });
    expect(charged).toMatchObject({
      publisher: 'OrderPublisher', payload: { order_id: 'A-1', amount_cents: 1250 }, step_name: 'charge', namespace: 'events_test',
      attempt: 1, event_version: '1.0', metadata: { processor: 'test-pay', condition: 'success' },
    });
    expect(charged.correlation_id).toBe((await tasker.getTask(ok.task_uuid)).correlation_id);
    const [failed] = await listEvents(tasker.db, { taskUuid: bad.task_uuid, name: 'order.ship_*' });
    expect(failed.payload).toMatchObject({ error_message: 'the carrier refused the parcel', error_type: 'permanent_error', retryable: false });

    // the in-process subscriber: a fast copy of order.metrics and order.audit, durable copies of the stored ones
    await waitFor(async () => (await eventLedger(sql)).filter((r) => r.group_name === 'probe' && r.channel === 'durable').length === 6, { what: 'durable copies for the probe group' });
    const probe = (await eventLedger(sql)).filter((r) => r.task_uuid === ok.task_uuid);
    expect(probe.filter((r) => r.channel === 'fast').map((r) => r.event_name).sort()).toEqual(['order.audit', 'order.metrics']);
    expect(probe.filter((r) => r.channel === 'durable').map((r) => r.event_name)).toEqual(['order.charged', 'order.audit', 'order.shipped']);
    expect(tasker.events.stats.schemaInvalid).toBe(2);
    expect(tasker.events.stats).toMatchObject({ publishedDurable: 6, publishedFast: 4, deadLettered: 0 });
  });

  it('a completion the fence rejects writes no events', async () => {
    const [step] = await sql`SELECT s.step_uuid FROM tasker.workflow_steps s JOIN tasker.tasks t USING (task_uuid) WHERE s.name = 'charge' LIMIT 1`;
    const before = await sql`SELECT count(*)::int AS n FROM tasker.domain_events`;
    const record = { ...(await listEvents(tasker.db, { limit: 1 }))[0], event_id: '01900000-0000-7000-8000-000000000001' };
    const zombie = {
      stepUuid: step.step_uuid, claimToken: '01900000-0000-7000-8000-0000000000ff', msgId: '0', success: true,
      resultsJson: JSON.stringify({ success: true, result: { late: true } }), events: [{ claimToken: '01900000-0000-7000-8000-0000000000ff', record }],
    };
    const accepted = await completeWithEvents(tasker.db, [zombie], (q) => completeSteps(q, [zombie], false), { notify: false });
    expect(accepted.size).toBe(0);
    expect(await sql`SELECT count(*)::int AS n FROM tasker.domain_events`).toEqual(before);
  });

  it('GET /v1/events filters by name and task, and /metrics counts published, delivered and failed events', async () => {
    const app = createHttpApp({ tasker });
    const res = await app(new Request('http://x/v1/events?name=order.ship*&limit=10'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: Array<{ event_name: string; deliveries: Record<string, string> }> };
    expect(body.events.map((e) => e.event_name).sort()).toEqual(['order.ship_failed', 'order.shipped']);
    expect(body.events[0].deliveries).toEqual({ probe: 'delivered' });
    const bad = await app(new Request('http://x/v1/events?task_uuid=nope'));
    expect(bad.status).toBe(400);
    const metrics = await (await app(new Request('http://x/metrics'))).text();
    expect(metrics).toMatch(/^tasker_domain_events_published_total\{mode="durable"\} 6$/m);
    expect(metrics).toMatch(/^tasker_domain_events_published_total\{mode="fast"\} 4$/m);
    expect(metrics).toMatch(/^tasker_domain_events_delivered_total 6$/m);
    expect(metrics).toMatch(/^tasker_domain_events_failed_total\{reason="schema_invalid"\} 2$/m);
  });
  it('a delivery that keeps failing is dead-lettered after max_attempts and no longer holds up its task', async () => {
    const handled: string[] = [];
    class Flaky extends BaseSubscriber {
      static override subscribesTo() {
        return ['order.*'];
      }
      override handle(event: DomainEvent) {
        if (event.eventName === 'order.charged') throw new Error('always down');
        handled.push(event.eventName);
      }
    }
    const subscribers = new SubscriberRegistry();
    subscribers.register(Flaky);
    const host = await startTasker(backend.url, {
      subscribers, roles: { orchestrator: false, worker: false },
      config: { events: { max_attempts: 2, backoff_base_ms: 50, poll_interval_ms: 50 } },
    });
    const task = await tasker.createTask({ namespace: 'events_test', name: 'order_flow', context: { order_id: 'D-1', amount: 1 } });
    await tasker.waitForTask(task.task_uuid);
    await waitFor(() => handled.length === 2, { what: 'the later events to reach the flaky group' });
    expect(handled).toEqual(['order.audit', 'order.shipped']);
    const [dead] = await sql`SELECT d.state, d.attempts, d.last_error FROM tasker.domain_event_deliveries d JOIN tasker.domain_events e USING (event_seq)
                             WHERE d.group_name = 'Flaky' AND e.task_uuid = ${task.task_uuid} AND e.event_name = 'order.charged'`;
    expect(dead).toEqual({ state: 'dead', attempts: 2, last_error: 'Error: always down' });
    expect(host.events.stats).toMatchObject({ deadLettered: 1, failed: 2, delivered: 2 });
    const log = await listEvents(tasker.db, { taskUuid: task.task_uuid, name: 'order.charged' });
    expect(log[0].deliveries).toEqual({ Flaky: 'dead', probe: 'delivered' });
  });

  it('retention deletes events (and their deliveries) older than retention_hours', async () => {
    const [{ n }] = await sql`SELECT count(*)::int AS n FROM tasker.domain_events`;
    await sql`UPDATE tasker.domain_events SET fired_at = now() - interval '200 hours' WHERE event_name = 'order.audit'`;
    const [{ audits }] = await sql`SELECT count(*)::int AS audits FROM tasker.domain_events WHERE event_name = 'order.audit'`;
    expect(await tasker.events.purge()).toBe(audits);
    expect(await sql`SELECT count(*)::int AS n FROM tasker.domain_events`).toEqual([{ n: n - audits }]);
    expect(await sql`SELECT 1 FROM tasker.domain_event_deliveries d LEFT JOIN tasker.domain_events e USING (event_seq) WHERE e.event_seq IS NULL`).toHaveLength(0);
  });
});
