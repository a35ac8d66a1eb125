#!/bin/bash
# sqlite3: create, insert 100k rows, index, query, aggregate, update, vacuum.
set -eu
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 77; }
sqlite3 -batch test.db <<'SQL'
PRAGMA journal_mode=DELETE;
CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO t SELECT i, i % 97, 'name-' || i || '-' || substr('abcdefghij', 1 + i % 10), i * 0.5 FROM n;
CREATE INDEX t_grp ON t(grp, name);
SELECT count(*), sum(val), min(name), max(name) FROM t;
SELECT grp, count(*), round(avg(val), 3), length(group_concat(name, ',')) FROM t
  GROUP BY grp ORDER BY grp LIMIT 12;
CREATE TABLE g AS SELECT grp, sum(val) AS s FROM t GROUP BY grp;
SELECT count(*), round(sum(g.s), 1) FROM t JOIN g USING (grp) WHERE t.id % 1000 = 0;
UPDATE t SET name = upper(name) || replace(name, '-', '_') WHERE id % 3 = 0;
DELETE FROM t WHERE id % 5 = 0;
SELECT count(*), sum(length(name)) FROM t;
SELECT name FROM t WHERE grp = 42 ORDER BY name DESC LIMIT 5;
VACUUM;
PRAGMA integrity_check;
SQL
