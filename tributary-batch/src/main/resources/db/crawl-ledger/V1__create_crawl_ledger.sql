-- The files each crawled table took in, and their data files.
-- baseline-when: tributary_crawl_ledger
CREATE TABLE IF NOT EXISTS tributary_crawl_ledger (table_name VARCHAR(255) NOT NULL,
  path VARCHAR(4000) NOT NULL, crawler VARCHAR(255) NOT NULL, size BIGINT NOT NULL,
  modified BIGINT NOT NULL, data_files VARCHAR(1000000) NOT NULL, removed INTEGER NOT NULL,
  PRIMARY KEY (table_name, path));
