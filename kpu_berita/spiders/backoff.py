"""Per-host exponential backoff on failures, which Scrapy's RetryMiddleware lacks: it
re-queues a failed request at once, so a struggling site would get the retry (and the
rest of our queue) at full pace.

A retryable status (RETRY_HTTP_CODES: 5xx, 408, 429) or a download error doubles that host's
download delay, up to KPU_BACKOFF_MAX_S; each good response halves it back towards
DOWNLOAD_DELAY. The delay lives on Scrapy's own download slot, so the scheduler applies it.
"""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class BackoffOnFailure:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.floor = settings.getfloat("DOWNLOAD_DELAY")
        self.start = settings.getfloat("KPU_BACKOFF_START_S", 1.0)
        self.ceiling = settings.getfloat("KPU_BACKOFF_MAX_S", 16.0)
        self.retry_codes = set(settings.getlist("RETRY_HTTP_CODES", []))

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _slot(self, request):
        downloader = getattr(self.crawler.engine, "downloader", None)
        key = request.meta.get("download_slot")
        return downloader.slots.get(key) if downloader is not None and key else None

    def _back_off(self, request, why: str) -> None:
        slot = self._slot(request)
        if slot is None:
            return
        slot.delay = min(self.ceiling, max(slot.delay * 2, self.start))
        self.crawler.stats.inc_value("backoff/count")  # not kpu/: those are per-satker
        logger.info("backing off %s to %.1f s between requests (%s)", request.meta.get("download_slot"), slot.delay, why)

    def process_response(self, request, response, spider=None):
        if response.status in self.retry_codes:
            self._back_off(request, f"HTTP {response.status}")
        else:
            slot = self._slot(request)
            if slot is not None and slot.delay > self.floor:
                slot.delay = max(self.floor, slot.delay / 2)
        return response

    def process_exception(self, request, exception, spider=None):
        self._back_off(request, type(exception).__name__)
        return None
