-- article_categories and article_latest_views without their primary keys. Only the build
-- writes them: a nightly merge deletes an article's row before it writes the new one
-- (merge.py), a full rebuild or recompute empties them and writes each key once. Their key
-- indexes cost ~2 s of a 1M rebuild, most of it in the commit (docs/PERFORMANCE.md). The
-- blocking check categories_cover_articles counts articles categorised twice.
CREATE TABLE article_categories_unkeyed (
    article_key       VARCHAR NOT NULL,
    category          VARCHAR NOT NULL,
    confidence        DOUBLE NOT NULL,
    reason            VARCHAR NOT NULL,
    topics            VARCHAR[],
    needs_review      BOOLEAN DEFAULT false,
    second_category   VARCHAR,
    second_confidence DOUBLE,
    model_version     VARCHAR
);
INSERT INTO article_categories_unkeyed SELECT * FROM article_categories;
DROP TABLE article_categories;
ALTER TABLE article_categories_unkeyed RENAME TO article_categories;

CREATE TABLE article_latest_views_unkeyed (
    article_key   VARCHAR NOT NULL,
    views         INTEGER NOT NULL,
    views_seen_at TIMESTAMPTZ NOT NULL
);
INSERT INTO article_latest_views_unkeyed SELECT * FROM article_latest_views;
DROP TABLE article_latest_views;
ALTER TABLE article_latest_views_unkeyed RENAME TO article_latest_views;
