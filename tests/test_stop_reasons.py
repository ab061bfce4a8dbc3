"""Why a satker's listing walk stops (BeritaSpider.stop_reason, pure given the walk's state):
past `--since`, and at KPU_MAX_LISTING_PAGES."""
from __future__ import annotations

import datetime as dt

import pytest
from scrapy.utils.test import get_crawler

from kpu_berita.spiders.berita import BeritaSpider, SiteWalk

SITE = {"satker_id": "kab-serang", "base_url": "http://127.0.0.1:8000"}


def spider(since: str | None = None, max_pages: int = 2000, known: dict | None = None) -> BeritaSpider:
    spec = {"sites": [SITE], "since": since, "crawl_date": "2025-12-01", "known": known or {}}
    crawler = get_crawler(BeritaSpider, {"KPU_MAX_LISTING_PAGES": max_pages})
    return BeritaSpider.from_crawler(crawler, spec=spec)


def walk(page: int, dates: dict[str, dt.date | None]) -> SiteWalk:
    """A walk that has just finished `page`, whose items (all new this crawl) have `dates`."""
    return SiteWalk(SITE["satker_id"], SITE["base_url"], page=page, page_items=list(dates),
                    page_is_new=True, dates=dict(dates))


def test_page_older_than_since_stops_the_walk():
    page = walk(2, {"kab-serang/id:12": dt.date(2025, 11, 10), "kab-serang/id:11": dt.date(2025, 10, 26)})
    assert spider(since="2025-11-20").stop_reason(page) == "older_than_since"


def test_page_with_one_article_on_or_after_since_goes_on():
    page = walk(2, {"kab-serang/id:12": dt.date(2025, 11, 20), "kab-serang/id:11": dt.date(2025, 10, 26)})
    assert spider(since="2025-11-20").stop_reason(page) is None


def test_since_compares_articles_known_from_the_warehouse_too():
    # an article already stored is not fetched again: its stored date decides
    page = walk(3, {"kab-serang/id:5": None})
    page.dates = {}
    assert spider(since="2025-11-20", known={"kab-serang/id:5": "2025-01-02"}).stop_reason(page) == "older_than_since"


def test_undated_page_does_not_stop_the_walk_at_since():
    page = walk(2, {"kab-serang/id:12": None})
    assert spider(since="2025-11-20").stop_reason(page) is None


def test_without_since_old_pages_go_on():
    page = walk(2, {"kab-serang/id:12": dt.date(2015, 3, 1)})
    assert spider().stop_reason(page) is None


@pytest.mark.parametrize("page, expected", [(2, None), (3, "max_pages"), (4, "max_pages")])
def test_walk_stops_at_max_listing_pages(page, expected):
    assert spider(max_pages=3).stop_reason(walk(page, {f"kab-serang/id:{page}": None})) == expected
