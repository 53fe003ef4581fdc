-- Scheduling (issue 17): delayed tasks and cron schedules.

-- A delayed task waits in `pending`, with no step enqueued, until run_at; the orchestrators start it then
-- (src/scheduling/delayed-starter.ts). NULL for tasks that started at creation.
ALTER TABLE tasks ADD COLUMN run_at timestamptz;
CREATE INDEX tasks_run_at_idx ON tasks (run_at) WHERE state = 'pending' AND run_at IS NOT NULL;

-- One row per cron schedule (from templates' `schedules` and config `[[schedules]]`), upserted by every
-- process at start. last_tick_at is the latest tick a task was created for: the row lock plus that column
-- make exactly one task per tick across processes; the task's idempotency key (schedule + tick) backs it up.
CREATE TABLE schedules (
  schedule_name text PRIMARY KEY,
  namespace     text NOT NULL,
  task_name     text NOT NULL,
  version       text,
  cron          text NOT NULL,
  timezone      text,
  input         jsonb NOT NULL DEFAULT '{}'::jsonb,
  backfill      int NOT NULL DEFAULT 0,
  source        text NOT NULL,
  paused        boolean NOT NULL DEFAULT false,
  last_tick_at  timestamptz,
  last_task_uuid uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Concurrency limits (template `concurrency`): one row per task and limit key it is subject to, written with
-- the task. A limited task waits in `pending` until, for each of its keys, fewer than max_running tasks hold
-- a slot; admission takes an advisory lock per key so processes never over-admit. Rows of finished tasks are
-- deleted (src/scheduling/concurrency.ts).
CREATE TABLE concurrency_holds (
  task_uuid   uuid NOT NULL,
  limit_key   text NOT NULL,
  max_running int NOT NULL,
  holding     boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_uuid, limit_key)
);
CREATE INDEX concurrency_holds_key_idx ON concurrency_holds (limit_key) WHERE holding;

-- Rate limits (template or step `rate_limit`): one row per bucket (`template:<ns>/<name>` or
-- `handler:<callable>`). `tat` is the GCRA theoretical arrival time: each start reserves the next slot
-- (tat = greatest(tat, now) + 1/rate) and waits until its slot, so processes share one limit with one statement.
CREATE TABLE rate_limits (
  bucket     text PRIMARY KEY,
  tat        timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- while a claimed step waits for its rate-limit slot: until when (visible in the step's API view)
ALTER TABLE workflow_steps ADD COLUMN rate_limited_until timestamptz;
