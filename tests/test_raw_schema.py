"""One declaration of the raw item schema (spiders/items.py) serves the spider, staging and
the warehouse: the raw_* tables hold exactly the items' fields."""
from __future__ import annotations

from kpu_berita.spiders.items import ITEM_KINDS, item_columns
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.stage import RENAMED

TABLES = {"listing": "raw_listing_items", "article": "raw_article_pages", "error": "raw_crawl_errors"}


def test_each_raw_table_has_exactly_its_items_fields(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        for kind, table in TABLES.items():
            stored = {name: kind_ for name, kind_ in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()}
            stored.pop("crawl_id")
            declared = {RENAMED.get(name, name): sql for name, sql in item_columns(ITEM_KINDS[kind]).items()}
            assert stored == {name: sql.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
                              for name, sql in declared.items()}, table
    finally:
        con.close()
