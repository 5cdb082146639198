-- baseline-when: items
CREATE TABLE IF NOT EXISTS items (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(64) NOT NULL);
INSERT INTO items (id, name) VALUES (1, 'first');
