"""Assemble cleaned articles from raw crawl items (pure functions, no IO).

One article per key: the newest fetch of its page, cleaned (boilerplate, credit),
dated (header > meta > the listing's own date > body dateline), year-less datelines
resolved against the article's listing neighbours, reposts flagged, analysts'
date corrections applied last.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

from kpu_berita.pipelines.clean import clean_body, detect_repost, normalise_title
from kpu_berita.pipelines.dates import YEAR_FROM_CRAWL_DATE, DateFinding, decide_article_date

# A site that posts at all posts at least every two months: an article older than its
# listing neighbour is assumed to be within 60 days of it when its dateline has no year.
OLDER_NEIGHBOUR_WINDOW = dt.timedelta(days=60)


@dataclass(frozen=True)
class SatkerInfo:
    satker_id: str
    name: str
    base_url: str


@functools.lru_cache(maxsize=4096)
def _hostname(base_url: str) -> str | None:
    """A satker site's host name: parsed once per satker, not once per article."""
    return urlsplit(base_url).hostname


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def _decided_date(page: dict, listing_date_text: str | None, reference: dt.date) -> DateFinding | None:
    """The date the spider decided when it fetched the page (stored with it), or, for a
    page stored before it did, the same decision made now."""
    if page.get("date_source"):
        if page["date_source"] == "none":
            return None
        return DateFinding(_as_date(page.get("published_date")), page.get("date_raw") or "", page["date_source"],
                           bool(page.get("year_inferred")), page.get("date_flag"))
    return decide_article_date(header=page.get("header_text"), meta=page.get("meta_date"), body=page.get("body"),
                               listing_date_text=listing_date_text, reference=reference)


def assemble_articles(pages: list[dict], listings: dict[str, dict], satker: dict[str, SatkerInfo],
                      corrections: dict[str, dict] | None = None,
                      known_dates: dict[str, dt.date] | None = None) -> list[dict]:
    """Rows for the `articles` table.

    pages: the newest raw article page per article_key.
    listings: article_key -> its listing observation (page, position, date_text, first_seen_at,
        crawl_id), for every article the listing showed, fetched or not.
    known_dates: dates the warehouse already holds for listed articles this crawl did not
        fetch; they bound year-less datelines of their new neighbours.
    """
    corrections = corrections or {}
    rows = []
    for page in pages:
        key = page["article_key"]
        listing = listings.get(key, {})
        info = satker[page["satker_id"]]
        fetched = _as_date(page.get("fetched_at")) or dt.date.today()
        found = _decided_date(page, listing.get("date_text"), fetched)
        source = found.source if found else None
        cleaned = clean_body(page.get("body") or "")
        title = (page.get("title") or page.get("listing_title") or "").strip()
        repost = detect_repost(title=title, body=cleaned.text, satker_name=info.name,
                               satker_host=_hostname(info.base_url))
        rows.append({
            "article_key": key,
            "satker_id": page["satker_id"],
            "url": page["url"],
            "title": title,
            "title_normalised": normalise_title(title),
            "published_date": found.date if found else None,
            "date_raw": found.raw if found else None,
            "date_source": source,
            "date_flag": found.flag if found else None,
            "_year_inferred": bool(found and found.year_inferred),
            "author": page.get("author"),
            "credit": cleaned.credit,
            "body": cleaned.text,
            "is_repost": repost is not None,
            "repost_source": repost,
            "list_order": _list_order(listing),
            "_crawl_id": listing.get("crawl_id"),
            "first_seen_at": listing.get("first_seen_at") or page.get("fetched_at"),
            "fetched_at": page.get("fetched_at"),
            "listing_title": page.get("listing_title"),
            "lead_image_url": page.get("lead_image_url"),
            "_page": page,
        })
    _resolve_yearless_dates(rows, _known_neighbours(listings, known_dates or {}, {p["article_key"] for p in pages}))
    for row in rows:
        fix = corrections.get(row["article_key"])
        if fix and fix.get("published_date"):
            row["published_date"] = _as_date(fix["published_date"])
            row["date_source"] = "correction"
        for private in _PRIVATE_KEYS:
            del row[private]
    return rows


# the keys assemble_articles adds for its own use (the year-less dates' pass), not columns
_PRIVATE_KEYS = ("_year_inferred", "_crawl_id", "_page")


def _list_order(listing: dict) -> int | None:
    if listing.get("page") is None:
        return None
    return (int(listing["page"]) - 1) * 1000 + int(listing.get("position") or 0)


def _known_neighbours(listings: dict[str, dict], known_dates: dict[str, dt.date], fetched: set[str]) -> list[dict]:
    """Listed articles with a stored date, as firm neighbours in the listing order. A known
    article listed above one this crawl saw for the first time is pinned there (new posts
    go on top of a newest-first listing): it bounds nobody."""
    newest_new = {}
    for key, listing in listings.items():
        if key in fetched and key not in known_dates and listing.get("page") is not None:
            order = _list_order(listing)
            newest_new[listing["satker_id"]] = max(order, newest_new.get(listing["satker_id"], order))
    neighbours = []
    for key, listing in listings.items():
        if not known_dates.get(key) or listing.get("page") is None or not listing.get("satker_id"):
            continue
        order = _list_order(listing)
        if order < newest_new.get(listing["satker_id"], -1):
            continue  # pinned above new articles
        neighbours.append({"satker_id": listing["satker_id"], "_crawl_id": listing.get("crawl_id"),
                           "list_order": order, "published_date": _as_date(known_dates[key]),
                           "_year_inferred": False, "_known": True})
    return neighbours


def _resolve_yearless_dates(rows: list[dict], known: list[dict] = ()) -> None:
    """Re-date articles whose dateline had no year, against their listing neighbours.

    Within one satker and one crawl's listing order (newest first), the nearest newer
    article with a written year bounds the date from above; failing that, the nearest
    older one bounds it from below (plus OLDER_NEIGHBOUR_WINDOW). Articles the warehouse
    already holds (`known`) count as neighbours with their stored dates.
    """
    groups: dict[tuple, list[dict]] = {}
    for row in [*rows, *known]:
        if row["list_order"] is not None:
            groups.setdefault((row["satker_id"], row["_crawl_id"]), []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: r["list_order"])
        firm = _in_listing_order([r["published_date"] if (r["published_date"] and not r["_year_inferred"]) else None
                                  for r in group])
        newer_of, older_of = _nearest_before(firm), _nearest_before(firm[::-1])[::-1]
        for i, row in enumerate(group):
            if not row["_year_inferred"] or row.get("_known"):
                continue
            newer, older = newer_of[i], older_of[i]
            reference = newer or (older + OLDER_NEIGHBOUR_WINDOW if older else None)
            if reference is None:
                # Only the crawl's date placed it (the latest such day before the crawl):
                # right for the newest articles, a year or more off deep in a backfill of a
                # site whose datelines have no year. Said, and never a bound for neighbours.
                if row["published_date"] is not None:
                    row["date_flag"] = row["date_flag"] or YEAR_FROM_CRAWL_DATE
                continue
            page = row["_page"]
            # the same decision, against the neighbours' dates instead of the crawl's
            found = decide_article_date(header=page.get("header_text"), meta=page.get("meta_date"),
                                        body=page.get("body"), listing_date_text=None, reference=reference)
            source = found.source if found else None
            if found and found.date:
                row["published_date"], row["date_raw"], row["date_source"] = found.date, found.raw, source
                row["date_flag"] = found.flag


def _nearest_before(values: list) -> list:
    """For each position, the nearest value before it that is not None (None if there is
    none): one pass, where a scan per position was quadratic in a satker's listing."""
    nearest, last = [], None
    for value in values:
        nearest.append(last)
        if value is not None:
            last = value
    return nearest


def _in_listing_order(dates: list) -> list:
    """The dates (newest first) with those that break the order set to None: an older
    article pinned above newer ones (a standing pengumuman) is no bound for its neighbours."""
    kept, newest_below = list(dates), None
    for i in range(len(kept) - 1, -1, -1):
        if kept[i] is None:
            continue
        if newest_below is not None and kept[i] < newest_below:
            kept[i] = None
        else:
            newest_below = kept[i]
    return kept
