-- Users, groups, roles, grants, tokens and the change counter, as the first versions made them.
-- baseline-when: access_users
-- baseline-when: access_groups
-- baseline-when: access_group_members
-- baseline-when: access_roles
-- baseline-when: access_role_members
-- baseline-when: access_grants
-- baseline-when: access_tokens
-- baseline-when: access_version
CREATE TABLE IF NOT EXISTS access_users (name VARCHAR(63) NOT NULL PRIMARY KEY,
  kind VARCHAR(16) NOT NULL, argon2 VARCHAR(255), scram VARCHAR(255), expires_ms BIGINT);
CREATE TABLE IF NOT EXISTS access_groups (name VARCHAR(63) NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS access_group_members (group_name VARCHAR(63) NOT NULL,
  user_name VARCHAR(63) NOT NULL, PRIMARY KEY (group_name, user_name));
CREATE TABLE IF NOT EXISTS access_roles (name VARCHAR(63) NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS access_role_members (role_name VARCHAR(63) NOT NULL,
  principal VARCHAR(80) NOT NULL, PRIMARY KEY (role_name, principal));
CREATE TABLE IF NOT EXISTS access_grants (principal VARCHAR(80) NOT NULL,
  privilege VARCHAR(16) NOT NULL, resource VARCHAR(300) NOT NULL,
  PRIMARY KEY (principal, privilege, resource));
CREATE TABLE IF NOT EXISTS access_tokens (id VARCHAR(64) NOT NULL PRIMARY KEY,
  secret_hash VARCHAR(64) NOT NULL UNIQUE, user_name VARCHAR(63) NOT NULL,
  scopes VARCHAR(1000) NOT NULL, created_ms BIGINT NOT NULL, expires_ms BIGINT,
  revoked_ms BIGINT);
CREATE TABLE IF NOT EXISTS access_version (id INTEGER NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL);
INSERT INTO access_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
