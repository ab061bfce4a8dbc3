"""Incremental nightly crawl: after a full crawl, a nightly run fetches only the new articles
and the listing pages of the refresh window, and records refreshed views from the listings."""
from __future__ import annotations

import datetime as dt

import pytest

from kpu_berita import runner
from kpu_berita.dagster_project.resources import KpuBerita
from kpu_berita.demo_network import DEFAULT_AS_OF, DemoNetwork, build_demo_sites
from kpu_berita.warehouse.db import connect

pytestmark = pytest.mark.slow
SATKER = ["kab-serang", "kota-palu", "kab-kayongutara"]
NEW_PER_SITE = 5


def crawl_and_build(home, as_of: dt.date, new_per_site: int, crawl_date: dt.date):
    sites = [s for s in build_demo_sites(as_of=as_of, new_per_site=new_per_site) if s.satker_id in SATKER]
    with DemoNetwork(sites, as_of=as_of) as network:
        registry = network.write_registry(home / "registry.csv")
        kpu = KpuBerita(home=str(home), registry=str(registry), profile="loopback", crawl_date=crawl_date.isoformat())
        crawled = runner.metadata_of(runner.materialize(kpu, runner.EVERYTHING), "raw_crawl")
        return list(network.request_log), sites, crawled


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("nightly")
    full_log, _, first = crawl_and_build(home, DEFAULT_AS_OF, 0, DEFAULT_AS_OF + dt.timedelta(days=1))
    later = DEFAULT_AS_OF + dt.timedelta(days=7)
    nightly_log, sites, second = crawl_and_build(home, later, NEW_PER_SITE, later + dt.timedelta(days=1))
    assert first["new_articles"] == first["fetched"] == len(article_requests(full_log))
    assert second["new_articles"] == second["fetched"] == len(article_requests(nightly_log))
    return home, full_log, nightly_log, sites


def article_requests(log):
    return [path for _, _, path, _ in log if "/blog/read/" in path or "/berita/baca/" in path]


def test_full_crawl_fetches_every_article_once(two_runs):
    _, full_log, _, _ = two_runs
    paths = article_requests(full_log)
    assert len(paths) == len(set(paths))


def test_nightly_fetches_only_new_articles(two_runs):
    home, _, nightly_log, sites = two_runs
    fetched = sorted(article_requests(nightly_log))
    new = {a.path for s in sites for a in s.articles if a.published > DEFAULT_AS_OF}
    assert set(fetched) == new and len(fetched) == len(new) >= NEW_PER_SITE * len(SATKER)
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    assert stored == sum(len(s.articles) for s in sites)


def test_nightly_requests_grow_with_new_articles_not_the_archive(two_runs):
    _, full_log, nightly_log, sites = two_runs
    new = sum(1 for s in sites for a in s.articles if a.published > DEFAULT_AS_OF)
    per_new_article = len(nightly_log) / new
    # robots.txt, home, the listing pages of the refresh window (current + previous quarter), new articles
    assert per_new_article < 3.0, per_new_article
    assert len(nightly_log) < len(full_log) / 10


def test_listing_views_of_the_window_are_snapshotted_again(two_runs):
    home, _, _, _ = two_runs
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        refreshed = con.execute("""
            SELECT count(*) FROM (SELECT article_key FROM view_snapshots WHERE source = 'listing'
                                  GROUP BY article_key HAVING count(DISTINCT crawl_id) = 2)""").fetchone()[0]
        grew = con.execute("""
            SELECT count(*) FROM (SELECT article_key, max(views) - min(views) AS gained FROM view_snapshots
                                  WHERE source = 'listing' GROUP BY article_key HAVING count(DISTINCT crawl_id) = 2)
            WHERE gained > 0""").fetchone()[0]
    finally:
        con.close()
    assert refreshed >= 6 and grew == refreshed


def test_a_full_recrawl_counts_what_it_fetched_again_as_fetched_not_new(two_runs, tmp_path):
    # `crawl --full` said "868 new articles" on a home that held all 868
    home, *_ = two_runs
    later = DEFAULT_AS_OF + dt.timedelta(days=7)
    sites = [s for s in build_demo_sites(as_of=later, new_per_site=NEW_PER_SITE) if s.satker_id in SATKER]
    with DemoNetwork(sites, as_of=later) as network:
        kpu = KpuBerita(home=str(home), registry=str(network.write_registry(tmp_path / "registry.csv")),
                        profile="loopback", crawl_date=(later + dt.timedelta(days=1)).isoformat(), full=True)
        crawled = runner.metadata_of(runner.materialize(kpu, runner.CRAWL), "raw_crawl")
    assert crawled["fetched"] == sum(len(s.articles) for s in sites) and crawled["new_articles"] == 0


def test_the_crawl_table_tells_new_from_retitled_and_refetched():
    from kpu_berita.dagster_project.crawl import crawl_summary_rows
    from kpu_berita.spiders.raw_store import SatkerCounts

    stats = {"kab-serang": {"listing_pages": 3, "stop_reason": "known_older_than_window"}}
    counts = {"kab-serang": SatkerCounts(fetched={"kab-serang/1", "kab-serang/2", "kab-serang/9"}, view_snapshots=40,
                                         errors={"timeout": 2, "http_404": 1}),
              "kota-palu": SatkerCounts(errors={"refused": 1})}  # no stats: its process never got far
    held = {"kab-serang/1": {}, "kab-serang/2": {}}
    nightly = crawl_summary_rows(stats, counts, held, known=held)
    assert nightly[0] == {"satker": "kab-serang", "listing_pages": 3, "fetched": 3, "new_articles": 1, "retitled": 2,
                          "view_snapshots": 40, "errors": 3, "error_kinds": "http_404:1, timeout:2",
                          "stop": "known_older_than_window"}
    assert nightly[1]["satker"] == "kota-palu" and nightly[1]["errors"] == 1 and nightly[1]["stop"] == "-"
    full = crawl_summary_rows(stats, counts, held, known={})  # --full fetches the held again: neither new nor retitled
    assert (full[0]["new_articles"], full[0]["retitled"]) == (1, 0)
