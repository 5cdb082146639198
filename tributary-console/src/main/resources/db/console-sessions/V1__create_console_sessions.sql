-- The browser console's login sessions, shared by the nodes of one platform: the SHA-256 of the
-- session id (never the id), its user, a stamp of the user's password when it logged in (a changed
-- password ends the session), when it began and was last used (epoch milliseconds).
CREATE TABLE IF NOT EXISTS console_sessions (id_hash VARCHAR(64) NOT NULL PRIMARY KEY,
  user_name VARCHAR(300) NOT NULL, credential VARCHAR(64) NOT NULL, created_ms BIGINT NOT NULL,
  last_used_ms BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS console_sessions_by_user ON console_sessions (user_name, created_ms);
CREATE INDEX IF NOT EXISTS console_sessions_by_use ON console_sessions (last_used_ms);
