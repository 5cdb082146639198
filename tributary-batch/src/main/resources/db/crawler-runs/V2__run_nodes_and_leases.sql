-- Several nodes share the metadata database: a run records the node running it, and a crawler's
-- run is claimed by inserting its lease row (one per crawler, renewed while it runs), which only
-- one node wins.
-- baseline-when: tributary_crawler_runs.node
-- baseline-when: tributary_crawler_leases
ALTER TABLE tributary_crawler_runs ADD COLUMN node VARCHAR(200);
CREATE TABLE tributary_crawler_leases (crawler VARCHAR(255) NOT NULL PRIMARY KEY,
  run_id VARCHAR(64) NOT NULL, node VARCHAR(200) NOT NULL, expires BIGINT NOT NULL);
