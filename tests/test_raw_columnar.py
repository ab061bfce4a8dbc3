"""A finished crawl keeps its items in columns beside its JSON lines (spiders/raw_store.py),
so builds stage it without parsing the JSON again. The columns must hold exactly what the
JSON holds, be written again when they are missing or out of date, and never go stale when
a finished crawl is reopened."""
from __future__ import annotations

import gzip
import json
import shutil

import duckdb
import pyarrow.parquet as pq
import pytest

from kpu_berita import config
from kpu_berita.spiders import raw_store
from kpu_berita.warehouse.stage import finished_crawls, mark_merged, stage_crawl, stage_root

pytestmark = pytest.mark.slow  # it reads the demo home's crawl


@pytest.fixture
def crawl(demo_home, tmp_path):
    """A copy of the demo's finished crawl, in a home of the test's own."""
    source = finished_crawls(config.raw_dir(demo_home))[0]
    target = config.raw_dir(tmp_path / "home") / source.name
    shutil.copytree(source, target)
    return target


def rows(path) -> list[tuple]:
    return duckdb.sql(f"SELECT * FROM '{path}' ORDER BY ALL").fetchall()


def json_items(crawl_dir) -> dict[str, int]:
    counts = {}
    with gzip.open(crawl_dir / raw_store.ITEMS_DONE, "rt", encoding="utf-8") as f:
        for line in f:
            kind = json.loads(line)["kind"]
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_the_crawler_leaves_every_item_in_columns(crawl):
    files = raw_store.columnar_files(crawl)
    assert all(f.exists() for f in files.values())  # written by spiders/run.py as the crawl finished
    in_json = json_items(crawl)
    in_columns = {raw_store.COLUMNAR_KINDS[name]: len(rows(f)) for name, f in files.items()}
    assert in_columns["listing"] == in_json["listing"] > 0
    assert in_columns["article"] == in_json["article"] > 0
    assert in_columns["error"] == in_json.get("error", 0)


def test_pages_are_sealed_in_satker_order(crawl):
    """A derive worker reads one range of satker; in this order it skips the others' row groups."""
    for name in raw_store.COLUMNAR_ORDER:
        table = pq.read_table(raw_store.columnar_files(crawl)[name], columns=["satker_id", "article_key"])
        in_file = list(zip(*(table.column(c).to_pylist() for c in table.column_names)))
        assert len({s for s, _ in in_file}) > 1  # the demo crawl spans several satker
        assert in_file == sorted(in_file), name


def test_a_crawl_from_before_the_columns_stages_the_same_and_gains_them(crawl, tmp_path):
    sealed = {name: rows(f) for name, f in raw_store.columnar_files(crawl).items()}
    shutil.rmtree(crawl / raw_store.COLUMNAR)  # as a crawl written before columnar/ existed

    counts = stage_crawl(crawl, tmp_path / "home")

    staged = stage_root(tmp_path / "home") / crawl.name
    assert {name: rows(staged / f"{name}.parquet") for name in sealed} == sealed
    assert counts == {name: len(r) for name, r in sealed.items()}
    assert all(f.exists() for f in raw_store.columnar_files(crawl).values())  # the next rebuild reads these


def test_the_crawl_table_counts_the_same_from_the_json_lines_as_from_the_columns(crawl):
    from_columns = raw_store.crawl_counts(crawl)
    assert sum(len(c.fetched) for c in from_columns.values()) == json_items(crawl)["article"]
    assert all(c.view_snapshots > 0 for c in from_columns.values())
    shutil.rmtree(crawl / raw_store.COLUMNAR)  # a crawl whose columns were not written
    assert raw_store.crawl_counts(crawl) == from_columns


def test_columns_out_of_date_with_the_items_are_written_again(crawl, tmp_path):
    listing = raw_store.columnar_files(crawl)["listing"]
    expected = rows(listing)
    # as if ListingObservation had gained a field since this crawl's columns were written
    duckdb.sql(f"COPY (SELECT * EXCLUDE (date_text) FROM '{listing}') TO '{listing}.old' (FORMAT parquet)")
    listing.with_name(listing.name + ".old").replace(listing)
    con = duckdb.connect()
    assert not raw_store.columnar_is_current(crawl, con)

    stage_crawl(crawl, tmp_path / "home")

    assert raw_store.columnar_is_current(crawl, con)
    assert rows(stage_root(tmp_path / "home") / crawl.name / "listing.parquet") == expected


def test_merging_drops_the_staged_files_not_the_raw_columns(crawl, tmp_path):
    home = tmp_path / "home"
    stage_crawl(crawl, home)
    mark_merged(home, crawl.name)
    assert not list((stage_root(home) / crawl.name).glob("*.parquet"))
    assert all(f.exists() for f in raw_store.columnar_files(crawl).values())


def test_reopening_a_finished_crawl_drops_its_columns(crawl):
    (crawl / "done.json").unlink()  # as a crawl killed after packing, before done.json
    raw_store.reopen_items(crawl)
    assert (crawl / raw_store.ITEMS_OPEN).exists()
    assert not (crawl / raw_store.COLUMNAR).exists()  # the resumed crawl writes them again when it ends
