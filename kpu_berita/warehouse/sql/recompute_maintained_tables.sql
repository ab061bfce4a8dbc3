-- Derive every table the merges maintain row by row from articles and view_snapshots
-- alone, and mark every article for the mart refresh: in every full rebuild
-- (merge.rebuild_from_stage), once after an upgrade from a release that rebuilt everything
-- each night (migration 004), and in tests that build a warehouse by hand.
DELETE FROM article_crawl_views;
-- Done in four quarters of the articles (by ranges of satker, so an article's rows are all
-- in one): at 1M articles the window's sort over all 19M article-crawl rows spills at a full
-- rebuild's memory limit, and a quarter's does not (21 -> 13 s, docs/PERFORMANCE.md).
-- A satker range is a filter DuckDB applies in the scan, on the dictionary-coded satker_id;
-- the quarters were by hash(article_key) % 4, which read and hashed every row's key four
-- times: these statements took 18.1 s against 16.0 s now at 1M (mean of 3 alternations,
-- the same rows). The cuts split the articles about evenly; padded with the last satker (or
-- '') when there are fewer, so the four ranges always cover every satker_id, one in the
-- articles or not.
SET VARIABLE _view_part_cuts = (
    SELECT list_concat(coalesce(list(satker_id ORDER BY satker_id)
                                    FILTER (WHERE floor(4 * upto / total) > floor(4 * (upto - n) / total)
                                              AND upto < total), []),
                       list_value(coalesce(max(satker_id), ''), coalesce(max(satker_id), ''),
                                  coalesce(max(satker_id), '')))[1:3]
    FROM (SELECT satker_id, n, sum(n) OVER (ORDER BY satker_id) AS upto, sum(n) OVER () AS total
          FROM (SELECT satker_id, count(*) AS n FROM articles GROUP BY satker_id)));
CREATE OR REPLACE TEMP MACRO _in_view_part(satker, q) AS
    (q = 0 OR satker > getvariable('_view_part_cuts')[q]) AND (q = 3 OR satker <= getvariable('_view_part_cuts')[q + 1]);
CREATE OR REPLACE TEMP MACRO _crawl_views_of_quarter(q) AS TABLE
SELECT article_key, satker_id, crawl_id, seen_at, (seen_at AT TIME ZONE 'Asia/Jakarta')::DATE, views,
       greatest(views - coalesce(previous, 0), 0), previous IS NULL
FROM (SELECT *, lag(views) OVER (PARTITION BY article_key ORDER BY seen_at) AS previous
      FROM (SELECT coalesce(l.article_key, p.article_key) AS article_key, coalesce(l.satker_id, p.satker_id) AS satker_id,
                   coalesce(l.crawl_id, p.crawl_id) AS crawl_id,
                   greatest(l.seen_at, p.seen_at) AS seen_at, greatest(l.views, p.views) AS views  -- NULL is skipped
            FROM (FROM view_snapshots WHERE source = 'listing' AND _in_view_part(satker_id, q)) l
            FULL JOIN (FROM view_snapshots WHERE source = 'article' AND _in_view_part(satker_id, q)) p
                   ON l.article_key = p.article_key AND l.crawl_id = p.crawl_id))
WHERE previous IS NULL OR views <> previous;
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(0);
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(1);
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(2);
INSERT INTO article_crawl_views SELECT * FROM _crawl_views_of_quarter(3);
DROP MACRO TABLE _crawl_views_of_quarter;
DROP MACRO _in_view_part;
RESET VARIABLE _view_part_cuts;

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
