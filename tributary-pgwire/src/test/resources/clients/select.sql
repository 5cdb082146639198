\set id random(0, 199999)
SELECT n, label FROM raw.big WHERE n = :id;
