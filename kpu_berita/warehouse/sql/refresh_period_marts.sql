-- Recompute mart_period_satker_category for the periods in _dirty_groups only: per period
-- (month or quarter), satker and category, the articles published, their views (latest
-- and as the last crawl before the period ended saw them) and the views all the satker's
-- articles gained in the period. An article's first crawl has no baseline: its views
-- count as gained only when that crawl falls in the period the article was published in
-- (they all happened then); a backfill's first crawl of old articles gains nothing. An
-- article moved to a new URL (articles.duplicate_of) goes on from the count its old URL
-- last showed.
CREATE OR REPLACE TEMP TABLE dirty AS
SELECT DISTINCT grain, period, satker_id,
       CASE grain WHEN 'month' THEN strptime(period || '-01', '%Y-%m-%d')::DATE
            ELSE make_date(period[1:4]::INTEGER, 3 * (period[6:6]::INTEGER - 1) + 1, 1) END AS starts
FROM _dirty_groups;
ALTER TABLE dirty ADD COLUMN ends DATE;
UPDATE dirty SET ends = (starts + CASE grain WHEN 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 3 MONTH END)::DATE;

DELETE FROM mart_period_satker_category m
USING dirty d WHERE m.grain = d.grain AND m.period = d.period AND m.satker_id = d.satker_id;

INSERT INTO mart_period_satker_category
WITH grains AS (SELECT unnest(['month', 'quarter']) AS grain
), period_articles AS (
    -- equality joins on (grain, period, satker): a range join on the period's dates compares
    -- each row with every dirty period of its satker (docs/PERFORMANCE.md)
    SELECT d.grain, d.period, d.ends, r.* EXCLUDE (grain, period)
    FROM (SELECT r.*, g.grain, CASE g.grain WHEN 'month' THEN r.month ELSE r.quarter END AS period
          FROM report_articles r CROSS JOIN grains g) r
    JOIN dirty d USING (grain, period, satker_id)
), ended_after_first_crawl AS (
    -- Only a period that ended after the first crawl can have a count at its end. An archive
    -- is first crawled years after most of its periods ended, and the as-of join sorts every
    -- row it gets by article key: at 1M articles with every period dirty, 4.5 s -> 1.9 s for
    -- this INSERT, the same rows (docs/PERFORMANCE.md).
    SELECT p.grain, p.period, p.article_key, timezone('Asia/Jakarta', p.ends::TIMESTAMP) AS ended
    FROM period_articles p
    WHERE ended > (SELECT min(seen_at) FROM article_crawl_views)
), crawl_views AS (
    SELECT v.article_key, v.seen_at, v.views FROM article_crawl_views v
    SEMI JOIN ended_after_first_crawl p ON v.article_key = p.article_key
), at_period_end AS (
    SELECT p.grain, p.period, p.article_key, v.views AS views_at_period_end
    FROM ended_after_first_crawl p ASOF JOIN crawl_views v ON p.article_key = v.article_key AND p.ended > v.seen_at
), published AS (
    SELECT p.grain, p.period, p.satker_id, p.category,
           count(*) AS articles, count(*) FILTER (WHERE NOT p.is_repost) AS articles_own,
           coalesce(sum(p.views), 0)::BIGINT AS views, sum(e.views_at_period_end)::BIGINT AS views_at_period_end
    FROM period_articles p LEFT JOIN at_period_end e USING (grain, period, article_key)
    GROUP BY ALL
), dirty_months AS (
    -- each dirty period as the months it spans (a quarter's three), so that a month's gains
    -- meet their periods on an equality, (satker, month). Comparing each month with its
    -- satker's dirty periods by a CASE left the satker the join's only key: with every period
    -- dirty (a full rebuild at 1M) this INSERT took 5.6-5.8 s, now 4.2-4.4 s; a night's
    -- 1.4-1.5 s, now 1.3-1.4 s (the same rows, docs/PERFORMANCE.md)
    SELECT d.*, (d.starts + to_months(k))::DATE AS month_starts
    FROM dirty d CROSS JOIN (SELECT unnest([0, 1, 2]) AS k)
    WHERE k = 0 OR d.grain = 'quarter'
), copies AS (
    -- the articles published twice (articles.duplicate_of), each with the one standing for it
    SELECT article_key, duplicate_of AS original FROM articles WHERE duplicate_of IS NOT NULL
    UNION
    SELECT duplicate_of, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL
), carried_over AS (
    -- A copy first seen after another copy of it was last seen is the article under its new
    -- URL (a site that changed its URL form keeps the article's counter): its first count
    -- gained only what it adds to the count the old URL last showed, not its whole count,
    -- which was gained (and counted) under the old one. Copies seen side by side are pages
    -- with counters of their own (posted twice by hand): each gained its own views.
    SELECT f.article_key, f.satker_id, date_trunc('month', f.seen_date)::DATE AS month_starts,
           f.gained AS counted_whole, greatest(f.views - max(l.views), 0) AS gained_since
    FROM (FROM article_crawl_views v SEMI JOIN copies c USING (article_key) WHERE v.first_crawl) f
    JOIN copies c USING (article_key)
    JOIN copies o ON o.original = c.original AND o.article_key <> f.article_key
    JOIN article_latest_views l ON l.article_key = o.article_key AND l.views_seen_at < f.seen_at
    GROUP BY f.article_key, f.satker_id, f.seen_date, f.gained, f.views
), crawl_gains AS (
    -- summed per article and month first: a night's crawl adds a row per article seen, and
    -- periods are compared as their first day (a DATE), not as formatted strings
    SELECT article_key, satker_id, first_crawl, date_trunc('month', seen_date)::DATE AS month_starts,
           sum(gained) AS gained
    FROM article_crawl_views WHERE gained > 0 GROUP BY ALL  -- a gain of 0 adds nothing
), carried_over_gains AS (
    -- a carried-over first count: its whole count out, what it added in
    SELECT article_key, satker_id, unnest([true, false]) AS first_crawl, month_starts,
           unnest([-counted_whole, gained_since]) AS gained
    FROM carried_over
), gained AS (
    SELECT d.grain, d.period, v.satker_id, f.category,
           sum(v.gained) FILTER (WHERE NOT v.first_crawl
                                 OR (f.published_date >= d.starts AND f.published_date < d.ends))::BIGINT AS views_gained
    FROM crawl_gains v
    JOIN dirty_months d USING (satker_id, month_starts)
    JOIN article_facts f ON f.article_key = v.article_key
    GROUP BY ALL
    -- the carried-over counts apart, added to the same groups: joined as one union with the
    -- crawls' gains, the planner met the periods before the articles (a night at 1M: the
    -- INSERT 1.7 s against 1.4 s)
    UNION ALL
    SELECT d.grain, d.period, v.satker_id, f.category,
           sum(v.gained) FILTER (WHERE NOT v.first_crawl
                                 OR (f.published_date >= d.starts AND f.published_date < d.ends))::BIGINT
    FROM carried_over_gains v
    JOIN dirty_months d USING (satker_id, month_starts)
    JOIN article_facts f ON f.article_key = v.article_key
    GROUP BY ALL
), gained_per_group AS (
    SELECT grain, period, satker_id, category, sum(views_gained) AS views_gained
    FROM gained GROUP BY ALL  -- a group with no gain and no article is dropped below
)
SELECT grain, period, satker_id, s.name, s.province, s.level, category, k.label,
       coalesce(articles, 0), coalesce(articles_own, 0), coalesce(views, 0), views_at_period_end,
       coalesce(views_gained, 0)
FROM published FULL JOIN gained_per_group USING (grain, period, satker_id, category)
JOIN satker s USING (satker_id)
LEFT JOIN categories k USING (category)
WHERE coalesce(articles, 0) > 0 OR coalesce(views_gained, 0) > 0;

DELETE FROM _dirty_groups;
DROP TABLE dirty;

-- The copies of articles published twice (articles.duplicate_of) per satker and day, for
-- the report's line saying how many it counted once: a few rows, where counting them in
-- `articles` cost each report 2.4 ms of scanning its satker's row groups at 1M articles.
CREATE OR REPLACE TABLE report_copies AS
SELECT satker_id, published_date, is_repost, count(*) AS copies
FROM articles WHERE duplicate_of IS NOT NULL GROUP BY ALL;
