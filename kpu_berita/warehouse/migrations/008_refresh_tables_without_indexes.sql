-- report_articles and _dirty_articles without primary keys. DuckDB keeps a key's index in
-- memory and can't spill it: a full rebuild at 1M articles ran out of its 1 GB inserting 1M
-- rows into report_articles next to the other tables' indexes (docs/PERFORMANCE.md). The
-- refresh deletes by key before it inserts, and readers of _dirty_articles take each key
-- once (SEMI JOIN, count(DISTINCT)), so neither table needs the index.
CREATE TABLE report_articles_new AS SELECT * FROM report_articles;
DROP TABLE report_articles;
ALTER TABLE report_articles_new RENAME TO report_articles;
CREATE TABLE _dirty_articles_new AS SELECT DISTINCT article_key FROM _dirty_articles;
DROP TABLE _dirty_articles;
ALTER TABLE _dirty_articles_new RENAME TO _dirty_articles;
