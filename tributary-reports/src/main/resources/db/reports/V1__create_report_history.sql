-- The history of report runs and of their deliveries, one row per target.
-- baseline-when: report_runs, report_deliveries
CREATE TABLE IF NOT EXISTS report_runs (run_id VARCHAR(64) NOT NULL PRIMARY KEY,
  report VARCHAR(100) NOT NULL, ds VARCHAR(10) NOT NULL, started_ms BIGINT NOT NULL,
  finished_ms BIGINT NOT NULL, outcome VARCHAR(20) NOT NULL, error VARCHAR(10000),
  started_by VARCHAR(300) NOT NULL);
CREATE INDEX IF NOT EXISTS report_runs_by_report ON report_runs (report, started_ms);
CREATE TABLE IF NOT EXISTS report_deliveries (run_id VARCHAR(64) NOT NULL,
  position INTEGER NOT NULL, target VARCHAR(2000) NOT NULL, outcome VARCHAR(20) NOT NULL,
  attempts INTEGER NOT NULL, error VARCHAR(10000), file_path VARCHAR(4000),
  PRIMARY KEY (run_id, position));
