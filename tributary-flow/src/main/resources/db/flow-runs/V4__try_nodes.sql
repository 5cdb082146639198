-- Several nodes share the metadata database: a task try records the node running it.
-- baseline-when: flow_task_runs.node
ALTER TABLE flow_task_runs ADD COLUMN node VARCHAR(200);
