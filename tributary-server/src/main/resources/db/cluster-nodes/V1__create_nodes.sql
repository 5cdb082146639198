-- The nodes of the platform and their heartbeats.
-- baseline-when: tributary_nodes
CREATE TABLE IF NOT EXISTS tributary_nodes (id VARCHAR(200) PRIMARY KEY,
  http_address VARCHAR(500) NOT NULL, started_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL, owns TEXT NOT NULL);
