-- Domain events (issue 15). `domain_events` is an outbox: durable events are inserted in the transaction
-- that records the step result they come from, so a crash can neither lose the event of a committed result
-- nor keep one of a rejected result. Each event gets one `domain_event_deliveries` row per subscriber group
-- registered when it is written; subscriber processes claim those rows (FOR UPDATE SKIP LOCKED + lease).

CREATE TABLE domain_events (
  event_seq        bigserial PRIMARY KEY,
  event_id         uuid NOT NULL UNIQUE,
  event_name       text NOT NULL,
  event_version    text NOT NULL,
  delivery_mode    text NOT NULL CHECK (delivery_mode IN ('durable', 'broadcast')),
  task_uuid        uuid NOT NULL,
  step_uuid        uuid NOT NULL,
  step_name        text NOT NULL,
  namespace        text NOT NULL,
  correlation_id   uuid NOT NULL,
  attempt          int NOT NULL,
  publisher        text NOT NULL,
  payload          jsonb NOT NULL,
  metadata         jsonb NOT NULL,
  execution_result jsonb NOT NULL,
  fired_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX domain_events_task_idx ON domain_events (task_uuid, event_seq);
CREATE INDEX domain_events_name_idx ON domain_events (event_name, event_seq);
CREATE INDEX domain_events_fired_idx ON domain_events (fired_at);

-- A subscriber group: every process hosting a subscriber of the group shares its deliveries. `patterns` are
-- SQL LIKE patterns (a subscriber's `*` becomes `%`).
CREATE TABLE domain_event_subscriber_groups (
  group_name    text PRIMARY KEY,
  patterns      text[] NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);

-- state: pending → delivering (claimed, leased) → delivered | pending again (failed; retried after
-- available_at) | dead (out of attempts). An expired lease makes a delivering row claimable again.
CREATE TABLE domain_event_deliveries (
  group_name       text NOT NULL,
  event_seq        bigint NOT NULL REFERENCES domain_events (event_seq) ON DELETE CASCADE,
  task_uuid        uuid NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivering', 'delivered', 'dead')),
  attempts         int NOT NULL DEFAULT 0,
  available_at     timestamptz NOT NULL DEFAULT now(),
  lease_expires_at timestamptz,
  claim_token      uuid,
  claimed_by       text,
  last_error       text,
  delivered_at     timestamptz,
  PRIMARY KEY (group_name, event_seq)
);
-- open deliveries per group and task in event order: the claim's "is it the head of its task?" probe
CREATE INDEX domain_event_deliveries_open_idx ON domain_event_deliveries (group_name, task_uuid, event_seq)
  WHERE state IN ('pending', 'delivering');
CREATE INDEX domain_event_deliveries_event_idx ON domain_event_deliveries (event_seq);

-- The documented read model for other languages and tools: every stored event with its delivery state per
-- subscriber group ({"audit": "delivered", ...}).
CREATE VIEW domain_event_log AS
  SELECT e.event_seq, e.event_id, e.event_name, e.event_version, e.delivery_mode, e.task_uuid, e.step_uuid,
    e.step_name, e.namespace, e.correlation_id, e.attempt, e.publisher, e.payload, e.metadata,
    e.execution_result, e.fired_at,
    coalesce((SELECT jsonb_object_agg(d.group_name, d.state) FROM domain_event_deliveries d WHERE d.event_seq = e.event_seq),
      '{}'::jsonb) AS deliveries
  FROM domain_events e;
