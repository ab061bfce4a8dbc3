-- Derive every table the merges maintain row by row from articles and view_snapshots
-- alone, and mark every article for the mart refresh: in every full rebuild
-- (merge.rebuild_from_stage), once after an upgrade from a release that rebuilt everything
-- each night (migration 004), and in tests that build a warehouse by hand.
DELETE FROM article_crawl_views;
-- Done in four quarters of the articles (by a hash of the key, so an article's rows are all
-- in one): at 1M articles the window's sort over all 19M article-crawl rows spills at a full
-- rebuild's memory limit, and a quarter's does not (21 -> 13 s, docs/PERFORMANCE.md).
-- Only the crawls where an article's count changed are kept (and its first): a crawl that
-- saw the same count adds no gain and no answer "views at the end of a period" that the
-- crawl before it does not give (merge._merge_views keeps the same rows night by night).
-- An article's count in a crawl is the larger of its listing's and its page's. Each is one
-- row at most (views.parquet has one per article and source, and merge_crawl and
-- rebuild_from_stage load a crawl's rows once), so a full join of the two sources pairs
-- them: its hash table holds the 1M page rows, where a GROUP BY over all 20M rows built one
-- of 19M groups (0.8-1.0 s against 1.8-2.0 s a quarter at 1M, the same rows).
CREATE OR REPLACE TEMP MACRO _crawl_views_of_quarter(q) AS TABLE
SELECT article_key, satker_id, crawl_id, seen_at, (seen_at AT TIME ZONE 'Asia/Jakarta')::DATE, views,
       greatest(views - coalesce(previous, 0), 0), previous IS NULL
FROM (SELECT *, lag(views) OVER (PARTITION BY article_key ORDER BY seen_at) AS previous
      FROM (SELECT coalesce(l.article_key, p.article_key) AS article_key, coalesce(l.satker_id, p.satker_id) AS satker_id,
                   coalesce(l.crawl_id, p.crawl_id) AS crawl_id,
                   greatest(l.seen_at, p.seen_at) AS seen_at, greatest(l.views, p.views) AS views  -- NULL is skipped
            FROM (FROM view_snapshots WHERE source = 'listing' AND hash(article_key) % 4 = q) l
            FULL JOIN (FROM view_snapshots WHERE source = 'article' AND hash(article_key) % 4 = q) p
                   ON l.article_key = p.article_key AND l.crawl_id = p.crawl_id))
WHERE previous IS NULL OR views <> previous;
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(0);
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(1);
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(2);
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(3);
DROP MACRO TABLE _crawl_views_of_quarter;

-- the count of the last change is the latest count; the last sighting is the newest snapshot
DELETE FROM article_latest_views;
INSERT INTO article_latest_views
SELECT article_key, v.views, s.seen_at
FROM (SELECT article_key, arg_max(views, seen_at) AS views FROM article_crawl_views GROUP BY article_key) v
JOIN (SELECT article_key, max(seen_at) AS seen_at FROM view_snapshots GROUP BY article_key) s USING (article_key);

DELETE FROM report_articles;
DELETE FROM mart_period_satker_category;
DELETE FROM _dirty_groups;
INSERT INTO _dirty_articles SELECT article_key FROM articles;
DELETE FROM _recompute_pending;
