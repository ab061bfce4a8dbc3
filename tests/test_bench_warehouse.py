"""The warehouse benchmark at a tiny size: every figure present, the build holds each
generated article once, the marts add up. Figures are never asserted against targets."""
from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from benchmarks import warehouse
from kpu_berita.registry import load_registry

pytestmark = pytest.mark.slow

ARTICLES = 1000  # the night on top adds 3 new articles and 50 snapshots

EXPECTED_KEYS = {
    "warehouse_articles", "warehouse_view_snapshots", "warehouse_scale", "warehouse_build_s",
    "warehouse_full_build_s", "warehouse_full_peak_rss_mb", "warehouse_nightly_build_s",
    "warehouse_nightly_peak_rss_mb", "warehouse_peak_rss_mb", "report_query_p50_ms", "report_query_p95_ms",
    "mart_query_p50_ms", "mart_query_p95_ms", "province_report_p50_ms", "province_report_p95_ms",
    "classify_articles_per_s", "classify_articles_per_s_per_core", "warehouse_note",
    "report_query_after_build_p50_ms", "report_query_after_build_p95_ms",
    "warehouse_full_tree_peak_rss_mb", "warehouse_full_tree_peak_pss_mb",
    *(f"warehouse_full_step_{step}_s" for step in ("articles", "article_categories", "view_snapshots",
                                                   "warehouse", "published_warehouse")),
}


def test_satker_counts_are_skewed_and_add_up_exactly():
    sites = warehouse.satker_sites(load_registry(), 100_000, np.random.default_rng(1))
    counts = sites["n_articles"].to_numpy()
    assert len(sites) == 552 and counts.sum() == 100_000
    assert counts.max() > 5 * np.median(counts)  # a few busy sites, many quiet ones
    assert (sites["first_day"] >= warehouse.dt.date(2015, 1, 1)).all()


def test_tiny_run_builds_each_generated_article_once_and_marts_add_up():
    figures = warehouse.measure(ARTICLES, report_calls=12, classify_n=200)

    assert EXPECTED_KEYS <= figures.keys()
    assert all(not isinstance(v, (dict, list)) for v in figures.values())  # flat, for the CLI's merge
    assert figures["warehouse_articles"] == ARTICLES
    night_new, night_snapshots = figures["night_new_articles"], figures["night_view_snapshots"]
    assert figures["warehouse_built_articles"] == figures["warehouse_distinct_article_keys"] == ARTICLES + night_new
    assert figures["warehouse_built_view_snapshots"] == 20 * ARTICLES + night_snapshots + night_new
    assert figures["warehouse_decreasing_views"] == 0
    # undated articles stay out of the report marts; every dated one is counted once, and an
    # article published twice (the generator's same title, day and text in one satker) once
    assert 0 <= figures["warehouse_undated_articles"] < ARTICLES * 0.1
    assert 0 <= figures["warehouse_duplicate_articles"] < ARTICLES * 0.01
    assert figures["mart_articles_total"] == (ARTICLES + night_new - figures["warehouse_undated_articles"]
                                              - figures["warehouse_duplicate_articles"])
    assert figures["warehouse_reposts"] > 0
    for key in ("warehouse_build_s", "warehouse_peak_rss_mb", "report_query_p50_ms", "report_query_p95_ms",
                "report_query_after_build_p95_ms",
                "mart_query_p50_ms", "mart_query_p95_ms", "classify_articles_per_s"):
        assert figures[key] > 0, key
    assert figures["report_query_p95_ms"] >= figures["report_query_p50_ms"]  # during the night's build
    assert figures["report_query_after_build_p95_ms"] >= figures["report_query_after_build_p50_ms"]
    assert figures["classify_articles_per_s"] == figures["classify_articles_per_s_per_core"]
    assert "One night on top" in figures["warehouse_note"]
    for run in ("full", "nightly"):  # the tree's PSS is at least the build's own peak, at most the summed RSS
        assert (figures[f"warehouse_{run}_peak_rss_mb"] <= figures[f"warehouse_{run}_tree_peak_pss_mb"]
                <= figures[f"warehouse_{run}_tree_peak_rss_mb"])
    # a reader querying the published file while builds are published over it is never refused
    assert figures["publish_reader_queries"] > 0 and figures["publish_reader_errors"] == 0


def test_tree_memory_counts_pages_a_forked_child_shares_once_by_pss():
    shared = bytearray(os.urandom(1 << 20)) * 150  # 150 MB, touched: resident in this process
    child = os.fork()
    if child == 0:  # the child maps the same pages without writing them
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(0.5)
        rss, pss = warehouse._tree_memory_mb(os.getpid())
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    assert len(shared) == 150 << 20
    assert rss - pss > 120  # summed RSS counts the 150 MB twice, PSS once
