-- article_crawl_views keeps a crawl's row for an article only where the count changed since
-- the article's previous crawl (and its first crawl). The rows dropped added no gain and no
-- views-at-period-end answer the row before them did not give; at 1M articles and 20M
-- snapshots the table held 19M rows. Warehouses built before are derived again once, by
-- the next build (sql/recompute_maintained_tables.sql).
INSERT INTO _recompute_pending SELECT true WHERE NOT EXISTS (SELECT 1 FROM _recompute_pending);
