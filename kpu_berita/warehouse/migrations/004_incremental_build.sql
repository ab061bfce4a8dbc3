-- The incremental build (warehouse/merge.py): each night's crawl is merged once, and only
-- what it touched is recomputed. The tables below used to be rebuilt whole from every raw
-- crawl by each build (create_marts.sql); now they are kept up to date row by row.
-- The listing's title when the page was fetched: a crawl that sees another title there
-- fetches the page again (a title corrected on the site).
ALTER TABLE articles ADD COLUMN listing_title VARCHAR;

DROP VIEW IF EXISTS article_view_gains;
DROP VIEW IF EXISTS article_views_at_period_end;
DROP VIEW IF EXISTS mart_quarterly_satker_category;
DROP VIEW IF EXISTS mart_monthly_satker_category;
DROP VIEW IF EXISTS mart_quarterly_satker;
DROP VIEW IF EXISTS mart_monthly_satker;
DROP VIEW IF EXISTS mart_period_satker;
DROP VIEW IF EXISTS mart_quarterly_province;
DROP VIEW IF EXISTS mart_top_articles;
DROP VIEW IF EXISTS mart_satker_activity;
DROP TABLE IF EXISTS mart_period_satker_category;
DROP TABLE IF EXISTS report_articles;
DROP TABLE IF EXISTS article_latest_views;
DROP TABLE IF EXISTS article_crawl_views;

-- One view count per article per crawl (listing and article page show the same counter
-- minutes apart; the larger stands for the crawl), with the views gained since the
-- article's previous crawl, computed once when the crawl is merged.
CREATE TABLE article_crawl_views (
    article_key VARCHAR NOT NULL,
    satker_id   VARCHAR NOT NULL,
    crawl_id    VARCHAR NOT NULL,
    seen_at     TIMESTAMPTZ NOT NULL,
    seen_date   DATE NOT NULL,            -- WIB date of seen_at: the period the gain falls in
    views       INTEGER NOT NULL,
    gained      INTEGER NOT NULL,         -- views minus the previous crawl's, never negative
    first_crawl BOOLEAN NOT NULL          -- no earlier crawl saw the article
);

CREATE TABLE article_latest_views (
    article_key   VARCHAR PRIMARY KEY,
    views         INTEGER NOT NULL,
    views_seen_at TIMESTAMPTZ NOT NULL
);

-- The article list behind reports: one row per dated article, corrections applied.
CREATE TABLE report_articles (
    article_key VARCHAR PRIMARY KEY, satker_id VARCHAR NOT NULL, satker_name VARCHAR, province VARCHAR,
    level VARCHAR, title VARCHAR NOT NULL, url VARCHAR NOT NULL, published_date DATE NOT NULL,
    month VARCHAR NOT NULL, quarter VARCHAR NOT NULL, category VARCHAR, category_label VARCHAR,
    confidence DOUBLE, category_reason VARCHAR, views INTEGER, is_repost BOOLEAN, repost_source VARCHAR,
    list_order BIGINT, author VARCHAR, credit VARCHAR
);

-- Per period (month or quarter), satker and category; see sql/refresh_period_marts.sql.
CREATE TABLE mart_period_satker_category (
    grain VARCHAR NOT NULL, period VARCHAR NOT NULL, satker_id VARCHAR NOT NULL, satker_name VARCHAR,
    province VARCHAR, level VARCHAR, category VARCHAR, category_label VARCHAR,
    articles BIGINT NOT NULL, articles_own BIGINT NOT NULL, views BIGINT NOT NULL,
    views_at_period_end BIGINT, views_gained BIGINT NOT NULL
);

-- When each satker was last crawled (for freshness), kept per merge instead of scanning
-- every raw listing row.
CREATE TABLE satker_last_crawl (satker_id VARCHAR PRIMARY KEY, last_crawled_at TIMESTAMPTZ NOT NULL);

-- Work the merge leaves for the mart refresh; both sides commit with their own transaction,
-- so a build killed between them finishes the refresh next time.
CREATE TABLE _dirty_articles (article_key VARCHAR PRIMARY KEY);
CREATE TABLE _dirty_groups (grain VARCHAR NOT NULL, period VARCHAR NOT NULL, satker_id VARCHAR NOT NULL);
-- A warehouse built by an earlier release has articles and view snapshots but none of the
-- tables above: the next build derives them all once (sql/recompute_maintained_tables.sql).
CREATE TABLE _recompute_pending AS SELECT true AS pending;
