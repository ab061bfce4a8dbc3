"""Per-host exponential backoff on failures, which Scrapy's RetryMiddleware lacks: it
re-queues a failed request at once, so a struggling site would get the retry (and the
rest of our queue) at full pace.

A retryable status (RETRY_HTTP_CODES: 5xx, 408, 429) or a download error doubles that host's
download delay, up to KPU_BACKOFF_MAX_S; each good response halves it back towards the
host's floor. The delay lives on Scrapy's own download slot, so the scheduler applies it.

What the site asks for is obeyed too, which Scrapy leaves aside: a `Crawl-delay` in its
robots.txt raises that host's floor (DOWNLOAD_DELAY) to it, and a `Retry-After` on a 429 or
503 keeps the next request that long away. Both are capped (KPU_SITE_DELAY_MAX_S): a site
asking for an hour between requests would never finish its crawl; the cap is said in the log.
"""
from __future__ import annotations

import email.utils
import logging
import time
from urllib.parse import urlsplit

from protego import Protego

logger = logging.getLogger(__name__)


class BackoffOnFailure:
    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.floor = settings.getfloat("DOWNLOAD_DELAY")
        self.start = settings.getfloat("KPU_BACKOFF_START_S", 1.0)
        self.ceiling = settings.getfloat("KPU_BACKOFF_MAX_S", 16.0)
        self.retry_codes = set(settings.getlist("RETRY_HTTP_CODES", []))
        self.site_delay_max = settings.getfloat("KPU_SITE_DELAY_MAX_S", 60.0)
        self.user_agent = settings.get("USER_AGENT", "")
        self.floors: dict[str, float] = {}  # download slot -> the delay its robots.txt asks for

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

    def _site_asks(self, request, seconds: float, why: str) -> float:
        """`seconds` (what the site asked for) within the cap, and the slot's delay at least that."""
        wanted = min(seconds, self.site_delay_max)
        if wanted < seconds:
            logger.warning("%s asks for %.0f s (%s); waiting %.0f s", request.meta.get("download_slot"), seconds, why,
                           wanted)
        slot = self._slot(request)
        if slot is not None:
            slot.delay = max(slot.delay, wanted)
        return wanted

    def process_response(self, request, response, spider=None):
        key = request.meta.get("download_slot")
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            asked = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
            if asked and asked > self.floor:
                self.floors[key] = self._site_asks(request, float(asked), "robots.txt Crawl-delay")
                self.crawler.stats.inc_value("politeness/crawl_delay_hosts")
        if response.status in self.retry_codes:
            self._back_off(request, f"HTTP {response.status}")
            retry_after = retry_after_s(response.headers.get(b"Retry-After"))
            if retry_after and response.status in (429, 503):
                self._site_asks(request, retry_after, f"Retry-After on HTTP {response.status}")
                self.crawler.stats.inc_value("politeness/retry_after")
        else:
            floor = self.floors.get(key, self.floor)
            slot = self._slot(request)
            if slot is not None and slot.delay > floor:
                slot.delay = max(floor, slot.delay / 2)
        return response

    def process_exception(self, request, exception, spider=None):
        self._back_off(request, type(exception).__name__)
        return None


def retry_after_s(value: bytes | None, now: float | None = None) -> float | None:
    """A Retry-After header's wait in seconds: a number of seconds or an HTTP date; None if
    absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
