-- pgmq-compatible messaging (DESIGN §7), implemented in plain SQL so it runs on any PostgreSQL 15+
-- and on PGlite. One table holds every queue's messages; `vt` is the visibility timeout.

CREATE TABLE queues (
  queue_name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  total_sent bigint NOT NULL DEFAULT 0
);

CREATE TABLE queue_messages (
  msg_id      bigserial PRIMARY KEY,
  queue_name  text NOT NULL,
  read_ct     int NOT NULL DEFAULT 0,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  vt          timestamptz NOT NULL DEFAULT now(),
  message     jsonb NOT NULL
);
CREATE INDEX queue_messages_visible_idx ON queue_messages (queue_name, vt, msg_id);

CREATE TABLE queue_archive (
  msg_id      bigint PRIMARY KEY,
  queue_name  text NOT NULL,
  read_ct     int NOT NULL,
  enqueued_at timestamptz NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  vt          timestamptz NOT NULL,
  message     jsonb NOT NULL
);
CREATE INDEX queue_archive_queue_idx ON queue_archive (queue_name, archived_at);
