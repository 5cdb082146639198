-- The crawlers' runs and their reports.
-- baseline-when: tributary_crawler_runs
CREATE TABLE IF NOT EXISTS tributary_crawler_runs (id VARCHAR(64) NOT NULL PRIMARY KEY,
  crawler VARCHAR(255) NOT NULL, started BIGINT NOT NULL, status VARCHAR(32) NOT NULL,
  report VARCHAR(10000000) NOT NULL);
