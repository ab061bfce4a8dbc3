-- Views over the tables the build keeps up to date (warehouse/merge.py and the refresh_*.sql
-- files): cheap to query, recreated by every build so a release can change them.
-- Periods are calendar months and quarters of the publication date (WIB dates).

-- The analysts' corrections by the article they apply to: an article published twice
-- (articles.duplicate_of) is reported as the copy that stands for it, so a correction made
-- on another copy (before its site moved it to a new URL, say) holds for that one; its own
-- correction first, else the newest. Only the few marked copies are read of `articles`.
CREATE OR REPLACE VIEW effective_corrections AS
SELECT coalesce(d.duplicate_of, c.article_key) AS article_key, c.category, c.published_date
FROM corrections c
LEFT JOIN (SELECT article_key, duplicate_of FROM articles WHERE duplicate_of IS NOT NULL) d USING (article_key)
QUALIFY row_number() OVER (PARTITION BY coalesce(d.duplicate_of, c.article_key)
                           ORDER BY d.duplicate_of IS NULL DESC, c.corrected_at DESC) = 1;

-- Every article with the analysts' corrections applied (date and category). The macro takes
-- the articles by table name, so the mart refresh gives it just the touched ones: a filter
-- on the view's result is not pushed below its joins (all 1M articles joined, 1.5 s a night).
CREATE OR REPLACE MACRO facts_of_articles(some_articles) AS TABLE
SELECT a.article_key, a.satker_id, a.title, a.url,
       coalesce(x.published_date, a.published_date) AS published_date,
       coalesce(x.category, c.category) AS category,
       CASE WHEN x.category IS NOT NULL THEN 1.0 ELSE c.confidence END AS confidence,
       CASE WHEN x.category IS NOT NULL THEN 'correction' ELSE c.reason END AS category_reason,
       coalesce(c.needs_review, false) AND x.category IS NULL AS needs_review,
       a.is_repost, a.repost_source, a.list_order, a.author, a.credit, a.duplicate_of
FROM query_table(some_articles) a
LEFT JOIN article_categories c USING (article_key)
LEFT JOIN effective_corrections x USING (article_key);

CREATE OR REPLACE VIEW article_facts AS FROM facts_of_articles(articles);

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

-- Most-viewed articles, ranked within satker, province and nationally per quarter. Equal
-- views are ranked as the report's top five ranks them (reports/data.py: the earlier article
-- first, then the listing's order), so rank_in_satker <= 5 is the quarter report's list; the
-- key as text ("id:999" after "id:1000") decided before.
CREATE OR REPLACE VIEW mart_top_articles AS
SELECT quarter, satker_id, satker_name, province, title, url, published_date, category, views,
       row_number() OVER (PARTITION BY quarter, satker_id ORDER BY views DESC NULLS LAST, published_date,
                          list_order DESC NULLS FIRST, article_key) AS rank_in_satker,
       row_number() OVER (PARTITION BY quarter, province ORDER BY views DESC NULLS LAST, published_date,
                          list_order DESC NULLS FIRST, article_key) AS rank_in_province,
       row_number() OVER (PARTITION BY quarter ORDER BY views DESC NULLS LAST, published_date,
                          list_order DESC NULLS FIRST, article_key) AS rank_national
FROM report_articles;

-- Publishing activity of every crawled satker; silent_30d when its newest article is more
-- than 30 days older than its latest crawl (site abandoned, or a template we no longer read).
CREATE OR REPLACE VIEW mart_satker_activity AS
WITH crawled AS (
    SELECT DISTINCT unnest(satker_ids) AS satker_id FROM crawls
), last_article AS (
    SELECT satker_id, count(*) AS articles, max(published_date) AS last_published_date
    FROM article_facts GROUP BY satker_id
)
SELECT s.satker_id, s.name AS satker_name, s.province, s.level,
       coalesce(a.articles, 0) AS articles, a.last_published_date, c.last_crawled_at,
       date_diff('day', a.last_published_date, coalesce((c.last_crawled_at AT TIME ZONE 'Asia/Jakarta')::DATE, current_date)) AS days_since_last_article,
       coalesce(date_diff('day', a.last_published_date, coalesce((c.last_crawled_at AT TIME ZONE 'Asia/Jakarta')::DATE, current_date)) > 30, true) AS silent_30d
FROM satker s JOIN crawled USING (satker_id)
LEFT JOIN satker_last_crawl c USING (satker_id)
LEFT JOIN last_article a USING (satker_id);
