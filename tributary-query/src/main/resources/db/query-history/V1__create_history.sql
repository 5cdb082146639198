-- The SQL workbench's query history: one row per statement a user ran, newest kept.
-- baseline-when: query_history
CREATE TABLE IF NOT EXISTS query_history (id VARCHAR(36) PRIMARY KEY,
  user_name VARCHAR(200) NOT NULL, sql_text TEXT NOT NULL, started_at BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL, row_count BIGINT, error TEXT);
CREATE INDEX IF NOT EXISTS query_history_user ON query_history (user_name, started_at);
