-- Flow runs, their task runs, the pools and the tasks' logs.
-- baseline-when: flow_runs
-- baseline-when: flow_task_runs
-- baseline-when: flow_pools
-- baseline-when: flow_task_logs
CREATE TABLE IF NOT EXISTS flow_runs (flow VARCHAR(255) NOT NULL,
  run_id VARCHAR(64) NOT NULL, logical_date VARCHAR(64) NOT NULL,
  logical_ms BIGINT NOT NULL, interval_start_ms BIGINT NOT NULL,
  interval_end_ms BIGINT NOT NULL, state VARCHAR(32) NOT NULL,
  run_type VARCHAR(32) NOT NULL, created_ms BIGINT NOT NULL, started_ms BIGINT,
  ended_ms BIGINT, spec VARCHAR(1000000) NOT NULL, PRIMARY KEY (flow, run_id),
  UNIQUE (flow, logical_date));
CREATE TABLE IF NOT EXISTS flow_task_runs (flow VARCHAR(255) NOT NULL,
  run_id VARCHAR(64) NOT NULL, task_id VARCHAR(255) NOT NULL,
  state VARCHAR(32) NOT NULL, tries INTEGER NOT NULL, next_try_ms BIGINT,
  started_ms BIGINT, ended_ms BIGINT, error VARCHAR(10000),
  PRIMARY KEY (flow, run_id, task_id));
CREATE TABLE IF NOT EXISTS flow_pools (name VARCHAR(255) NOT NULL PRIMARY KEY,
  slots INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS flow_task_logs (flow VARCHAR(255) NOT NULL,
  run_id VARCHAR(64) NOT NULL, task_id VARCHAR(255) NOT NULL, try INTEGER NOT NULL,
  log VARCHAR(1000000) NOT NULL, PRIMARY KEY (flow, run_id, task_id, try));
