// SQL of durable delivery (issue 15): subscriber groups, claiming deliveries (FOR UPDATE SKIP LOCKED +
// lease), acknowledging, failing with backoff / dead-lettering, lease extension and retention.
import type { Db, Queryable } from '../db/types.ts';
import type { DomainEventRecord } from './types.ts';

/** A claimed delivery of one event to one subscriber group. */
export interface ClaimedDelivery {
  group_name: string;
  event_seq: string;
  claim_token: string;
  /** Delivery attempts so far, this one included. */
  attempts: number;
  event: DomainEventRecord;
}

/** Registers (or refreshes) subscriber groups; patterns are merged with those other processes registered. */
export async function registerGroups(q: Queryable, groups: ReadonlyArray<{ group: string; likePatterns: string[] }>): Promise<void> {
  if (groups.length === 0) return;
  await q.query(
    `INSERT INTO domain_event_subscriber_groups (group_name, patterns)
     SELECT g, ARRAY(SELECT jsonb_array_elements_text(p)) FROM unnest($1::text[], $2::jsonb[]) AS x(g, p)
     ON CONFLICT (group_name) DO UPDATE SET last_seen_at = now(),
       patterns = ARRAY(SELECT DISTINCT unnest(domain_event_subscriber_groups.patterns || EXCLUDED.patterns) ORDER BY 1)`,
    [groups.map((g) => g.group), groups.map((g) => JSON.stringify(g.likePatterns))],
  );
}

// A delivery is claimable when it is pending and due, or its claimer's lease lapsed — and it is the oldest
// open delivery of its task in its group, so each group sees a task's events in order. SKIP LOCKED lets
// several processes of one group claim side by side; each row goes to one of them.
const CLAIM_SQL = `
  WITH c AS (
    SELECT d.group_name, d.event_seq FROM domain_event_deliveries d
    WHERE d.group_name = ANY($1::text[]) AND d.state IN ('pending', 'delivering')
      AND ((d.state = 'pending' AND d.available_at <= now()) OR (d.state = 'delivering' AND d.lease_expires_at < now()))
      AND NOT EXISTS (
        SELECT 1 FROM domain_event_deliveries p
        WHERE p.group_name = d.group_name AND p.task_uuid = d.task_uuid AND p.event_seq < d.event_seq
          AND p.state IN ('pending', 'delivering'))
    ORDER BY d.event_seq LIMIT $2
    FOR UPDATE OF d SKIP LOCKED
  ), upd AS (
    UPDATE domain_event_deliveries d SET state = 'delivering', attempts = d.attempts + 1, claim_token = gen_random_uuid(),
      claimed_by = $3, lease_expires_at = now() + make_interval(secs => $4)
    FROM c WHERE d.group_name = c.group_name AND d.event_seq = c.event_seq
    RETURNING d.group_name, d.event_seq, d.claim_token, d.attempts
  )
  SELECT upd.group_name, upd.event_seq::text AS event_seq, upd.claim_token, upd.attempts, to_jsonb(e) AS event
  FROM upd JOIN domain_events e ON e.event_seq = upd.event_seq ORDER BY upd.event_seq`;

/** Claims up to `limit` deliveries for `groups`. */
export async function claimDeliveries(q: Queryable, groups: readonly string[], limit: number, workerId: string, leaseSeconds: number): Promise<ClaimedDelivery[]> {
  if (groups.length === 0) return [];
  const rows = await q.query<ClaimedDelivery>(CLAIM_SQL, [groups, limit, workerId, leaseSeconds]);
  for (const r of rows) r.event.event_seq = String(r.event.event_seq);
  return rows;
}

/** A finished delivery: `error` null = handled, else the failure to record. */
export interface DeliveryOutcome {
  group_name: string;
  event_seq: string;
  claim_token: string;
  error: string | null;
  /** With an error: when to try again (ms from now); null = dead-letter now. */
  retryInMs: number | null;
}

/** Records outcomes (fenced on the claim token); returns the states they ended in, by `group/seq`. */
export async function finishDeliveries(q: Queryable, outcomes: readonly DeliveryOutcome[]): Promise<Map<string, string>> {
  if (outcomes.length === 0) return new Map();
  const rows = await q.query<{ group_name: string; event_seq: string; state: string }>(
    `UPDATE domain_event_deliveries d SET
       state = CASE WHEN i.error IS NULL THEN 'delivered' WHEN i.retry_ms IS NULL THEN 'dead' ELSE 'pending' END,
       delivered_at = CASE WHEN i.error IS NULL THEN now() END,
       available_at = CASE WHEN i.retry_ms IS NULL THEN d.available_at ELSE now() + make_interval(secs => i.retry_ms / 1000.0) END,
       last_error = i.error, claim_token = NULL, lease_expires_at = NULL
     FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::int[]) AS i(group_name, event_seq, claim_token, error, retry_ms)
     WHERE d.group_name = i.group_name AND d.event_seq = i.event_seq AND d.claim_token = i.claim_token
     RETURNING d.group_name, d.event_seq::text AS event_seq, d.state`,
    [
      outcomes.map((o) => o.group_name), outcomes.map((o) => o.event_seq), outcomes.map((o) => o.claim_token),
      outcomes.map((o) => o.error), outcomes.map((o) => (o.error === null ? null : o.retryInMs === null ? null : Math.round(o.retryInMs))),
    ],
  );
  return new Map(rows.map((r) => [`${r.group_name}/${r.event_seq}`, r.state]));
}

/** Extends the leases of deliveries still being handled; returns how many are still ours. */
export async function extendDeliveryLeases(q: Queryable, claims: ReadonlyArray<{ group_name: string; event_seq: string; claim_token: string }>, leaseSeconds: number): Promise<number> {
  if (claims.length === 0) return 0;
  const rows = await q.query(
    `UPDATE domain_event_deliveries d SET lease_expires_at = now() + make_interval(secs => $4)
     FROM unnest($1::text[], $2::bigint[], $3::uuid[]) AS i(group_name, event_seq, claim_token)
     WHERE d.group_name = i.group_name AND d.event_seq = i.event_seq AND d.claim_token = i.claim_token AND d.state = 'delivering'
     RETURNING 1`,
    [claims.map((c) => c.group_name), claims.map((c) => c.event_seq), claims.map((c) => c.claim_token), leaseSeconds],
  );
  return rows.length;
}

/**
 * Deletes events older than the retention (their deliveries go with them), in chunks; one process at a
 * time (advisory lock), the others skip. Returns how many events were deleted.
 */
export async function purgeEvents(db: Db, retentionHours: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('tasker_events_retention:' || current_schema())) AS ok`);
    if (!lock?.ok) return 0;
    let total = 0;
    for (;;) {
      const rows = await tx.query(
        `DELETE FROM domain_events WHERE event_seq IN (
           SELECT event_seq FROM domain_events WHERE fired_at < now() - make_interval(hours => $1) ORDER BY event_seq LIMIT 5000)
         RETURNING 1`,
        [retentionHours],
      );
      total += rows.length;
      if (rows.length < 5000) return total;
    }
  });
}
