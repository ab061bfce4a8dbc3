-- What the crawls saw, item by item, stays in HOME/raw/<crawl>/items.jsonl.gz (DuckDB reads
-- it as it is: docs/warehouse.md). In the warehouse these tables were two thirds of the file
-- at 1M articles (raw_listing_items 1.65 GB of 2.9 GB), which every publish copied and no
-- report or mart read. view_snapshots keeps each sighting's views; satker_last_crawl when
-- each satker was last crawled. The space they held is given back by the compaction after
-- the next build (db.compact_if_sparse).
DROP TABLE raw_listing_items;
DROP TABLE raw_article_pages;
DROP TABLE raw_crawl_errors;
