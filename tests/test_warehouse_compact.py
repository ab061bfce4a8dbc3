"""A warehouse file that is mostly free blocks (after migration 009 dropped the raw tables,
or after a full rebuild) is rewritten without them, with every row, key and view kept."""
from __future__ import annotations

import duckdb
import pytest

from kpu_berita.warehouse.db import compact_if_sparse, connect, create_marts


@pytest.fixture
def sparse_warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = connect(path)
    create_marts(con)
    for i, satker in enumerate(["kab-serang", "bali", "kota-palu"] * 3):  # not in key order
        con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, body, is_repost)
                       VALUES (?, ?, 'u', 't', 't', '', false)""", [f"{satker}/id:{i}", satker])
    con.execute("CREATE TABLE dropped AS SELECT range AS i, repeat('x', 200) || range AS filler FROM range(400000)")
    con.execute("CHECKPOINT")
    con.execute("DROP TABLE dropped")
    con.execute("CHECKPOINT")
    before = con.execute("SELECT article_key FROM articles").fetchall()
    con.close()
    return path, before


def test_a_sparse_file_is_rewritten_with_its_rows_keys_and_views(sparse_warehouse):
    path, rows_before = sparse_warehouse
    size_before = path.stat().st_size
    assert compact_if_sparse(path, {"memory_limit": "256MB"}, min_bytes=0)
    assert path.stat().st_size < size_before / 2
    con = duckdb.connect(str(path))
    try:
        assert con.execute("SELECT article_key FROM articles").fetchall() == rows_before  # order kept
        assert con.execute("SELECT count(*) FROM _migrations").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM mart_quarterly_satker").fetchone()[0] == 0  # the views are there
        with pytest.raises(duckdb.ConstraintException):
            con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, body, is_repost)
                           VALUES ('bali/id:1', 'bali', 'u', 't', 't', '', false)""")
    finally:
        con.close()
    assert not list(path.parent.glob(".*compacting"))


def test_a_dense_file_is_left_alone(sparse_warehouse):
    path, _ = sparse_warehouse
    assert compact_if_sparse(path, {}, min_bytes=0)
    size = path.stat().st_size
    mtime = path.stat().st_mtime_ns
    assert not compact_if_sparse(path, {}, min_bytes=0)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (size, mtime)
