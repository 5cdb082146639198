-- A registry's specs by name (one table per registry: ${table}).
-- baseline-when: ${table}
CREATE TABLE IF NOT EXISTS ${table} (name VARCHAR(255) NOT NULL PRIMARY KEY,
  spec VARCHAR(65535) NOT NULL, updated_at BIGINT NOT NULL);
