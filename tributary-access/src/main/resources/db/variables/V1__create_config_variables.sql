-- The configuration variables.
-- baseline-when: config_variables
CREATE TABLE IF NOT EXISTS config_variables (var_key VARCHAR(255) NOT NULL PRIMARY KEY,
  var_value VARCHAR(1000000) NOT NULL, updated_ms BIGINT NOT NULL);
