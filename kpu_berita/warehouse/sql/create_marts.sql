-- Marts, recreated by every build, so they are always consistent with it. The ones every
-- report and mart reads (per-crawl views, the report's article list, the period marts) are
-- tables: as views they re-aggregated all view snapshots on every query (seconds at 1M
-- articles / 20M snapshots, docs/PERFORMANCE.md). The rest are cheap views over those.
-- Periods are calendar months and quarters of the publication date (WIB dates).

-- One view count per article per crawl: listing and article page show the same counter
-- minutes apart; the larger (later) one stands for the crawl.
CREATE OR REPLACE TABLE article_crawl_views AS
SELECT article_key, satker_id, crawl_id, max(seen_at) AS seen_at, max(views) AS views
FROM view_snapshots
GROUP BY ALL;

-- Latest known view count of each article.
CREATE OR REPLACE TABLE article_latest_views AS
SELECT article_key, arg_max(views, seen_at) AS views, max(seen_at) AS views_seen_at
FROM article_crawl_views
GROUP BY article_key;

-- The article list behind reports: one row per dated article with its quarter, month,
-- category (corrections applied at build time) and latest views.
CREATE OR REPLACE TABLE report_articles AS
SELECT a.article_key, a.satker_id, s.name AS satker_name, s.province, s.level,
       a.title, a.url, a.published_date,
       strftime(a.published_date, '%Y-%m') AS month,
       year(a.published_date) || 'Q' || quarter(a.published_date) AS quarter,
       c.category, k.label AS category_label, c.confidence, c.reason AS category_reason,
       v.views, a.is_repost, a.repost_source, a.list_order, a.author, a.credit
FROM articles a
JOIN satker s USING (satker_id)
LEFT JOIN article_categories c USING (article_key)
LEFT JOIN categories k ON k.category = c.category
LEFT JOIN article_latest_views v USING (article_key)
WHERE a.published_date IS NOT NULL
ORDER BY a.satker_id, a.published_date;  -- row groups by satker: a report reads only its own

-- Views of each dated article as the last crawl before its month / quarter ended saw them
-- (NULL when no crawl saw it before then: the report then falls back to latest views).
CREATE OR REPLACE VIEW article_views_at_period_end AS
WITH ends AS (
    SELECT article_key,
           timezone('Asia/Jakarta', (date_trunc('month', published_date) + INTERVAL 1 MONTH)::TIMESTAMP) AS month_end,
           timezone('Asia/Jakarta', (date_trunc('quarter', published_date) + INTERVAL 3 MONTH)::TIMESTAMP) AS quarter_end
    FROM articles WHERE published_date IS NOT NULL
), at_month_end AS (
    SELECT e.article_key, e.quarter_end, v.views AS views_at_month_end
    FROM ends e ASOF LEFT JOIN article_crawl_views v ON e.article_key = v.article_key AND e.month_end > v.seen_at
)
SELECT m.article_key, m.views_at_month_end, v.views AS views_at_quarter_end
FROM at_month_end m ASOF LEFT JOIN article_crawl_views v ON m.article_key = v.article_key AND m.quarter_end > v.seen_at;

-- Views gained between an article's consecutive crawls, dated by the later crawl. An
-- article's first crawl has no baseline: its views count as gained only in the period the
-- article was published in (they all happened then), never in a later one.
CREATE OR REPLACE VIEW article_view_gains AS
SELECT v.article_key, v.satker_id, c.category, a.published_date,
       (v.seen_at AT TIME ZONE 'Asia/Jakarta')::DATE AS seen_date,
       lag(v.views) OVER w IS NULL AS first_crawl,
       greatest(v.views - coalesce(lag(v.views) OVER w, 0), 0) AS gained
FROM article_crawl_views v
JOIN articles a USING (article_key)
LEFT JOIN article_categories c USING (article_key)
WINDOW w AS (PARTITION BY v.article_key ORDER BY v.seen_at);

-- Per period (month or quarter), satker and category: articles published, their views
-- (latest and at period end) and the views all the satker's articles gained in the period.
CREATE OR REPLACE TABLE mart_period_satker_category AS
WITH periods AS (SELECT unnest(['month', 'quarter']) AS grain),
published AS (
    SELECT p.grain, CASE p.grain WHEN 'month' THEN r.month ELSE r.quarter END AS period,
           r.satker_id, r.category,
           count(*) AS articles, count(*) FILTER (WHERE NOT r.is_repost) AS articles_own,
           coalesce(sum(r.views), 0)::BIGINT AS views,
           sum(CASE p.grain WHEN 'month' THEN e.views_at_month_end ELSE e.views_at_quarter_end END)::BIGINT AS views_at_period_end
    FROM report_articles r CROSS JOIN periods p
    LEFT JOIN article_views_at_period_end e USING (article_key)
    GROUP BY ALL
),
gained AS (
    SELECT p.grain,
           CASE p.grain WHEN 'month' THEN strftime(g.seen_date, '%Y-%m')
                ELSE year(g.seen_date) || 'Q' || quarter(g.seen_date) END AS period,
           g.satker_id, g.category,
           sum(g.gained) FILTER (WHERE NOT g.first_crawl OR
               (CASE p.grain WHEN 'month' THEN strftime(g.published_date, '%Y-%m')
                     ELSE year(g.published_date) || 'Q' || quarter(g.published_date) END)
               = (CASE p.grain WHEN 'month' THEN strftime(g.seen_date, '%Y-%m')
                       ELSE year(g.seen_date) || 'Q' || quarter(g.seen_date) END))::BIGINT AS views_gained
    FROM article_view_gains g CROSS JOIN periods p
    GROUP BY ALL
)
SELECT grain, period, satker_id, s.name AS satker_name, s.province, s.level,
       category, k.label AS category_label,
       coalesce(articles, 0) AS articles, coalesce(articles_own, 0) AS articles_own,
       coalesce(views, 0) AS views, views_at_period_end, coalesce(views_gained, 0) AS views_gained
FROM published FULL JOIN gained USING (grain, period, satker_id, category)
JOIN satker s USING (satker_id)
LEFT JOIN categories k USING (category)
WHERE coalesce(articles, 0) > 0 OR coalesce(views_gained, 0) > 0;

CREATE OR REPLACE VIEW mart_quarterly_satker_category AS
SELECT period AS quarter, * EXCLUDE (grain, period)
FROM mart_period_satker_category WHERE grain = 'quarter';

CREATE OR REPLACE VIEW mart_monthly_satker_category AS
SELECT period AS month, * EXCLUDE (grain, period)
FROM mart_period_satker_category WHERE grain = 'month';

-- The same per period and satker, summed over categories.
CREATE OR REPLACE VIEW mart_period_satker AS
SELECT grain, period, satker_id, satker_name, province, level,
       sum(articles)::BIGINT AS articles, sum(articles_own)::BIGINT AS articles_own, sum(views)::BIGINT AS views,
       sum(views_at_period_end)::BIGINT AS views_at_period_end, sum(views_gained)::BIGINT AS views_gained
FROM mart_period_satker_category
GROUP BY ALL;

CREATE OR REPLACE VIEW mart_quarterly_satker AS
SELECT period AS quarter, * EXCLUDE (grain, period)
FROM mart_period_satker WHERE grain = 'quarter';

CREATE OR REPLACE VIEW mart_monthly_satker AS
SELECT period AS month, * EXCLUDE (grain, period)
FROM mart_period_satker WHERE grain = 'month';

-- Province roll-up per quarter: every crawled satker of the province counts, including
-- those that published nothing (satker_silent).
CREATE OR REPLACE VIEW mart_quarterly_province AS
WITH crawled AS (
    SELECT DISTINCT unnest(satker_ids) AS satker_id FROM crawls
), quarters AS (
    SELECT DISTINCT quarter FROM report_articles
), grid AS (
    SELECT q.quarter, s.satker_id, s.province
    FROM quarters q CROSS JOIN satker s JOIN crawled USING (satker_id)
)
SELECT g.quarter, g.province,
       count(*) AS satker,
       count(*) FILTER (WHERE coalesce(m.articles, 0) > 0) AS satker_publishing,
       count(*) FILTER (WHERE coalesce(m.articles, 0) = 0) AS satker_silent,
       coalesce(sum(m.articles), 0)::BIGINT AS articles, coalesce(sum(m.articles_own), 0)::BIGINT AS articles_own,
       coalesce(sum(m.views), 0)::BIGINT AS views, coalesce(sum(m.views_gained), 0)::BIGINT AS views_gained
FROM grid g LEFT JOIN mart_quarterly_satker m USING (quarter, satker_id)
GROUP BY ALL;

-- Most-viewed articles, ranked within satker, province and nationally per quarter.
CREATE OR REPLACE VIEW mart_top_articles AS
SELECT quarter, satker_id, satker_name, province, title, url, published_date, category, views,
       row_number() OVER (PARTITION BY quarter, satker_id ORDER BY views DESC NULLS LAST, article_key) AS rank_in_satker,
       row_number() OVER (PARTITION BY quarter, province ORDER BY views DESC NULLS LAST, article_key) AS rank_in_province,
       row_number() OVER (PARTITION BY quarter ORDER BY views DESC NULLS LAST, article_key) AS rank_national
FROM report_articles;

-- Publishing activity of every crawled satker; silent_30d when its newest article is more
-- than 30 days older than its latest crawl (site abandoned, or a template we no longer read).
CREATE OR REPLACE VIEW mart_satker_activity AS
WITH crawled AS (
    SELECT DISTINCT unnest(satker_ids) AS satker_id FROM crawls
), last_crawl AS (
    SELECT satker_id, max(seen_at) AS last_crawled_at FROM raw_listing_items GROUP BY satker_id
), last_article AS (
    SELECT satker_id, count(*) AS articles, max(published_date) AS last_published_date
    FROM articles GROUP BY satker_id
)
SELECT s.satker_id, s.name AS satker_name, s.province, s.level,
       coalesce(a.articles, 0) AS articles, a.last_published_date, c.last_crawled_at,
       date_diff('day', a.last_published_date, coalesce((c.last_crawled_at AT TIME ZONE 'Asia/Jakarta')::DATE, current_date)) AS days_since_last_article,
       coalesce(date_diff('day', a.last_published_date, coalesce((c.last_crawled_at AT TIME ZONE 'Asia/Jakarta')::DATE, current_date)) > 30, true) AS silent_30d
FROM satker s JOIN crawled USING (satker_id)
LEFT JOIN last_crawl c USING (satker_id)
LEFT JOIN last_article a USING (satker_id);
