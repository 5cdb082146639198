-- A try claimed by the scheduler's pick of its execution records that execution's row version.
-- baseline-when: flow_task_runs.claim_version
ALTER TABLE flow_task_runs ADD COLUMN claim_version BIGINT;
