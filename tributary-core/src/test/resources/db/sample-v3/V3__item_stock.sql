-- every item has a stock
ALTER TABLE items ADD COLUMN stock BIGINT NOT NULL DEFAULT 0;
