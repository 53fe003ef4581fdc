// Reading stored events from outside a subscriber: `tasker events list|tail` and `GET /v1/events`.
import type { Queryable } from '../db/types.ts';
import { likePattern } from './subscriber.ts';
import type { DomainEventRecord } from './types.ts';

/** Filters of {@link listEvents}. */
export interface EventFilter {
  /** Event-name pattern, `*` wildcards (`order.*`). */
  name?: string;
  taskUuid?: string;
  /** Only events with a larger event_seq (for following). */
  afterSeq?: string | number;
  /** Page size (1–1000, default 50). */
  limit?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Stored events, oldest first: the newest `limit` matching ones, or with `afterSeq` the first `limit` after
 * it. Each carries its delivery state per subscriber group (the `domain_event_log` view).
 */
export async function listEvents(q: Queryable, filter: EventFilter = {}): Promise<DomainEventRecord[]> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 1000);
  if (filter.taskUuid && !UUID.test(filter.taskUuid)) return [];
  const following = filter.afterSeq !== undefined && filter.afterSeq !== null;
  const rows = await q.query<DomainEventRecord>(
    `SELECT event_seq::text AS event_seq, event_id, event_name, event_version, delivery_mode, task_uuid, step_uuid, step_name,
       namespace, correlation_id, attempt, publisher, payload, metadata, execution_result, fired_at, deliveries
     FROM domain_event_log
     WHERE ($1::text IS NULL OR event_name LIKE $1) AND ($2::uuid IS NULL OR task_uuid = $2) AND event_seq > $3
     ORDER BY domain_event_log.event_seq ${following ? 'ASC' : 'DESC'} LIMIT $4`,
    [filter.name ? likePattern(filter.name) : null, filter.taskUuid ?? null, following ? String(filter.afterSeq) : '0', limit],
  );
  return following ? rows : rows.reverse();
}
