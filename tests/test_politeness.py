"""Per-site retry budget and request spacing measured where the server sees it."""
from __future__ import annotations

from types import SimpleNamespace
import time
from time import monotonic

import scrapy
from scrapy.utils.test import get_crawler

from kpu_berita.spiders.politeness import RetryBudget, SpaceAtServer
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


def spacing_middleware():
    downloader = FakeSlots()
    crawler = SimpleNamespace(engine=SimpleNamespace(downloader=downloader))
    return SpaceAtServer(crawler), downloader.slot


def test_the_slot_clock_starts_when_the_request_reaches_the_handler_not_when_dequeued():
    middleware, slot = spacing_middleware()
    slot.lastseen = monotonic() - 0.4  # dequeued 0.4 s ago; the busy loop handed it over only now
    before = monotonic()
    middleware.process_request(request("https://a.kpu.go.id/x", "a.kpu.go.id"))
    assert slot.lastseen >= before


def test_the_slot_clock_moves_to_the_answer_so_the_next_request_follows_it_by_the_delay():
    middleware, slot = spacing_middleware()
    req = request("https://a.kpu.go.id/x", "a.kpu.go.id")
    middleware.process_request(req)
    handed = slot.lastseen
    time.sleep(0.05)  # the round trip
    middleware.process_response(req, scrapy.http.Response(req.url))
    assert slot.lastseen >= handed + 0.05


def test_one_request_in_flight_per_host_in_production():
    settings = crawl_settings("polite", ["https://a.kpu.go.id"])
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["DOWNLOAD_DELAY"] >= 1.0
