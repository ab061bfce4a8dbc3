-- Refresh report_articles for one batch of the articles the last merges touched
-- (_refresh_batch, taken from _dirty_articles by merge.refresh_marts), and note every period
-- whose marts they change (_dirty_groups): the periods they were in before and after, and
-- the periods their views were gained in (a new category moves them).
INSERT INTO _dirty_groups
SELECT g.grain, CASE g.grain WHEN 'month' THEN r.month ELSE r.quarter END, r.satker_id
FROM report_articles r SEMI JOIN _refresh_batch d ON r.article_key = d.article_key
CROSS JOIN (SELECT unnest(['month', 'quarter']) AS grain) g;

DELETE FROM report_articles WHERE article_key IN (SELECT article_key FROM _refresh_batch);

-- an article published twice (articles.duplicate_of) is reported once, under the article it repeats
CREATE OR REPLACE TEMP VIEW _refresh_batch_articles AS
SELECT a.* FROM articles a SEMI JOIN _refresh_batch d ON a.article_key = d.article_key
WHERE a.duplicate_of IS NULL;

INSERT INTO report_articles
SELECT f.article_key, f.satker_id, s.name, s.province, s.level, f.title, f.url, f.published_date,
       strftime(f.published_date, '%Y-%m'), year(f.published_date) || 'Q' || quarter(f.published_date),
       f.category, k.label, f.confidence, f.category_reason, v.views, f.is_repost, f.repost_source,
       f.list_order, f.author, f.credit, coalesce(c.topics, []), f.needs_review
FROM facts_of_articles(_refresh_batch_articles) f
JOIN satker s ON s.satker_id = f.satker_id
LEFT JOIN categories k ON k.category = f.category
LEFT JOIN article_latest_views v ON v.article_key = f.article_key
LEFT JOIN article_categories c ON c.article_key = f.article_key
WHERE f.published_date IS NOT NULL
ORDER BY f.satker_id, f.published_date;  -- satker by satker: reports read one satker's row groups

INSERT INTO _dirty_groups
SELECT g.grain, CASE g.grain WHEN 'month' THEN r.month ELSE r.quarter END, r.satker_id
FROM report_articles r SEMI JOIN _refresh_batch d ON r.article_key = d.article_key
CROSS JOIN (SELECT unnest(['month', 'quarter']) AS grain) g;

INSERT INTO _dirty_groups
SELECT DISTINCT g.grain,
       CASE g.grain WHEN 'month' THEN strftime(v.seen_date, '%Y-%m')
            ELSE year(v.seen_date) || 'Q' || quarter(v.seen_date) END,
       v.satker_id
FROM article_crawl_views v SEMI JOIN _refresh_batch d ON v.article_key = d.article_key
CROSS JOIN (SELECT unnest(['month', 'quarter']) AS grain) g
WHERE v.gained > 0;

DROP VIEW _refresh_batch_articles;
DELETE FROM _dirty_articles WHERE article_key IN (SELECT article_key FROM _refresh_batch);
