-- Experiments (A/B tests): each one's definition as submitted, and when it was stopped.
CREATE TABLE IF NOT EXISTS experiments (name VARCHAR(100) NOT NULL PRIMARY KEY,
  definition VARCHAR(1000000) NOT NULL, source VARCHAR(1000) NOT NULL, stopped_ms BIGINT,
  updated_ms BIGINT NOT NULL);
