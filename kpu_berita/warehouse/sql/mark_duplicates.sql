-- Mark the articles a satker published twice: the same article under two URLs, as after a
-- site moved from one URL form to another (kota-palu has had /berita/baca/<id>/<slug> and
-- slug-only /blog/read/<slug> URLs, kpu_sites.md section 2: every article of its archive
-- would come back under a new key) or posted twice by hand. Same satker, same normalised
-- title, same publication date and the same text (its letters and digits, so spacing and
-- punctuation don't part them) make one article. A post without text (a picture, a PDF) is
-- never taken for another: its lead image is often the site's logo. The newest fetch stands
-- for the article (the URL the site lists now, with its live view count); the others name it
-- in duplicate_of, stay in `articles`, and are left out of report_articles and every mart.
--
-- Scope: the groups in _duplicate_scope (satker_id, title_normalised, published_date), a
-- temporary table the caller makes and this drops; the articles whose mark changed go to
-- _dirty_articles for the mart refresh, with the articles they repeat(ed): the views an
-- article gained are counted once over its copies (refresh_period_marts.sql).
CREATE OR REPLACE TEMP TABLE _duplicates_changed AS
WITH members AS (
    SELECT a.article_key, a.satker_id, a.title_normalised, a.published_date, a.fetched_at, a.duplicate_of, a.body,
           count(*) OVER (PARTITION BY a.satker_id, a.title_normalised, a.published_date) AS in_group
    FROM articles a SEMI JOIN _duplicate_scope s USING (satker_id, title_normalised, published_date)
    WHERE a.published_date IS NOT NULL AND a.title_normalised <> ''
), candidates AS (
    -- the text is read only where the group has another member (a night's scope is mostly
    -- groups of one: its new articles)
    SELECT *, md5(regexp_replace(lower(body), '[^a-z0-9]+', '', 'g')) AS text_id
    FROM members WHERE in_group > 1 AND body <> ''
), marked AS (
    SELECT article_key, duplicate_of AS was,
           nullif(first_value(article_key) OVER (PARTITION BY satker_id, title_normalised, published_date, text_id
                                                ORDER BY fetched_at DESC NULLS LAST, article_key), article_key) AS now
    FROM candidates
    UNION ALL
    SELECT article_key, duplicate_of, NULL FROM members WHERE in_group = 1 OR body = ''
)
SELECT article_key, now AS duplicate_of, was FROM marked WHERE was IS DISTINCT FROM now;

UPDATE articles SET duplicate_of = c.duplicate_of
FROM _duplicates_changed c WHERE articles.article_key = c.article_key;
INSERT INTO _dirty_articles
SELECT k FROM (SELECT unnest([article_key, duplicate_of, was]) AS k FROM _duplicates_changed) WHERE k IS NOT NULL;
DROP TABLE _duplicates_changed;
DROP TABLE _duplicate_scope;
