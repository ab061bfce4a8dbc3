"""The writer's statement profile on the demo warehouse: the refresh's own code replayed one
statement at a time on a copy, the warehouse itself untouched."""
from __future__ import annotations

import hashlib

import pytest

from benchmarks import warehouse_statements
from kpu_berita import config
from kpu_berita.warehouse.db import connect, sql_text

pytestmark = pytest.mark.slow


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_replay_times_every_statement_of_the_refresh_on_a_copy(demo_home, capsys):
    warehouse = config.working_warehouse_path(demo_home)
    before = _digest(warehouse)
    con = connect(warehouse, read_only=True)
    try:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()

    timings = warehouse_statements.profile(warehouse, demo_home)

    assert _digest(warehouse) == before
    statements = [t["statement"] for t in timings]
    # each statement of the maintained tables' SQL ran on its own, not the file as one execute()
    recompute = [s for s in statements if s.startswith("INSERT INTO article_crawl_views")]
    assert len(recompute) == sql_text("recompute_maintained_tables.sql").count("INSERT INTO article_crawl_views")
    # the demo's articles fit one REBUILD batch: report_articles refreshed once, then the period marts
    assert articles < 200_000
    assert sum(s.startswith("INSERT INTO report_articles") for s in statements) == 1
    assert any(s.startswith("INSERT INTO mart_period_satker_category") for s in statements)
    assert statements[-1] == "CHECKPOINT"
    assert all(t["wall_s"] >= 0 and t["cpu_s"] >= 0 for t in timings)

    warehouse_statements.main([str(demo_home)])
    assert f"{len(timings)} statements" in capsys.readouterr().out
