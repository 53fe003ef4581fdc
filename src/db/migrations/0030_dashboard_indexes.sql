-- Indexes for the dashboard (/ui): its task listing is newest first with keyset pagination, optionally
-- by state or correlation id, and its overview reads the last hour of step transitions. Each query is
-- driven by an index so the pages stay fast with 100,000+ tasks (tests/integration/web-query-plans.test.ts).

-- newest first, unfiltered or by creation time; the uuid breaks ties for the keyset (created_at, task_uuid)
CREATE INDEX tasks_created_idx ON tasks (created_at DESC, task_uuid DESC);
-- newest first within one state (finished states included, unlike tasks_active_idx)
CREATE INDEX tasks_state_created_idx ON tasks (state, created_at DESC, task_uuid DESC);
-- a task by its correlation id
CREATE INDEX tasks_correlation_idx ON tasks (correlation_id);
-- transitions are appended in time order, so a BRIN range index finds the last hour for a few pages of
-- index at almost no cost per insert
CREATE INDEX workflow_step_transitions_created_brin ON workflow_step_transitions USING brin (created_at);
