-- Each task runs in a pool of slots.
-- baseline-when: flow_runs
-- baseline-when: flow_task_runs.pool
-- baseline-when: flow_pools
-- baseline-when: flow_task_logs
ALTER TABLE flow_task_runs ADD COLUMN pool VARCHAR(255) NOT NULL DEFAULT 'default';
