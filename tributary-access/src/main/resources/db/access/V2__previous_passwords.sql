-- A user's previous password stays valid during a rotation's grace period.
-- baseline-when: access_users.previous_argon2
-- baseline-when: access_users.previous_scram
ALTER TABLE access_users ADD COLUMN previous_argon2 VARCHAR(255);
ALTER TABLE access_users ADD COLUMN previous_scram VARCHAR(255);
