"""One declaration of the raw item schema (spiders/items.py) serves the spider and staging:
the staged files hold exactly the items' fields. The items themselves stay in HOME/raw; the
warehouse keeps none of them (migration 009)."""
from __future__ import annotations

import duckdb
import pytest

from kpu_berita import config
from kpu_berita.spiders.items import ITEM_KINDS, item_columns
from kpu_berita.spiders.raw_store import COLUMNAR_KINDS, RENAMED
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.stage import finished_crawls, stage_crawl, stage_root

pytestmark = pytest.mark.slow  # it reads the demo home's crawl


def test_each_staged_file_has_exactly_its_items_fields(demo_home, tmp_path):
    crawl = finished_crawls(config.raw_dir(demo_home))[0]
    counts = stage_crawl(crawl, tmp_path)
    assert counts["listing"] > 0 and counts["pages"] > 0
    con = duckdb.connect()
    for name, kind in COLUMNAR_KINDS.items():
        staged = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                                  f"'{stage_root(tmp_path) / crawl.name / (name + '.parquet')}')").fetchall())
        declared = {RENAMED.get(field, field): sql for field, sql in item_columns(ITEM_KINDS[kind]).items()}
        assert staged == {field: sql.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
                          for field, sql in declared.items()}, name


def test_the_warehouse_keeps_no_raw_item_tables(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        assert con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'raw%'").fetchall() == []
    finally:
        con.close()
