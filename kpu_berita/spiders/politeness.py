"""Politeness Scrapy's own middlewares leave to us: spacing measured where the server sees
it, and a per-site budget of retries.

Scrapy's download slot spaces requests by the moment it *dequeues* them. When the crawler's
CPU is busy, a request can sit between dequeue and the socket for a few hundred ms, and the
next one then reaches the server less than DOWNLOAD_DELAY after it (4% of gaps were under
1 s on the national benchmark, docs/PERFORMANCE.md). With one request in flight per host
(CONCURRENT_REQUESTS_PER_DOMAIN = 1), `SpaceAtServer` moves the slot's clock (`lastseen`),
when an answer arrives, to the latest moment the request can have reached the server:

* a quick answer (round trip under KPU_REACH_ALLOWANCE_S): the answer's own arrival. The
  server got the request before it answered, so the next request reaches it at least the
  slot's delay after this one however busy either side is;
* a slow answer: the moment the download handler sent the request (now - its measured
  `download_latency`) plus the allowance. A slow round trip is the server working, not the
  request travelling, so the wait for the next request overlaps it instead of following
  it: a 3.6 s host is asked every ~3.7 s, not every ~4.8 s (the national nightly went from
  1.34x to 1.06x its politeness bound, no gap under 1 s at the server, also with the CPU
  saturated). Only a request that took longer than the allowance to *reach* the server
  could arrive closer than the delay; on the national benchmark the smallest gap stayed
  1.05 s.
* a failure (no round trip measured): the failure's arrival.

(Moving the clock to the round trip's midpoint for every answer left gaps of 0.62 s under
load: quick answers stay strict here.)

`RetryBudget` is Scrapy's RetryMiddleware with a per-host budget for hosts that have not
answered well yet: until its first good answer, a host gets KPU_RETRY_BUDGET_PER_HOST retries
in all. A site that answers 503 to everything spends them on robots.txt and fails fast
(home page and listing without retries) instead of holding the night open with backed-off
attempts. A host that has answered well keeps Scrapy's per-request retries (RETRY_TIMES), so
a working site with bursts of errors (tests/test_crawl_faults.py: every article's first two
requests answered 503) loses nothing.
"""
from __future__ import annotations

from collections import Counter
from time import monotonic

from scrapy.downloadermiddlewares.retry import RetryMiddleware


def _slot(crawler, request):
    downloader = getattr(crawler.engine, "downloader", None)
    key = request.meta.get("download_slot")
    return downloader.slots.get(key) if downloader is not None and key else None


class SpaceAtServer:
    def __init__(self, crawler, allowance_s: float):
        self.crawler = crawler
        self.allowance_s = allowance_s

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("KPU_REACH_ALLOWANCE_S"))

    def _answered(self, request, round_trip_s: float | None) -> None:
        slot = _slot(self.crawler, request)
        if slot is None:
            return
        now = monotonic()
        # when the request reached the server at the latest: at its answer, or for a slow
        # answer within `allowance` of being sent (now - round trip); the delay counts from there
        reached_by = now if round_trip_s is None else now - max(0.0, round_trip_s - self.allowance_s)
        slot.lastseen = max(slot.lastseen, reached_by)

    def process_response(self, request, response, spider=None):
        self._answered(request, request.meta.get("download_latency"))
        return response

    def process_exception(self, request, exception, spider=None):
        self._answered(request, None)  # no round trip measured: count from the failure
        return None


class RetryBudget(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.budget = settings.getint("KPU_RETRY_BUDGET_PER_HOST", 2)
        self.spent: Counter = Counter()
        self.good: Counter = Counter()

    def process_response(self, request, response, spider=None):
        if response.status not in self.retry_http_codes:
            self.good[request.meta.get("download_slot") or request.url] += 1
        return super().process_response(request, response)

    def _retry(self, request, reason):
        host = request.meta.get("download_slot") or request.url
        if not self.good[host] and self.spent[host] >= self.budget:
            self.crawler.stats.inc_value("retry/budget_exhausted")
            return None
        retry = super()._retry(request, reason)
        if retry is not None:
            self.spent[host] += 1
        return retry
