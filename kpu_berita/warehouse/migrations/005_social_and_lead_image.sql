-- Social-media figures the operator enters once per period (`kpu-berita social --import`):
-- the websites don't hold them. One row per satker x period x platform (x content type, for
-- the per-content-type recap of seed 003; '' = the platform's totals). Builds never write
-- this table, so it survives every rebuild; a later import of the same key replaces the row.
CREATE TABLE social_media_stats (
    satker_id    VARCHAR NOT NULL,
    period_key   VARCHAR NOT NULL,      -- as imported: 2021Q3 or 2021-03-01..2021-06-30
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    platform     VARCHAR NOT NULL,      -- Facebook, Instagram, Twitter, Youtube, Tiktok, ...
    content_type VARCHAR NOT NULL DEFAULT '',  -- '' = all posts; else e.g. 'Foto Berita', 'Infografik'
    posts        INTEGER NOT NULL,      -- posts published in the period
    followers    INTEGER,               -- friends / followers / subscribers at the period's end
    source_file  VARCHAR NOT NULL,      -- the CSV it came from
    source_row   INTEGER NOT NULL,      -- its data row number in that file (1 = first row under the header)
    imported_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (satker_id, period_start, period_end, platform, content_type)
);

-- The article's lead photo (og:image, else the first image of the body), for the report's
-- humas activities. NULL when the page has none.
ALTER TABLE raw_article_pages ADD COLUMN lead_image_url VARCHAR;
ALTER TABLE articles ADD COLUMN lead_image_url VARCHAR;
