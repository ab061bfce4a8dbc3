"""Typed items the spiders yield. The raw store keeps them as JSON lines, one per item.

These dataclasses are the one declaration of the raw schema: staging reads the JSON lines
with the columns `raw_columns()` derives from them, the staged Parquet files carry their
fields, and tests/test_raw_schema.py holds the warehouse's raw_* tables to them.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields


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
    seen_at: str = field(metadata={"sql": "TIMESTAMPTZ"})  # ISO timestamp, UTC
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
    fetched_at: str = field(metadata={"sql": "TIMESTAMPTZ"})
    kind: str = field(default="article", init=False)
    lead_image_url: str | None = None  # og:image, else the first image of the body
    # the published date, decided once when the page is fetched (dates.decide_article_date)
    published_date: str | None = field(default=None, metadata={"sql": "DATE"})  # ISO date
    date_source: str | None = None  # header | meta | listing | dateline | sentence
    date_raw: str | None = None  # the text it came from
    date_flag: str | None = None  # e.g. implausible_year:2028
    year_inferred: bool | None = None  # a dateline without a year, resolved against the crawl date


@dataclass
class CrawlError:
    """A request that failed for good (after retries), counted per satker and kind."""

    satker_id: str
    url: str
    error: str  # "http_500", "timeout", "dns", "too_large", ...
    at: str = field(metadata={"sql": "TIMESTAMPTZ"})
    kind: str = field(default="error", init=False)


ITEM_KINDS = {"listing": ListingObservation, "article": ArticlePage, "error": CrawlError}
_SQL_TYPES = {str: "VARCHAR", int: "INTEGER", bool: "BOOLEAN"}


def item_columns(item_class) -> dict[str, str]:
    """field -> DuckDB type of one item class (without `kind`)."""
    hints = typing.get_type_hints(item_class)
    columns = {}
    for f in fields(item_class):
        if f.name == "kind":
            continue
        python_type = next(t for t in typing.get_args(hints[f.name]) or (hints[f.name],) if t is not type(None))
        columns[f.name] = f.metadata.get("sql") or _SQL_TYPES[python_type]
    return columns


def raw_columns() -> dict[str, str]:
    """Every column of the raw JSON lines (all kinds of item), with its DuckDB type."""
    columns = {"kind": "VARCHAR"}
    for item_class in ITEM_KINDS.values():
        columns.update(item_columns(item_class))
    return columns
