// Helpers of the domain-event tests: the event_ledger table the fixture subscribers write, and its queries.
import postgres from 'postgres';
import { createLedger } from './engine.ts';

/** The fixture paths. */
export const EVENTS = {
  templates: 'tests/fixtures/events/templates',
  handlers: 'tests/fixtures/events/handlers',
  subscribers: 'tests/fixtures/events/subscribers',
  script: 'tests/fixtures/events/events-process.ts',
} as const;

/** Creates `public.ledger` and `public.event_ledger` (see tests/fixtures/events/handlers/events-ledger.ts). */
export async function createEventLedger(url: string): Promise<void> {
  await createLedger(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE TABLE IF NOT EXISTS public.event_ledger (
      id bigserial PRIMARY KEY, group_name text NOT NULL, event_id uuid NOT NULL, event_name text NOT NULL, task_uuid uuid NOT NULL,
      pid int NOT NULL, channel text NOT NULL, kind text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  } finally {
    await sql.end();
  }
}

/** One event_ledger row. */
export interface EventLedgerRow {
  id: string;
  group_name: string;
  event_id: string;
  event_name: string;
  task_uuid: string;
  pid: number;
  channel: string;
  kind: string;
}

/** Every event_ledger row in insertion order. */
export async function eventLedger(sql: postgres.Sql): Promise<EventLedgerRow[]> {
  return sql<EventLedgerRow[]>`SELECT id::text, group_name, event_id, event_name, task_uuid, pid, channel, kind FROM public.event_ledger ORDER BY id`;
}
