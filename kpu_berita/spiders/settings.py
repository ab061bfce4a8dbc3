"""Scrapy settings. Production defaults are polite; the loopback profile only lowers the
delays for the demo network and tests, and refuses to run against any other address."""
from __future__ import annotations

from urllib.parse import urlsplit
import ipaddress

USER_AGENT = "kpu-berita/0.1 (+https://github.com/kpu-berita/kpu-berita; crawler of public KPU news for Bakohumas reports)"

POLITE = {
    "BOT_NAME": "kpu-berita",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    # many hosts at once (the national network is ~552 hosts), but one request in flight per
    # host, the next >= 1 s after it reached the server (politeness.SpaceAtServer): >= 1 s
    # apart as the server sees them, not only as we send them
    "CONCURRENT_REQUESTS": 128,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_DELAY": 1.0,
    # Scrapy's randomisation waits 0.5x-1.5x the delay; that would break the >= 1 s promise
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "DOWNLOAD_TIMEOUT": 30,
    # 10 MB is ten times the largest real article page; also caps decompressed size
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    # Scrapy 2.19's remote control: an HTTP endpoint on localhost that runs Python code in the
    # crawl, a token file per crawl left under ~/.local/state/scrapy; a nightly needs neither
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "ITEM_PIPELINES": {"kpu_berita.spiders.raw_store.WriteRawItems": 100},
    # after HttpCompressionMiddleware (590) in the response path, so bodies are stored decoded
    "DOWNLOADER_MIDDLEWARES": {"kpu_berita.spiders.archive.ArchiveResponses": 580,
                               # sees responses before RetryMiddleware (550) re-queues them
                               "kpu_berita.spiders.backoff.BackoffOnFailure": 560,
                               # Scrapy's RetryMiddleware with a per-host budget (politeness.py)
                               "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                               "kpu_berita.spiders.politeness.RetryBudget": 550,
                               # last before the download handler: spacing as the server sees it
                               "kpu_berita.spiders.politeness.SpaceAtServer": 990},
    # a request whose round trip is longer than this counts as having reached the server
    # this long after it was sent (the rest was the server working); a quicker one counts
    # from its answer (politeness.SpaceAtServer)
    "KPU_REACH_ALLOWANCE_S": 0.5,
    # retries a host gets in all before its first good answer (politeness.RetryBudget);
    # RETRY_TIMES caps each request
    "KPU_RETRY_BUDGET_PER_HOST": 2,
    # a failing host's delay doubles from 1 s up to 16 s (spiders/backoff.py); longer caps
    # made a few dead sites hold the national nightly run open for minutes (PERFORMANCE.md)
    "KPU_BACKOFF_START_S": 1.0,
    "KPU_BACKOFF_MAX_S": 16.0,
    # the longest wait between two requests a site's robots.txt Crawl-delay or Retry-After
    # header gets (spiders/backoff.py): longer would keep one site's crawl open for days
    "KPU_SITE_DELAY_MAX_S": 60.0,
    # Scrapy starts this many tasks per callback's output; our pipeline writes synchronously,
    # and the default 100 cost ~17% of the crawl's CPU on the national benchmark
    "CONCURRENT_ITEMS": 16,
    # bounded listing walks; see BeritaSpider.max_pages
    "KPU_MAX_LISTING_PAGES": 2000,
    # a walk stops after this many article pages in a row failed for good (two listing
    # pages' worth): the site is broken tonight, and the next crawl asks for them again
    "KPU_MAX_ARTICLE_FAILURES_IN_A_ROW": 12,
}

# For the demo network and tests on 127.0.0.0/8 only: same code path, shorter waits.
LOOPBACK = {
    "DOWNLOAD_DELAY": 0.0,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "WARNING",
    "KPU_BACKOFF_START_S": 0.05,
    "KPU_BACKOFF_MAX_S": 0.5,
}

PROFILES = {"polite": {}, "loopback": LOOPBACK}


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def crawl_settings(profile: str, base_urls: list[str], overrides: dict | None = None) -> dict:
    """Polite defaults + the named profile + explicit overrides.

    The `loopback` profile (no delays) is refused unless every site is on 127.0.0.0/8,
    so a fast test setting can never be pointed at the real network by mistake.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown crawl profile {profile!r}; choose one of {sorted(PROFILES)}")
    if profile == "loopback":
        remote = [u for u in base_urls if not is_loopback_url(u)]
        if remote:
            raise ValueError(f"the loopback profile is for 127.0.0.0/8 only, not {remote[0]}")
    settings = dict(POLITE)
    settings.update(PROFILES[profile])
    settings.update(overrides or {})
    return settings
