-- baseline-when: items.price
ALTER TABLE items ADD COLUMN price NUMERIC(18);
