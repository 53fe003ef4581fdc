-- The orchestration data model (DESIGN §6.1). Runs with search_path set to tasker's schema.

-- Time-ordered v7 UUIDs on PostgreSQL 15 (no built-in uuidv7 there): 48 bits of unix milliseconds
-- over a random v4 UUID, with the version nibble switched from 4 to 7.
CREATE OR REPLACE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
        FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

CREATE TABLE task_namespaces (
  name        text PRIMARY KEY,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE named_tasks (
  named_task_id serial PRIMARY KEY,
  namespace     text NOT NULL REFERENCES task_namespaces (name),
  name          text NOT NULL,
  version       text NOT NULL,
  description   text,
  template      jsonb NOT NULL,
  template_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (namespace, name, version)
);

CREATE TABLE named_steps (
  named_step_id serial PRIMARY KEY,
  named_task_id int NOT NULL REFERENCES named_tasks ON DELETE CASCADE,
  name          text NOT NULL,
  step_type     text NOT NULL,
  callable      text NOT NULL,
  UNIQUE (named_task_id, name)
);

CREATE TABLE tasks (
  task_uuid             uuid PRIMARY KEY,
  named_task_id         int NOT NULL REFERENCES named_tasks,
  namespace             text NOT NULL,
  name                  text NOT NULL,
  version               text NOT NULL,
  state                 text NOT NULL DEFAULT 'pending',
  context               jsonb NOT NULL DEFAULT '{}',
  initiator             text,
  source_system         text,
  reason                text,
  tags                  jsonb NOT NULL DEFAULT '[]',
  priority              int NOT NULL DEFAULT 0,
  correlation_id        uuid NOT NULL,
  parent_correlation_id uuid,
  identity_hash         text NOT NULL UNIQUE,
  requested_at          timestamptz NOT NULL DEFAULT now(),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  completed_at          timestamptz,
  -- when the sweep should look at this task again (elapsed backoff, missed wake-up)
  next_sweep_at         timestamptz
);
CREATE INDEX tasks_active_idx ON tasks (state, updated_at)
  WHERE state NOT IN ('complete', 'error', 'cancelled', 'resolved_manually');
CREATE INDEX tasks_sweep_idx ON tasks (next_sweep_at) WHERE next_sweep_at IS NOT NULL;
CREATE INDEX tasks_namespace_idx ON tasks (namespace, created_at DESC);

CREATE TABLE workflow_steps (
  step_uuid               uuid PRIMARY KEY,
  task_uuid               uuid NOT NULL REFERENCES tasks ON DELETE CASCADE,
  name                    text NOT NULL,
  template_step_name      text NOT NULL,
  state                   text NOT NULL DEFAULT 'pending',
  retryable               boolean NOT NULL DEFAULT true,
  max_attempts            int NOT NULL DEFAULT 3,
  attempts                int NOT NULL DEFAULT 0,
  in_process              boolean NOT NULL DEFAULT false,
  processed               boolean NOT NULL DEFAULT false,
  inputs                  jsonb,
  results                 jsonb,
  checkpoint              jsonb,
  backoff_request_seconds double precision,
  last_attempted_at       timestamptz,
  next_attempt_at         timestamptz,
  claimed_by              text,
  claim_token             uuid,
  lease_expires_at        timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (task_uuid, name)
);
CREATE INDEX workflow_steps_lease_idx ON workflow_steps (lease_expires_at) WHERE state = 'in_progress';

CREATE TABLE workflow_step_edges (
  task_uuid      uuid NOT NULL REFERENCES tasks ON DELETE CASCADE,
  from_step_uuid uuid NOT NULL REFERENCES workflow_steps ON DELETE CASCADE,
  to_step_uuid   uuid NOT NULL REFERENCES workflow_steps ON DELETE CASCADE,
  name           text NOT NULL DEFAULT 'provides',
  PRIMARY KEY (to_step_uuid, from_step_uuid)
);
CREATE INDEX workflow_step_edges_from_idx ON workflow_step_edges (from_step_uuid);

CREATE TABLE task_transitions (
  id         bigserial PRIMARY KEY,
  task_uuid  uuid NOT NULL REFERENCES tasks ON DELETE CASCADE,
  from_state text,
  to_state   text NOT NULL,
  metadata   jsonb,
  sort_key   int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_transitions_task_idx ON task_transitions (task_uuid, id);

CREATE TABLE workflow_step_transitions (
  id         bigserial PRIMARY KEY,
  step_uuid  uuid NOT NULL REFERENCES workflow_steps ON DELETE CASCADE,
  task_uuid  uuid NOT NULL,
  from_state text,
  to_state   text NOT NULL,
  metadata   jsonb,
  sort_key   int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_step_transitions_step_idx ON workflow_step_transitions (step_uuid, id);

CREATE TABLE tasks_dlq (
  dlq_id            uuid PRIMARY KEY DEFAULT uuid_v7(),
  task_uuid         uuid NOT NULL REFERENCES tasks ON DELETE CASCADE,
  reason            text NOT NULL,
  original_state    text NOT NULL,
  snapshot          jsonb NOT NULL,
  resolution_status text NOT NULL DEFAULT 'pending',
  resolution_notes  text,
  resolved_by       text,
  resolved_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tasks_dlq_open_idx ON tasks_dlq (task_uuid) WHERE resolution_status = 'pending';
