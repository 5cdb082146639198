-- Secrets, their sealed versions and the master key's check value.
-- baseline-when: secrets
-- baseline-when: secret_versions
-- baseline-when: secret_master_check
CREATE TABLE IF NOT EXISTS secrets (name VARCHAR(255) NOT NULL PRIMARY KEY,
  created_ms BIGINT NOT NULL, last_version BIGINT NOT NULL,
  rotate_every_ms BIGINT, retry_after_ms BIGINT, rotator VARCHAR(255),
  next_rotation_ms BIGINT, last_rotation_ms BIGINT, last_outcome VARCHAR(16),
  last_detail VARCHAR(2000));
CREATE TABLE IF NOT EXISTS secret_versions (name VARCHAR(255) NOT NULL,
  version BIGINT NOT NULL, stage VARCHAR(16) NOT NULL,
  created_ms BIGINT NOT NULL, wrapped_key VARCHAR(200) NOT NULL,
  sealed_value VARCHAR(100000) NOT NULL, PRIMARY KEY (name, version));
CREATE TABLE IF NOT EXISTS secret_master_check (id INTEGER NOT NULL PRIMARY KEY,
  wrapped_key VARCHAR(200) NOT NULL, sealed_value VARCHAR(200) NOT NULL);
