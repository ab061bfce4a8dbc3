"""Per-site retry budget and request spacing measured where the server sees it."""
from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace
from time import monotonic

import scrapy
from scrapy.utils.test import get_crawler

from benchmarks import national
from benchmarks.national_server import NationalNetwork
from kpu_berita.registry import load_registry
from kpu_berita.spiders.politeness import RetryBudget, SpaceAtServer
from kpu_berita.spiders.run import run_crawl
from kpu_berita.spiders.settings import crawl_settings


def budget_middleware(budget: int) -> RetryBudget:
    crawler = get_crawler(scrapy.Spider, {**crawl_settings("polite", ["https://a.kpu.go.id"]),
                                          "KPU_RETRY_BUDGET_PER_HOST": budget})
    crawler.spider = scrapy.Spider.from_crawler(crawler, "t")
    return RetryBudget.from_crawler(crawler)


def request(url: str, slot: str) -> scrapy.Request:
    return scrapy.Request(url, meta={"download_slot": slot})


def test_a_host_that_fails_everything_gets_only_its_retry_budget():
    middleware = budget_middleware(3)
    retried = [middleware._retry(request(f"https://a.kpu.go.id/{n}", "a.kpu.go.id"), "503") for n in range(6)]
    assert [r is not None for r in retried] == [True, True, True, False, False, False]
    assert middleware.crawler.stats.get_value("retry/budget_exhausted") == 3


def test_the_budget_is_per_host_not_per_crawl():
    middleware = budget_middleware(1)
    assert middleware._retry(request("https://a.kpu.go.id/x", "a.kpu.go.id"), "503") is not None
    assert middleware._retry(request("https://a.kpu.go.id/y", "a.kpu.go.id"), "503") is None
    assert middleware._retry(request("https://b.kpu.go.id/x", "b.kpu.go.id"), "503") is not None


class FakeSlots:
    def __init__(self):
        self.slot = SimpleNamespace(lastseen=0.0)
        self.slots = {"a.kpu.go.id": self.slot}


def spacing_middleware(allowance_s: float = 0.5):
    downloader = FakeSlots()
    crawler = SimpleNamespace(engine=SimpleNamespace(downloader=downloader))
    return SpaceAtServer(crawler, allowance_s), downloader.slot


def answered(middleware, round_trip_s: float | None) -> float:
    """Hand the middleware an answer whose round trip took `round_trip_s`; the moment it did."""
    req = request("https://a.kpu.go.id/x", "a.kpu.go.id")
    if round_trip_s is not None:
        req.meta["download_latency"] = round_trip_s
    before = monotonic()
    middleware.process_response(req, scrapy.http.Response(req.url))
    return before


def test_after_a_quick_answer_the_delay_counts_from_the_answer():
    middleware, slot = spacing_middleware(allowance_s=0.5)
    slot.lastseen = monotonic() - 0.4  # dequeued 0.4 s ago: Scrapy would count from then
    at = answered(middleware, round_trip_s=0.3)
    assert slot.lastseen >= at


def test_after_a_slow_answer_the_delay_counts_from_the_send_plus_the_allowance():
    middleware, slot = spacing_middleware(allowance_s=0.5)
    at = answered(middleware, round_trip_s=3.0)  # the server worked 3 s: the wait overlaps it
    assert at - 2.5 <= slot.lastseen <= monotonic() - 2.5


def test_the_slot_clock_never_moves_back():
    middleware, slot = spacing_middleware()
    slot.lastseen = monotonic() + 5.0  # already later than any estimate this answer gives
    answered(middleware, round_trip_s=3.0)
    assert slot.lastseen >= monotonic() + 4.0


def test_after_a_failure_the_delay_counts_from_the_failure():
    middleware, slot = spacing_middleware()
    req = request("https://a.kpu.go.id/x", "a.kpu.go.id")
    before = monotonic()
    middleware.process_exception(req, TimeoutError())
    assert slot.lastseen >= before


def test_one_request_in_flight_per_host_in_production():
    settings = crawl_settings("polite", ["https://a.kpu.go.id"])
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["DOWNLOAD_DELAY"] >= 1.0


def test_a_real_crawl_keeps_the_delay_at_the_server_for_quick_and_slow_hosts(tmp_path):
    """The national benchmark's server logs when each request arrives. A quick host (round
    trips under the allowance) and a slow one (round trips over it but under the delay,
    where the wait overlaps the answer) are crawled with a 0.3 s delay and a 0.15 s
    allowance, lowered through settings as the loopback profile allows: no two requests
    to one host arrive closer than the delay."""
    shape = national.NetworkShape(median_archive=20, min_archive=15, max_archive=25, latency_s=(0.0, 0.0),
                                  slow_share=0.0, dead_share=0.0)
    quick, slow = national.draw_sites(load_registry()[:2], shape, seed=3)
    sites = [dataclasses.replace(quick, n_new=6), dataclasses.replace(slow, n_new=6, latency_s=0.25)]
    delay_s = 0.3
    with NationalNetwork(sites) as network:
        result = run_crawl(tmp_path / "home", national.crawl_targets(network, sites),
                           refresh_from=dt.date(2025, 10, 1).isoformat(), known=national.nightly_known(sites),
                           profile="loopback", crawl_date=national.CRAWL_DATE.isoformat(),
                           overrides={"DOWNLOAD_DELAY": delay_s, "KPU_REACH_ALLOWANCE_S": 0.15})
        log = network.take_log(tmp_path / "server.log")
    assert result.finished and result.returncode == 0
    per_host = national.requests_per_host(log)
    assert sorted(per_host) == [s.index for s in sites] and min(per_host.values()) >= 5
    assert national.min_host_spacing(log) >= delay_s, national.host_gaps(log)
