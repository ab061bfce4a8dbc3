-- The satker report reads one satker's quarter from report_articles; with its topics and
-- review flag here it needs no join with article_categories (a probe of every article at
-- 1M). Rows are rewritten in satker order by the next refresh, so DuckDB's zone maps skip
-- the other satker's row groups (docs/PERFORMANCE.md).
ALTER TABLE report_articles ADD COLUMN topics VARCHAR[];
ALTER TABLE report_articles ADD COLUMN needs_review BOOLEAN;
INSERT INTO _recompute_pending VALUES (true);
