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
