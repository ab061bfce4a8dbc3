"""Breakage is loud: a satker whose listing yields no items, or whose articles mostly lack a
date, fails an asset check naming the satker and the symptom; its stored articles stay."""
from __future__ import annotations

import csv

import pytest

from kpu_berita import runner
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.registry import COLUMNS, load_registry
from kpu_berita.warehouse.db import connect
from tests.fault_network import FaultNetwork, FaultSite

pytestmark = pytest.mark.slow


def build(home, net, sites: dict[str, FaultSite]):
    rows = {r["satker_id"]: r for r in load_registry()}
    registry = home / "registry.csv"
    with open(registry, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**rows[sid], "base_url": net.base_url(site)} for sid, site in sites.items())
    kpu = KpuBerita(home=str(home), registry=str(registry), profile="loopback", crawl_date="2025-12-01")
    return runner.materialize(kpu, runner.EVERYTHING)


def article_counts(home) -> dict[str, int]:
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        return dict(con.execute("SELECT satker_id, count(*) FROM articles GROUP BY 1").fetchall())
    finally:
        con.close()


def test_broken_templates_fail_checks_naming_the_satker(tmp_path):
    healthy, undated = FaultSite("127.0.0.70", set()), FaultSite("127.0.0.71", {"undated"})
    with FaultNetwork([healthy, undated]) as net:
        sites = {"kab-serang": healthy, "kota-palu": undated}
        first = build(tmp_path, net, sites)
        failed = runner.failed_checks(first)
        assert len(failed) == 1 and failed[0].startswith("articles_have_dates")
        assert "kota-palu (14/14 undated)" in failed[0] and "kab-serang" not in failed[0]
        before = article_counts(tmp_path)
        assert before == {"kab-serang": 14, "kota-palu": 14}  # undated articles are kept, not dropped

        healthy.faults.add("redesigned")  # the CMS update: no article-shaped links any more
        second = build(tmp_path, net, sites)
    failed = runner.failed_checks(second)
    listing = [line for line in failed if line.startswith("listing_not_empty")]
    assert listing and "kab-serang" in listing[0] and "no items" in listing[0] and "kota-palu" not in listing[0]
    assert article_counts(tmp_path) == before  # the broken night lost nothing already stored
