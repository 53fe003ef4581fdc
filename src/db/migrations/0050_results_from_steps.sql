-- Step results are picked up by the orchestrator from the step rows themselves (issue 16): a worker's
-- completion moves its step to enqueued(_as_error)_for_orchestration and no longer writes a message to
-- `orchestration_step_results`. This partial index holds exactly the steps waiting for result processing,
-- oldest first, so taking a batch is an index walk and a result can never be lost with its message.
-- (The results queue itself stays: messages other producers send there are still consumed, as hints.)
CREATE INDEX workflow_steps_results_idx ON workflow_steps (updated_at)
  WHERE state IN ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration');
