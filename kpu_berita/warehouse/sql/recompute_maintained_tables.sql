-- Derive every table the merges maintain row by row from articles and view_snapshots
-- alone, and mark every article for the mart refresh: once after an upgrade from a
-- release that rebuilt everything each night (migration 004), and in tests that build a
-- warehouse by hand.
DELETE FROM article_crawl_views;
INSERT INTO article_crawl_views
SELECT article_key, satker_id, crawl_id, seen_at, (seen_at AT TIME ZONE 'Asia/Jakarta')::DATE, views,
       greatest(views - coalesce(lag(views) OVER w, 0), 0), lag(views) OVER w IS NULL
FROM (SELECT article_key, any_value(satker_id) AS satker_id, crawl_id, max(seen_at) AS seen_at, max(views) AS views
      FROM view_snapshots GROUP BY article_key, crawl_id)
WINDOW w AS (PARTITION BY article_key ORDER BY seen_at);

DELETE FROM article_latest_views;
INSERT INTO article_latest_views
SELECT article_key, arg_max(views, seen_at), max(seen_at) FROM article_crawl_views GROUP BY article_key;

DELETE FROM report_articles;
DELETE FROM mart_period_satker_category;
DELETE FROM _dirty_groups;
INSERT OR IGNORE INTO _dirty_articles SELECT article_key FROM articles;
DELETE FROM _recompute_pending;
