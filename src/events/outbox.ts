// The transactional outbox (issue 15): durable events are inserted in the same transaction as the step
// result they come from, and only for completions the claim-token fence accepted.
import type { Db, Queryable } from '../db/types.ts';
import type { DomainEventRecord } from './types.ts';

/** The NOTIFY channel that wakes subscriber processes (and `tasker events tail`). */
export const EVENTS_CHANNEL = 'tq_domain_events';
/** The in-process wake-bus key of the same. */
export const EVENTS_BUS_KEY = 'domain_events';

/** A durable event waiting for its completion: written only when the completion with `claimToken` is accepted. */
export interface OutboxEvent {
  claimToken: string;
  record: Omit<DomainEventRecord, 'event_seq' | 'deliveries'>;
}

// One statement: the events (in the given order, so event_seq follows it), one delivery row per subscriber
// group whose patterns match the name, and a NOTIFY (sent at commit) for the subscriber processes.
const WRITE_SQL = `
  WITH input AS (
    SELECT x.*, ord FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(doc, ord),
      LATERAL jsonb_to_record(a.doc) AS x(event_id uuid, event_name text, event_version text, delivery_mode text,
        task_uuid uuid, step_uuid uuid, step_name text, namespace text, correlation_id uuid, attempt int,
        publisher text, payload jsonb, metadata jsonb, execution_result jsonb, fired_at timestamptz)
  ), ev AS (
    INSERT INTO domain_events (event_id, event_name, event_version, delivery_mode, task_uuid, step_uuid, step_name,
      namespace, correlation_id, attempt, publisher, payload, metadata, execution_result, fired_at)
    SELECT event_id, event_name, event_version, delivery_mode, task_uuid, step_uuid, step_name, namespace,
      correlation_id, attempt, publisher, payload, metadata, execution_result, fired_at
    FROM input ORDER BY ord
    RETURNING event_seq, event_name, task_uuid
  ), dl AS (
    INSERT INTO domain_event_deliveries (group_name, event_seq, task_uuid)
    SELECT g.group_name, ev.event_seq, ev.task_uuid FROM ev JOIN domain_event_subscriber_groups g
      ON EXISTS (SELECT 1 FROM unnest(g.patterns) p WHERE ev.event_name LIKE p)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM dl)::int AS deliveries,
    CASE WHEN $2 THEN pg_notify('${EVENTS_CHANNEL}', '${EVENTS_BUS_KEY}:' || $3) END AS n`;

/** Inserts durable events and their deliveries; returns how many of each. */
export async function writeOutbox(q: Queryable, events: readonly OutboxEvent[], notify: boolean, sender = ''): Promise<{ events: number; deliveries: number }> {
  if (events.length === 0) return { events: 0, deliveries: 0 };
  const [row] = await q.query<{ events: number; deliveries: number }>(WRITE_SQL, [JSON.stringify(events.map((e) => e.record)), notify, sender]);
  return { events: row?.events ?? 0, deliveries: row?.deliveries ?? 0 };
}

/**
 * Records completions with `complete` and, in the same transaction, the durable events of those it
 * accepted. Without events this is exactly `complete(db)`: no transaction, no extra round trip.
 */
export async function completeWithEvents<C extends { events?: readonly OutboxEvent[] }>(
  db: Db,
  completions: readonly C[],
  complete: (q: Queryable) => Promise<Set<string>>,
  options: { notify: boolean; sender?: string },
): Promise<Set<string>> {
  const events = completions.flatMap((c) => c.events ?? []);
  if (events.length === 0) return complete(db);
  return db.transaction(async (tx) => {
    const accepted = await complete(tx);
    await writeOutbox(tx, events.filter((e) => accepted.has(e.claimToken)), options.notify, options.sender);
    return accepted;
  });
}
