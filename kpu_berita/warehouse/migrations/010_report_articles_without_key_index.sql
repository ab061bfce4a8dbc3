-- report_articles without its primary key. The refresh deletes a batch's rows before it
-- writes them again, in one transaction, so the key index only cost its upkeep: about 1 s of
-- each night's commit at 1M articles. The blocking check marts_match_articles counts distinct
-- keys instead (dagster_project/checks.py). Rows keep their satker order.
CREATE TABLE report_articles_unkeyed AS SELECT * FROM report_articles;
DROP TABLE report_articles;
ALTER TABLE report_articles_unkeyed RENAME TO report_articles;
