-- articles.duplicate_of: the key of the article this one repeats (the same satker, normalised
-- title, publication date and text; warehouse/sql/mark_duplicates.sql), NULL for every other.
-- A duplicate stays in `articles` and is left out of report_articles and the marts. The
-- articles stored before are marked by the next build (merge.refresh_marts, while
-- _duplicates_unmarked exists), which refreshes their report rows in the same transaction: a
-- file migrated and published without a build (`kpu-berita social`) reports as before.
ALTER TABLE articles ADD COLUMN duplicate_of VARCHAR;
CREATE TABLE _duplicates_unmarked AS SELECT true AS pending;
