-- Dimensions, raw crawl tables, facts. Every table is loaded idempotently (delete+insert
-- by natural key or full replace), so re-running a build never duplicates rows.
CREATE TABLE satker (
    satker_id     VARCHAR PRIMARY KEY,  -- host label: kab-serang, kota-palu, kip-acehbesar, bali
    name          VARCHAR NOT NULL,     -- "KPU Kabupaten Serang"
    level         VARCHAR NOT NULL,     -- provinsi | kabupaten | kota
    province      VARCHAR NOT NULL,
    kode_wilayah  VARCHAR NOT NULL,     -- Kemendagri code, 36.04
    base_url      VARCHAR NOT NULL
);

CREATE TABLE categories (
    category   VARCHAR PRIMARY KEY,     -- taxonomy code
    label      VARCHAR NOT NULL,        -- label shown in reports
    sort_order INTEGER NOT NULL
);

CREATE TABLE crawls (
    crawl_id    VARCHAR PRIMARY KEY,
    satker_ids  VARCHAR[] NOT NULL,     -- the satker the crawl was asked for
    finished    BOOLEAN NOT NULL,
    items_bytes BIGINT NOT NULL,        -- size of the item files when loaded (reload if it changed)
    loaded_at   TIMESTAMPTZ NOT NULL,
    stats       JSON
);

CREATE TABLE raw_listing_items (
    crawl_id VARCHAR NOT NULL, satker_id VARCHAR NOT NULL, url VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL, title VARCHAR, views INTEGER, date_text VARCHAR,
    page INTEGER, position INTEGER, listing_url VARCHAR, seen_at TIMESTAMPTZ
);

CREATE TABLE raw_article_pages (
    crawl_id VARCHAR NOT NULL, satker_id VARCHAR NOT NULL, url VARCHAR NOT NULL,
    article_key VARCHAR NOT NULL, title VARCHAR, header_text VARCHAR, meta_date VARCHAR,
    author VARCHAR, body VARCHAR, views INTEGER, listing_title VARCHAR, listing_page INTEGER,
    listing_position INTEGER, fetched_at TIMESTAMPTZ
);

CREATE TABLE raw_crawl_errors (
    crawl_id VARCHAR NOT NULL, satker_id VARCHAR NOT NULL, url VARCHAR, error VARCHAR, failed_at TIMESTAMPTZ
);

-- One row per article (natural key: satker + CMS id or slug), cleaned.
CREATE TABLE articles (
    article_key      VARCHAR PRIMARY KEY,
    satker_id        VARCHAR NOT NULL,
    url              VARCHAR NOT NULL,
    title            VARCHAR NOT NULL,   -- as published
    title_normalised VARCHAR NOT NULL,   -- for de-duplication
    published_date   DATE,               -- NULL when no date could be found
    date_raw         VARCHAR,            -- the text the date came from
    date_source      VARCHAR,            -- header | meta | dateline | sentence | listing | correction
    date_flag        VARCHAR,            -- e.g. implausible_year:2028
    author           VARCHAR,
    credit           VARCHAR,            -- credit tail such as "Tim Hupmas KPU Kabupaten Serang"
    body             VARCHAR NOT NULL,   -- without boilerplate
    is_repost        BOOLEAN NOT NULL,
    repost_source    VARCHAR,            -- kpu_ri | provinsi
    list_order       BIGINT,             -- newest first within a satker, from the listing
    first_seen_at    TIMESTAMPTZ,
    fetched_at       TIMESTAMPTZ
);

CREATE TABLE article_categories (
    article_key VARCHAR PRIMARY KEY,
    category    VARCHAR NOT NULL,
    confidence  DOUBLE NOT NULL,
    reason      VARCHAR NOT NULL,        -- the rule that fired, the model, or "correction"
    topics      VARCHAR[]
);

-- Views per article per crawl, from listing pages and article pages.
CREATE TABLE view_snapshots (
    article_key VARCHAR NOT NULL,
    satker_id   VARCHAR NOT NULL,
    crawl_id    VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,        -- listing | article
    seen_at     TIMESTAMPTZ NOT NULL,
    views       INTEGER NOT NULL,
    PRIMARY KEY (article_key, crawl_id, source)
);

-- Analysts' overrides; they survive every rebuild because builds never write this table.
CREATE TABLE corrections (
    article_key    VARCHAR PRIMARY KEY,
    category       VARCHAR,
    published_date DATE,
    note           VARCHAR,
    corrected_at   TIMESTAMPTZ DEFAULT current_timestamp
);
