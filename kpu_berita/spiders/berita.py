"""BeritaSpider: walks each satker's "Berita Terkini" listing from page 1 and yields one
ListingObservation per item seen and one ArticlePage per article fetched.

A crawl's state is its raw items file: a crawl killed at any point and started again
reads the articles it already fetched from that file, walks the listings again from page 1
(cheap) and fetches only what is still missing, so it ends with the same articles as an
uninterrupted crawl, none lost and none fetched twice.

A site's walk goes one listing page at a time: page N+1 is requested only once the
articles of page N are in, because only then do we know how old page N is. The walk
stops at the end of the listing, at a page with no article we haven't seen in this crawl
(pagination traps), at a page older than `since`, or, on an incremental run, at a page
of articles we already have that are older than the refresh window.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeout

from kpu_berita.pipelines.clean import normalise_title
from kpu_berita.pipelines.dates import decide_article_date
from kpu_berita.pipelines.urls import article_key
from kpu_berita import site_knowledge as sk
from kpu_berita.spiders.extract import chosen_title, discover_category_id, extract_article, other_category_heading
from kpu_berita.spiders.listing import extract_listing
from kpu_berita.spiders.page_text import response_text
from kpu_berita.spiders.items import ArticlePage, CrawlError, ListingObservation


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class SiteWalk:
    """Where one satker's listing walk stands."""

    satker_id: str
    base_url: str
    category_id: int = sk.DEFAULT_CATEGORY_ID
    # where category_id came from: "registry" (no discovery), "menu" (the home page's own
    # link) or "fallback" (104, unchecked by either: page 1's heading is checked)
    category_source: str = "fallback"
    page: int = 0
    seen: set = field(default_factory=set)  # article keys seen on listings this crawl
    pending: set = field(default_factory=set)  # article pages of the current page not yet back
    page_items: list = field(default_factory=list)  # article keys on the current page
    page_is_new: bool = False
    dates: dict = field(default_factory=dict)  # article key -> date found this crawl
    failed_in_a_row: int = 0  # article pages that failed for good since the last one fetched
    stopped: str | None = None


class BeritaSpider(scrapy.Spider):
    """Crawl the Berita Terkini of the satker in `spec` (a crawl spec dict or JSON path)."""

    name = "berita"

    def __init__(self, spec: dict | str, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(spec, dict):
            spec = json.loads(Path(spec).read_text(encoding="utf-8"))
        self.spec = spec
        self.since = dt.date.fromisoformat(spec["since"]) if spec.get("since") else None
        self.refresh_from = dt.date.fromisoformat(spec["refresh_from"]) if spec.get("refresh_from") else None
        self.crawl_date = dt.date.fromisoformat(spec.get("crawl_date") or dt.date.today().isoformat())
        known = spec.get("known") or {}
        if isinstance(known, str):
            known = json.loads(Path(known).read_text(encoding="utf-8"))
        # article key -> ISO date (or None) of articles already in the warehouse, and the
        # listing title they had when their page was fetched
        self.known: dict[str, str | None] = {k: (v.get("date") if isinstance(v, dict) else v) for k, v in known.items()}
        self.known_titles: dict[str, str] = {k: normalise_title(v["title"]) for k, v in known.items()
                                             if isinstance(v, dict) and v.get("title")}
        # article key -> date of article pages this same crawl fetched before it was interrupted
        self.fetched_before: dict[str, dt.date | None] = {}
        if spec.get("resume_items"):
            self.fetched_before = self.read_fetched(Path(spec["resume_items"]), self.crawl_date)
        self.walks = {s["satker_id"]: SiteWalk(s["satker_id"], s["base_url"].rstrip("/"),
                                               category_id=s.get("category_id") or sk.DEFAULT_CATEGORY_ID,
                                               category_source="registry" if s.get("category_id") else "fallback")
                      for s in spec["sites"]}
        self.allowed_domains = sorted({urlsplit(w.base_url).hostname for w in self.walks.values()})

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    @staticmethod
    def read_fetched(items_path: Path, crawl_date: dt.date) -> dict[str, dt.date | None]:
        """Articles already in this crawl's items file (a torn last line is skipped)."""
        fetched = {}
        if not items_path.exists():
            return fetched
        with open(items_path, encoding="utf-8") as f:
            for line in f:
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if item.get("kind") != "article":
                    continue
                if item.get("date_source"):  # decided when it was fetched
                    day = item.get("published_date")
                    fetched[item["article_key"]] = dt.date.fromisoformat(day) if day else None
                else:  # an items file from before the decision was stored with the page
                    found = decide_article_date(header=item.get("header_text"), meta=item.get("meta_date"),
                                                body=item.get("body"), listing_date_text=None, reference=crawl_date)
                    fetched[item["article_key"]] = found.date if found else None
        return fetched

    @property
    def max_pages(self) -> int:
        return self.settings.getint("KPU_MAX_LISTING_PAGES", 2000)

    @property
    def max_failed_in_a_row(self) -> int:
        return self.settings.getint("KPU_MAX_ARTICLE_FAILURES_IN_A_ROW", 12)

    def _stat(self, satker_id: str, name: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"kpu/{satker_id}/{name}", count)

    async def start(self):
        for walk in self.walks.values():
            if walk.category_source == "registry":
                yield self._listing_request(walk, 1)
                continue
            yield scrapy.Request(walk.base_url + "/", callback=self.parse_home, errback=self.home_failed,
                                 cb_kwargs={"satker_id": walk.satker_id}, dont_filter=True)

    # -- home page: find the Berita Terkini category ------------------------------------
    def parse_home(self, response, satker_id):
        walk = self.walks[satker_id]
        found = discover_category_id(response_text(response), response.url)
        if found is None:
            self._stat(satker_id, "category_fallback")
        else:
            walk.category_id, walk.category_source = found, "menu"
        yield self._listing_request(walk, 1)

    def home_failed(self, failure):
        satker_id = failure.request.cb_kwargs["satker_id"]
        yield self._error(satker_id, failure)
        if error_kind(failure) in UNREACHABLE:
            # no server answers for this host tonight: its listing can't answer either, and
            # its stored articles stay; tomorrow's run tries again
            self._stop(self.walks[satker_id], "site_unreachable")
            return
        self._stat(satker_id, "category_fallback")
        # The home page failed after all its retries with an HTTP error or a timeout. Try the
        # listing once more (the home may be what's broken), but without retries, so a dead
        # site doesn't hold the whole nightly run open with backed-off attempts.
        request = self._listing_request(self.walks[satker_id], 1)
        request.meta["dont_retry"] = True
        yield request

    # -- listing pages -------------------------------------------------------------------
    def _listing_request(self, walk: SiteWalk, page: int):
        walk.page = page
        return scrapy.Request(sk.listing_url(walk.base_url, walk.category_id, page),
                              callback=self.parse_listing, errback=self.listing_failed,
                              cb_kwargs={"satker_id": walk.satker_id, "page": page})

    def parse_listing(self, response, satker_id, page):
        walk = self.walks[satker_id]
        self._stat(satker_id, "listing_pages")
        html = response_text(response)
        items = extract_listing(html, response.url)
        if page == 1 and items and walk.category_source == "fallback":
            heading = other_category_heading(html, response.url, {item.url for item in items})
            if heading:
                # no menu link said where Berita Terkini is, and 104 is another category
                # here: its articles are not the satker's news, and none is stored
                self.crawler.stats.set_value(f"kpu/{satker_id}/listing_heading", heading)
                self.crawler.stats.set_value(f"kpu/{satker_id}/category_id", walk.category_id)
                self._stop(walk, NOT_BERITA_TERKINI)
                return
        seen_at = now_iso()
        walk.page_items, walk.pending, walk.page_is_new = [], set(), False
        for position, item in enumerate(items):
            key = article_key(satker_id, item.url)
            walk.page_items.append(key)
            if key not in walk.seen:
                walk.seen.add(key)
                walk.page_is_new = True
            self._stat(satker_id, "listing_items")
            if item.views is not None:
                self._stat(satker_id, "view_snapshots")
            yield ListingObservation(satker_id=satker_id, url=item.url, article_key=key, title=item.title,
                                     views=item.views, date_text=item.date_text, page=page,
                                     position=position, listing_url=response.url, seen_at=seen_at)
            if key in self.fetched_before:
                walk.dates.setdefault(key, self.fetched_before[key])
            if key in walk.dates or key in walk.pending:
                continue
            if key in self.known:
                if not self.title_changed(key, item.title):
                    continue
                self._stat(satker_id, "retitled")  # corrected on the site: fetch the page again
            walk.pending.add(key)
            yield scrapy.Request(item.url, callback=self.parse_article, errback=self.article_failed,
                                 cb_kwargs={"satker_id": satker_id, "key": key, "listing_title": item.title,
                                            "listing_date_text": item.date_text, "page": page, "position": position})
        if not items:
            self._stat(satker_id, "empty_listing_pages")
        if not walk.pending:
            yield from self._after_page(walk)

    def title_changed(self, key: str, listing_title: str | None) -> bool:
        """The listing shows a known article under another title than when we fetched it."""
        before = self.known_titles.get(key)
        return bool(before and listing_title and normalise_title(listing_title) != before)

    def listing_failed(self, failure):
        satker_id, page = failure.request.cb_kwargs["satker_id"], failure.request.cb_kwargs["page"]
        if page > 1 and failure.check(HttpError) and failure.value.response.status in (404, 410):
            # the page after the last one "not found": some sites end their listing so, and the
            # walk has read it all (it was called a site that never answered)
            self._stop(self.walks[satker_id], "end_of_listing")
            return
        self._stop(self.walks[satker_id], "listing_error")  # the per-satker table said "-" for a site down all night
        yield self._error(satker_id, failure)

    # -- article pages -------------------------------------------------------------------
    def parse_article(self, response, satker_id, key, listing_title, page, position, listing_date_text=None):
        walk = self.walks[satker_id]
        walk.failed_in_a_row = 0
        self._stat(satker_id, "articles")
        data = extract_article(response_text(response), response.url)
        if data.views is not None:  # the article page's count is a snapshot too, as the listing's are
            self._stat(satker_id, "view_snapshots")
        found = decide_article_date(header=data.header_text, meta=data.meta_date, body=data.body,
                                    listing_date_text=listing_date_text, reference=self.crawl_date)
        walk.dates[key] = found.date if found else None
        yield ArticlePage(satker_id=satker_id, url=response.url, article_key=key,
                          title=chosen_title(data.title, listing_title), header_text=data.header_text,
                          meta_date=data.meta_date, author=data.author, body=data.body, views=data.views,
                          listing_title=listing_title, listing_page=page, listing_position=position,
                          fetched_at=now_iso(), lead_image_url=data.lead_image_url,
                          published_date=found.date.isoformat() if found and found.date else None,
                          date_source=found.source if found else "none", date_raw=found.raw if found else None,
                          date_flag=found.flag if found else None, year_inferred=bool(found and found.year_inferred))
        yield from self._article_done(walk, key)

    def article_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        walk = self.walks[kwargs["satker_id"]]
        walk.dates.setdefault(kwargs["key"], None)
        walk.failed_in_a_row += 1
        yield self._error(walk.satker_id, failure)
        yield from self._article_done(walk, kwargs["key"])

    def _article_done(self, walk: SiteWalk, key: str):
        walk.pending.discard(key)
        if not walk.pending:
            yield from self._after_page(walk)

    # -- when to stop ----------------------------------------------------------------------
    def _page_dates(self, walk: SiteWalk) -> list[dt.date]:
        dates = []
        for key in walk.page_items:
            value = walk.dates.get(key) or self.known.get(key)
            if isinstance(value, str):
                value = dt.date.fromisoformat(value)
            if value:
                dates.append(value)
        return dates

    def stop_reason(self, walk: SiteWalk) -> str | None:
        """Why the walk ends after the current page, or None to go on (pure given state)."""
        if walk.failed_in_a_row >= self.max_failed_in_a_row:
            # a site whose article pages all fail (each retried, backed off up to 16 s) held
            # the night open: 883 s for 62 articles, ~53 h for 3,000; its failed articles are
            # not known, so the next crawl asks for them again
            return ARTICLES_FAILING
        if not walk.page_items:
            return "end_of_listing"
        if not walk.page_is_new:
            return "no_new_urls"  # pagination trap, or a site that ignores ?page=
        if walk.page >= self.max_pages:
            return "max_pages"
        dates = self._page_dates(walk)
        if self.since and dates and max(dates) < self.since:
            return "older_than_since"
        if self.refresh_from is not None and all(k in self.known for k in walk.page_items):
            if dates and max(dates) < self.refresh_from:
                return "known_and_older_than_refresh_window"
        return None

    def _stop(self, walk: SiteWalk, reason: str) -> None:
        walk.stopped = reason
        self.crawler.stats.set_value(f"kpu/{walk.satker_id}/stop_reason", reason)

    def _after_page(self, walk: SiteWalk):
        reason = self.stop_reason(walk)
        if reason:
            self._stop(walk, reason)
            return
        yield self._listing_request(walk, walk.page + 1)

    # -- requests Scrapy drops without an errback -------------------------------------------
    # A page that redirects to a URL the crawl has asked for already (a deleted article sent
    # to the listing, an article sent to another one) is dropped by the scheduler's duplicate
    # filter, and one that redirects to another host by the offsite filter as it is
    # scheduled; neither calls the request's errback. The walk waited for those articles
    # for ever: the rest of the satker's listing was never read, and nothing said so.
    def request_scheduled(self, request, spider):
        host = urlsplit(request.url).hostname or ""
        if not request.dont_filter and not any(host == d or host.endswith("." + d) for d in self.allowed_domains):
            self.request_dropped(request, spider)  # the offsite filter drops it (OffsiteMiddleware)

    def request_dropped(self, request, spider):
        satker_id = request.cb_kwargs.get("satker_id")
        walk = self.walks.get(satker_id)
        if walk is None:
            return
        redirected_from = request.meta.get("redirect_urls")
        self.logger.warning("%s: %s dropped%s", satker_id, request.url,
                            f" (redirected from {redirected_from[0]})" if redirected_from else "")
        self._stat(satker_id, "errors/redirected_away" if redirected_from else "errors/dropped")
        if request.callback == self.parse_article:
            key = request.cb_kwargs["key"]
            walk.dates.setdefault(key, None)
            for next_page in self._article_done(walk, key):
                self.crawler.engine.crawl(next_page)
        elif request.callback == self.parse_listing:
            self._stop(walk, "listing_error")

    # -- errors --------------------------------------------------------------------------
    def _error(self, satker_id: str, failure) -> CrawlError:
        kind = error_kind(failure)
        self._stat(satker_id, f"errors/{kind}")
        return CrawlError(satker_id=satker_id, url=failure.request.url, error=kind, at=now_iso())


UNREACHABLE = ("refused", "dns")  # error kinds meaning no server answers for the host
# the stop reason of a walk whose category's page 1 is headed by another category's label
NOT_BERITA_TERKINI = "not_berita_terkini"
# ... and of one whose last KPU_MAX_ARTICLE_FAILURES_IN_A_ROW article pages all failed
ARTICLES_FAILING = "articles_failing"


def error_kind(failure) -> str:
    """A short, stable name for why a request failed for good (after retries)."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(DownloadTimeoutError, TwistedTimeout, TCPTimedOutError):
        return "timeout"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "dns"
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "refused"
    if failure.check(DownloadCancelledError):
        return "too_large"  # the download passed DOWNLOAD_MAXSIZE
    if failure.check(ResponseDataLossError):
        return "data_loss"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "DOWNLOAD_MAXSIZE" in message:
            return "too_large"  # decompressed past the cap: a gzip bomb or a huge page
        if "robots.txt" in message:
            return "robots"
        return "ignored"
    return type(failure.value).__name__
