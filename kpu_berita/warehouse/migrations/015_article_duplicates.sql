-- articles.duplicate_of: the key of the article this one repeats (the same satker, normalised
-- title, publication date and text; warehouse/sql/mark_duplicates.sql), NULL for every other.
-- A duplicate stays in `articles` and is left out of report_articles and the marts. The
-- articles stored before are marked here, as a full rebuild would mark them, and queued for
-- the next build's mart refresh.
ALTER TABLE articles ADD COLUMN duplicate_of VARCHAR;

CREATE TEMP TABLE _duplicates_of_015 AS
WITH candidates AS (
    SELECT article_key, satker_id, title_normalised, published_date, fetched_at,
           md5(regexp_replace(lower(body), '[^a-z0-9]+', '', 'g')) AS text_id
    FROM articles
    WHERE published_date IS NOT NULL AND title_normalised <> '' AND body <> ''
      AND (satker_id, title_normalised, published_date) IN (
          SELECT (satker_id, title_normalised, published_date) FROM articles
          WHERE published_date IS NOT NULL GROUP BY ALL HAVING count(*) > 1)
)
SELECT article_key, first_value(article_key) OVER (PARTITION BY satker_id, title_normalised, published_date, text_id
                                                   ORDER BY fetched_at DESC NULLS LAST, article_key) AS duplicate_of
FROM candidates;

UPDATE articles SET duplicate_of = d.duplicate_of
FROM _duplicates_of_015 d WHERE articles.article_key = d.article_key AND d.duplicate_of <> d.article_key;
INSERT INTO _dirty_articles SELECT article_key FROM _duplicates_of_015;
DROP TABLE _duplicates_of_015;
