-- The published date is decided once, when the spider fetches the page
-- (pipelines/dates.decide_article_date), and stored with the page: the raw pages keep it.
ALTER TABLE raw_article_pages ADD COLUMN published_date DATE;
ALTER TABLE raw_article_pages ADD COLUMN date_source VARCHAR;
ALTER TABLE raw_article_pages ADD COLUMN date_raw VARCHAR;
ALTER TABLE raw_article_pages ADD COLUMN date_flag VARCHAR;
ALTER TABLE raw_article_pages ADD COLUMN year_inferred BOOLEAN;
