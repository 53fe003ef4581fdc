-- Each task records the worker queue its steps are sent to, computed once in TypeScript by
-- `workerQueueName(namespace)` (src/queue/names.ts) at creation, so no statement derives queue names in SQL.
-- Tasks created before this migration get the same name the engine used for them until now.
ALTER TABLE tasks ADD COLUMN worker_queue text;
UPDATE tasks SET worker_queue = 'worker_' || lower(namespace) || '_queue' WHERE worker_queue IS NULL;
ALTER TABLE tasks ALTER COLUMN worker_queue SET NOT NULL;
