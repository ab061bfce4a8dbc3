"""Per-host backoff arithmetic (spiders/backoff.py): a failure doubles the host's download
delay from KPU_BACKOFF_START_S up to KPU_BACKOFF_MAX_S; a good response halves it back
towards DOWNLOAD_DELAY, never below."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from kpu_berita.spiders.backoff import BackoffOnFailure
from kpu_berita.spiders.settings import LOOPBACK, POLITE

SLOT = "kab-serang.kpu.go.id"


def middleware(profile: dict, delay: float | None = None):
    settings = Settings({**POLITE, **profile})
    slot = SimpleNamespace(delay=settings.getfloat("DOWNLOAD_DELAY") if delay is None else delay)
    crawler = SimpleNamespace(settings=settings, stats=None,
                              engine=SimpleNamespace(downloader=SimpleNamespace(slots={SLOT: slot})))
    crawler.stats = MemoryStatsCollector(crawler)
    return BackoffOnFailure.from_crawler(crawler), slot, crawler


def request():
    return Request(f"https://{SLOT}/blog/read/1_a", meta={"download_slot": SLOT})


def answer(mw, status: int):
    req = request()
    return mw.process_response(req, Response(req.url, status=status))


def test_failures_double_the_delay_from_start_up_to_the_cap():
    mw, slot, crawler = middleware({})
    delays = []
    for _ in range(6):
        answer(mw, 503)
        delays.append(slot.delay)
    assert delays == [2.0, 4.0, 8.0, 16.0, 16.0, 16.0]  # from the 1 s floor, capped at 16 s
    assert crawler.stats.get_value("backoff/count") == 6


def test_first_failure_without_a_delay_starts_at_the_start_value():
    mw, slot, _ = middleware(LOOPBACK)  # DOWNLOAD_DELAY 0: doubling 0 would never back off
    answer(mw, 429)
    assert slot.delay == LOOPBACK["KPU_BACKOFF_START_S"] == 0.05
    answer(mw, 500)
    assert slot.delay == pytest.approx(0.1)


def test_good_responses_halve_the_delay_back_to_the_floor_not_below():
    mw, slot, _ = middleware({}, delay=16.0)
    delays = []
    for _ in range(6):
        answer(mw, 200)
        delays.append(slot.delay)
    assert delays == [8.0, 4.0, 2.0, 1.0, 1.0, 1.0]


def test_a_download_error_backs_off_like_a_retryable_status():
    mw, slot, _ = middleware({})
    assert mw.process_exception(request(), TimeoutError("timed out")) is None  # Scrapy's retry goes on
    assert slot.delay == 2.0


def test_a_status_that_is_not_retried_does_not_back_off():
    mw, slot, crawler = middleware({}, delay=4.0)
    answer(mw, 404)
    assert slot.delay == 2.0  # a 404 is an answer: the host is fine
    assert crawler.stats.get_value("backoff/count") is None
