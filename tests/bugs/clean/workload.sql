-- workload.sql - a deterministic sqlite3 run for the zero-false-reports test.
CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, grp INTEGER, payload BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO item SELECT i, printf('item-%06d-%s', i, substr('abcdefghijklmnopqrstuvwxyz', 1 + i % 26)),
       i % 97, zeroblob(1 + (i * 37) % 3000) FROM n;
CREATE INDEX item_grp ON item(grp, name);
SELECT count(*), sum(length(payload)), max(name) FROM item;
SELECT grp, count(*), min(name), max(name) FROM item GROUP BY grp ORDER BY grp LIMIT 10;
UPDATE item SET name = name || '-updated' WHERE id % 3 = 0;
DELETE FROM item WHERE id % 5 = 0;
SELECT count(*), sum(length(name)) FROM item;
SELECT a.grp, count(*) FROM item a JOIN item b ON a.grp = b.grp AND b.id = a.id + 97
GROUP BY a.grp ORDER BY 2 DESC, 1 LIMIT 5;
SELECT group_concat(name, ',') IS NOT NULL, length(group_concat(name, ',')) FROM item WHERE grp < 20;
VACUUM;
SELECT count(*) FROM item;
