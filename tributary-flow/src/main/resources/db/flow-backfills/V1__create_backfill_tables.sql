-- Backfills and the runs they created.
-- baseline-when: flow_backfills
-- baseline-when: flow_backfill_runs
CREATE TABLE IF NOT EXISTS flow_backfills (id VARCHAR(64) NOT NULL PRIMARY KEY,
  flow VARCHAR(255) NOT NULL, from_text VARCHAR(255) NOT NULL,
  to_text VARCHAR(255) NOT NULL, state VARCHAR(32) NOT NULL,
  created_ms BIGINT NOT NULL, runs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS flow_backfill_runs (backfill_id VARCHAR(64) NOT NULL,
  run_id VARCHAR(64) NOT NULL, logical_ms BIGINT NOT NULL,
  PRIMARY KEY (backfill_id, run_id));
CREATE INDEX IF NOT EXISTS flow_backfills_flow ON flow_backfills (flow, created_ms);
