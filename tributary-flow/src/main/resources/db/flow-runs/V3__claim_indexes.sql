-- A claim counts the running tries of its pool; admission lists runs by state.
-- (Idempotent: databases from before the migrations may have these indexes already.)
CREATE INDEX IF NOT EXISTS flow_task_runs_pool_state ON flow_task_runs (pool, state);
CREATE INDEX IF NOT EXISTS flow_runs_state ON flow_runs (state);
