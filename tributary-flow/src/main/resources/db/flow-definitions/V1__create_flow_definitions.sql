-- The version of the flow definitions, counted up on every change.
-- baseline-when: flow_definitions
CREATE TABLE IF NOT EXISTS flow_definitions (id INTEGER NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL);
INSERT INTO flow_definitions (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING;
