-- baseline-when: items.price
ALTER TABLE items ADD COLUMN price BIGINT;
