"""Typed items the spiders yield. The raw store keeps them as JSON lines, one per item."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ListingObservation:
    """One article as seen on a listing page: what the site showed, where, when."""

    satker_id: str
    url: str
    article_key: str
    title: str
    views: int | None
    date_text: str | None  # only some templates print a date on the listing
    page: int
    position: int  # 0-based position on the page, newest first
    listing_url: str
    seen_at: str  # ISO timestamp, UTC
    kind: str = field(default="listing", init=False)


@dataclass
class ArticlePage:
    """One article page as fetched: the raw fields, before any cleaning."""

    satker_id: str
    url: str
    article_key: str
    title: str
    header_text: str | None  # e.g. "Ditulis Oleh: ADMIN Tanggal: 15 September 2021"
    meta_date: str | None  # ISO date from <meta>/<time>, when the page has one
    author: str | None
    body: str
    views: int | None
    listing_title: str | None
    listing_page: int | None
    listing_position: int | None
    fetched_at: str
    kind: str = field(default="article", init=False)
    lead_image_url: str | None = None  # og:image, else the first image of the body


@dataclass
class CrawlError:
    """A request that failed for good (after retries), counted per satker and kind."""

    satker_id: str
    url: str
    error: str  # "http_500", "timeout", "dns", "too_large", ...
    at: str
    kind: str = field(default="error", init=False)
