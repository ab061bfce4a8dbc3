-- Marts: views over the facts, so they are always consistent with the last build.

-- Latest known view count of each article (listing or article page, whichever is newer).
CREATE OR REPLACE VIEW article_latest_views AS
SELECT article_key, arg_max(views, seen_at) AS views, max(seen_at) AS views_seen_at
FROM view_snapshots
GROUP BY article_key;

-- The article list behind reports: one row per article with its quarter, month,
-- category (corrections applied at build time) and latest views.
CREATE OR REPLACE VIEW report_articles AS
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
WHERE a.published_date IS NOT NULL;

-- Per quarter, satker and category: articles and views (latest known).
CREATE OR REPLACE VIEW mart_quarterly_satker_category AS
SELECT quarter, satker_id, satker_name, province, category, category_label,
       count(*) AS articles,
       count(*) FILTER (WHERE NOT is_repost) AS articles_own,
       coalesce(sum(views), 0) AS views
FROM report_articles
GROUP BY ALL;

-- Per quarter and satker: totals.
CREATE OR REPLACE VIEW mart_quarterly_satker AS
SELECT quarter, satker_id, satker_name, province,
       count(*) AS articles,
       count(*) FILTER (WHERE NOT is_repost) AS articles_own,
       coalesce(sum(views), 0) AS views
FROM report_articles
GROUP BY ALL;
