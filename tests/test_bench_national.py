"""The national benchmark's machinery on a tiny network: the simulated sites serve what the
spider expects, the nightly crawl finds exactly the new articles on the sites' own hosts,
and the naive peer finds the same ones. Correctness only: no timed assertions."""
from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlsplit

import pytest

from benchmarks import national
from benchmarks.national_server import NationalNetwork, article_number, respond
from kpu_berita.registry import load_registry
from kpu_berita.spiders.run import run_crawl

TINY = national.NetworkShape(median_archive=30, min_archive=20, max_archive=45, latency_s=(0.0, 0.0),
                             slow_share=0.0, dead_share=0.0)
REFRESH_FROM = dt.date(2025, 10, 1)


def tiny_sites():
    sites = national.draw_sites(load_registry()[:5], TINY, seed=7)
    templates = ("blog", "blog_slug", "table", "blog", "blog")
    sites = [dataclasses.replace(s, n_new=n, template=t) for s, n, t in zip(sites, (0, 3, 7, 10, 2), templates)]
    # a busy site: most of its archive inside the refresh window, so the walk reads known pages too
    sites[0] = dataclasses.replace(sites[0], first_day=dt.date(2025, 6, 1), archive_size=40)
    sites[4] = dataclasses.replace(sites[4], behaviour="dead_503")
    return sites


@pytest.fixture(scope="module")
def tiny_nightly(tmp_path_factory):
    sites = tiny_sites()
    live = [s for s in sites if national.reachable(s)]
    known = national.nightly_known(sites)
    with NationalNetwork(sites) as network:
        result = run_crawl(tmp_path_factory.mktemp("home"), national.crawl_targets(network, sites),
                           refresh_from=REFRESH_FROM.isoformat(), known=known, profile="loopback",
                           crawl_date=national.CRAWL_DATE.isoformat())
        log = network.take_log(tmp_path_factory.mktemp("log") / "nightly.log")
        naive = national.naive_nightly([(s.satker_id, network.base_url(s)) for s in sites], known, REFRESH_FROM,
                                       spacing_s=0.0, timeout_s=5.0)
        addresses = {s.satker_id: f"{s.address}:{network.port}" for s in sites}
    return sites, live, result, log, naive, addresses


def test_draw_is_deterministic_and_skewed():
    rows = load_registry()
    first, again = national.draw_sites(rows), national.draw_sites(rows)
    assert first == again and len(first) == 552
    sizes = sorted(s.archive_size for s in first)
    assert 20 <= sizes[0] and sizes[-1] <= 3250 and 150 < sizes[len(sizes) // 2] < 600
    assert sizes[-1] // 6 > 500  # the deepest archives run past 500 listing pages
    assert len({s.address for s in first}) == 552 and all(s.address.startswith("127.1.") for s in first)
    assert {s.behaviour for s in first} == {"ok", "slow", "dead_refused", "dead_503"}
    assert all(0 <= s.n_new <= 10 for s in first)


def test_articles_are_derived_consistently():
    site = tiny_sites()[1]  # blog_slug: slug-keyed URLs for recent articles
    for k in (0, site.archive_size - 1, site.total - 1):
        path = national.article_path(site, k)
        assert article_number(site, path) == k and respond(site, path)[0] == 200
        assert national.article_key_of(site, k) == national.article_key(site.satker_id, f"http://h{path}")
    assert respond(site, "/blog/read/999999_nothing")[0] == 404
    dates = [national.article_date(site, k) for k in range(site.total)]
    assert dates == sorted(dates) and dates[-1] < national.CRAWL_DATE


def test_bound_and_spacing_from_a_log():
    sites = [dataclasses.replace(s, latency_s=lat) for s, lat in zip(tiny_sites()[:2], (0.2, 3.0))]
    log = [(sites[0].index, "/", 10.0 + i * 1.0, 200) for i in range(5)] + \
          [(sites[1].index, "/", 10.5 + i * 3.0, 200) for i in range(3)]
    # host 0: 4 x 1 s + 0.2 s; host 1 (slower than the 1 s spacing): 2 x 3 s + 3 s
    assert national.politeness_bound(log, sites) == (9.0, sites[1].index)
    assert national.min_host_spacing(log) == pytest.approx(1.0)


@pytest.mark.parametrize("processes, wall, ratio", [(1, 84.4, 1.24), (2, 76.5, 1.12)])
def test_the_default_nightly_is_the_run_the_default_processes_make(monkeypatch, processes, wall, ratio):
    monkeypatch.setattr(national, "default_processes", lambda: processes)
    figures = {"nightly_wall_s": 84.4, "nightly_bound_ratio": 1.24, "nightly_2proc_wall_s": 76.5,
               "nightly_2proc_bound_ratio": 1.12}
    assert national.default_nightly_figures(figures) == {
        "nightly_default_processes": processes, "nightly_default_wall_s": wall, "nightly_default_bound_ratio": ratio}


def test_nightly_finds_exactly_the_new_articles(tiny_nightly):
    sites, live, result, _, _, _ = tiny_nightly
    assert result.finished
    fetched = [row["article_key"] for row in national.fetched_articles(result.crawl_dir)]
    assert sorted(fetched) == sorted(national.new_article_keys(live)) and len(fetched) == 20


def test_nightly_reads_only_the_listing_pages_it_must(tiny_nightly):
    sites, live, _, log, _, _ = tiny_nightly
    for site in live:
        listing = [t for i, t, _, _ in log if i == site.index and national.is_listing_target(t)]
        assert len(listing) == national.listing_pages_needed(site, REFRESH_FROM), site.satker_id
    assert national.listing_pages_needed(live[0], REFRESH_FROM) >= 4


def test_requests_stay_on_the_sites_own_hosts(tiny_nightly):
    sites, live, result, log, _, addresses = tiny_nightly
    for row in national.fetched_articles(result.crawl_dir):
        assert urlsplit(row["url"]).netloc == addresses[row["satker_id"]]
    by_index = {s.index: s for s in sites}
    for index, target, _, status in log:
        site = by_index[index]
        own = target in ("/robots.txt", "/") or national.is_listing_target(target) \
            or article_number(site, urlsplit(target).path) is not None
        assert own and status == (503 if site.behaviour == "dead_503" else 200), (site.satker_id, target)


def test_naive_peer_finds_the_same_new_articles(tiny_nightly):
    sites, live, _, _, naive, _ = tiny_nightly
    assert naive.new_keys == national.new_article_keys(live)
    assert naive.failed_sites == [sites[4].satker_id]


def test_the_server_logs_arrivals_on_the_measuring_process_clock(tmp_path):
    """The log's times and the crawl's start share the monotonic clock, so a wall-clock step
    during a run moves neither the gaps nor the time the last live host answered."""
    import time
    import urllib.request

    site = tiny_sites()[0]
    with NationalNetwork([site]) as network:
        before = time.monotonic()
        with urllib.request.urlopen(network.base_url(site) + "/robots.txt", timeout=10) as response:
            assert response.status == 200
        after = time.monotonic()
        ((index, target, arrived, status),) = network.take_log(tmp_path / "log")
    assert (index, target, status) == (site.index, "/robots.txt", 200)
    assert before <= arrived <= after
