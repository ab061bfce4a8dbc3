"""Report data: warehouse queries -> the plain dicts of the report JSON contract.

The satker report keeps the contract of the first release (satker_id, satker_name, website,
quarter, period {start, end}, total_articles, total_views, months, categories, top_articles,
generated_at) and adds period_key, period_label, period_range_label, social and
humas_activities. `quarter` is the YYYYQn key when the period is a quarter, else null.
`reposts_excluded` (satker and province reports) is null when reposts are counted, else how
many republished articles of the period --exclude-reposts left out. `duplicates_counted_once`:
how many second copies of the period's articles (published twice: articles.duplicate_of) the
count leaves out.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import duckdb

from kpu_berita.reports.humas import draft_activities
from kpu_berita.reports.periods import Period, months_of, period_label, range_label

JAKARTA = dt.timezone(dt.timedelta(hours=7))


class UnknownSatker(LookupError):
    pass


def _article(row: dict) -> dict:
    return {"title": row["title"], "url": row["url"], "published_date": row["published_date"].isoformat(),
            "views": row["views"], "category": row["category"]}


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime") else value


def _period_rows(con, satker_id: str, period: Period, include_reposts: bool) -> list[dict]:
    cursor = con.execute("""
        SELECT r.title, r.url, r.published_date, r.views, r.category, r.category_label, a.body,
               a.lead_image_url, r.topics, r.needs_review
        FROM report_articles r
        -- the satker in the join lets DuckDB skip other satker's row groups of articles
        JOIN articles a ON a.article_key = r.article_key AND a.satker_id = r.satker_id
        WHERE r.satker_id = ? AND r.published_date BETWEEN ? AND ? AND (? OR NOT r.is_repost)
        ORDER BY r.published_date, r.list_order DESC NULLS FIRST, r.article_key""",
                         [satker_id, period.start, period.end, include_reposts])
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, values)) for values in cursor.fetchall()]
    for row in rows:
        row["published_date"] = _as_date(row["published_date"])
        row["views"] = None if row["views"] is None else int(row["views"])
    return rows


def _reposts_left_out(con, satker_ids: list[str], period: Period, include_reposts: bool) -> int | None:
    """How many republished articles of the period the report leaves out: None when it counts them."""
    if include_reposts:
        return None
    return con.execute("""SELECT count(*) FROM report_articles WHERE list_contains(?, satker_id) AND is_repost
                          AND published_date BETWEEN ? AND ?""", [satker_ids, period.start, period.end]).fetchone()[0]


def _second_copies(con, satker_ids: list[str], period: Period, include_reposts: bool) -> int:
    """How many articles of the period repeat one the report counts (published twice,
    warehouse/sql/mark_duplicates.sql): the site shows them, the count does not. By the
    copies' own date and repost flag, which are those of the article they repeat (an
    analyst's date correction can part them); from the build's `report_copies`."""
    try:
        return con.execute("""SELECT coalesce(sum(copies), 0) FROM report_copies WHERE list_contains(?, satker_id)
                              AND published_date BETWEEN ? AND ? AND (? OR NOT is_repost)""",
                           [satker_ids, period.start, period.end, include_reposts]).fetchone()[0]
    except duckdb.CatalogException:  # a published file built before migration 015 (readers don't migrate)
        return 0


def _categories(con, rows: list[dict]) -> list[dict]:
    labels = dict(con.execute("SELECT category, label FROM categories ORDER BY sort_order").fetchall())
    categories = []
    for code, label in labels.items():
        chosen = [r for r in rows if r["category"] == code]
        if chosen:
            categories.append({"category": code, "label": label, "articles": len(chosen),
                               "views": sum(r["views"] or 0 for r in chosen)})
    return categories


def _website(satker_id: str, base_url: str) -> str:
    host = urlsplit(base_url).hostname or base_url
    return host if host.endswith("kpu.go.id") else f"{satker_id}.kpu.go.id"


PLATFORM_ORDER = ("facebook", "instagram", "twitter", "x", "youtube", "tiktok")


def _platform_rank(platform: str) -> tuple:
    name = platform.casefold()
    return (PLATFORM_ORDER.index(name) if name in PLATFORM_ORDER else len(PLATFORM_ORDER), name)


def _social_rows(con, satker_id: str, period: Period) -> list[dict]:
    """The imported figures of the satker inside `period`, with or without a content type
    (a handful of rows)."""
    cursor = con.execute("""
        SELECT platform, content_type, period_start, period_end, posts, followers, imported_at, source_row
        FROM social_media_stats
        WHERE satker_id = ? AND period_start >= ? AND period_end <= ?""", [satker_id, period.start, period.end])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _span(row: dict) -> tuple:
    return (row["period_start"], row["period_end"])


def _within(inner: dict, outer: dict) -> bool:
    """Same platform (in any case) and `inner`'s period inside `outer`'s, or the same."""
    return (inner["platform"].casefold() == outer["platform"].casefold()
            and outer["period_start"] <= inner["period_start"] and inner["period_end"] <= outer["period_end"])


def counted_social_rows(rows: list[dict]) -> list[dict]:
    """The rows no other row contains: a quarter's posts and a month's of the same quarter,
    both imported, are the same posts once. Two periods that overlap without one containing
    the other both count (nothing says which posts they share). A platform is one platform
    in any case."""
    def contains(outer: dict, inner: dict) -> bool:
        return (outer["content_type"] == inner["content_type"] and _within(inner, outer)
                and _span(outer) != _span(inner))
    return [r for r in rows if not any(contains(o, r) for o in rows)]


def platform_total_rows(rows: list[dict]) -> list[dict]:
    """The rows whose posts add up to the platforms' totals. Posts split by content type (seed
    003's recap) are the platform's posts too, so an import with content types only still
    gives its platforms and followers. A total (content type '') holds its platform's split
    rows of the same period or one inside it, and a split period holds a total inside it:
    the same posts count once."""
    totals = counted_social_rows([r for r in rows if not r["content_type"]])
    split = counted_social_rows([r for r in rows if r["content_type"]])
    return ([t for t in totals if not any(_within(t, s) and _span(t) != _span(s) for s in split)]
            + [s for s in split if not any(_within(s, t) for t in totals)])


def social_figures(con, satker_id: str, period: Period) -> list[dict]:
    """Posts per platform summed over the imported periods inside `period` (one inside
    another imported one is counted in it, not again; platform_total_rows); followers as of
    the latest of them, with or without a content type (followers are a level, not a flow).
    Done in Python: a handful of rows, where the same in SQL (a self-join) cost ~4 ms a
    report more."""
    rows = _social_rows(con, satker_id, period)
    figures: dict[str, dict] = {}
    for r in sorted(platform_total_rows(rows), key=lambda r: r["imported_at"]):
        figure = figures.setdefault(r["platform"].casefold(), {"platform": r["platform"], "posts": 0})
        figure["platform"] = r["platform"]  # the latest import's spelling
        figure["posts"] += int(r["posts"])
    for figure in figures.values():
        levels = [r for r in rows if r["platform"].casefold() == figure["platform"].casefold()
                  and r["followers"] is not None]
        # content types of one period repeat the account's followers; the latest import decides a tie
        latest = max(levels, key=lambda r: (r["period_end"], r["imported_at"], r["source_row"]), default=None)
        figure["followers"] = None if latest is None else int(latest["followers"])
    return sorted(figures.values(), key=lambda f: _platform_rank(f["platform"]))


def social_by_content_type(con, satker_id: str, period: Period) -> list[dict]:
    """Seed 003's recap: posts per content type and platform, when the import had content types."""
    recap: dict[str, dict] = {}
    split = [r for r in _social_rows(con, satker_id, period) if r["content_type"]]
    for r in sorted(counted_social_rows(split), key=lambda r: r["source_row"]):
        posts = recap.setdefault(r["content_type"], {"content_type": r["content_type"], "posts": {}})["posts"]
        name = next((p for p in posts if p.casefold() == r["platform"].casefold()), r["platform"])
        posts[name] = posts.get(name, 0) + int(r["posts"])
    return list(recap.values())


def satker_report(con, satker_id: str, period: Period, *, include_reposts: bool = True) -> dict:
    """Everything the satker's report needs for `period`, as the JSON contract dict."""
    satker = con.execute("SELECT name, base_url FROM satker WHERE satker_id = ?", [satker_id]).fetchone()
    if satker is None:
        raise UnknownSatker(f"unknown satker {satker_id!r}: not in the warehouse")
    name, base_url = satker
    rows = _period_rows(con, satker_id, period, include_reposts)
    by_month: dict[str, list[dict]] = {}
    for r in rows:
        by_month.setdefault(f"{r['published_date']:%Y-%m}", []).append(_article(r))
    months = [{"month": month, "label": label, "articles": by_month.get(month, [])}
              for month, label in months_of(period)]
    # stable sort of rows in date and listing order: equal views rank the earlier article first,
    # as mart_top_articles does (create_marts.sql), so an export's top five is this list
    top = sorted((r for r in rows if r["views"] is not None), key=lambda r: -r["views"])[:5]
    return {
        "satker_id": satker_id,
        "satker_name": name,
        "website": _website(satker_id, base_url),
        "quarter": period.quarter,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "period_key": period.key,
        "period_label": period_label(period),
        "period_range_label": range_label(period),
        "total_articles": len(rows),
        "total_views": sum(r["views"] or 0 for r in rows),
        "reposts_excluded": _reposts_left_out(con, [satker_id], period, include_reposts),
        "duplicates_counted_once": _second_copies(con, [satker_id], period, include_reposts),
        "months": months,
        "categories": _categories(con, rows),
        # flagged articles still count under their best code; the report says how many to check
        "needs_review": sum(1 for r in rows if r["needs_review"]),
        "top_articles": [_article(r) for r in top],
        "social": social_figures(con, satker_id, period),
        "social_by_content_type": social_by_content_type(con, satker_id, period),
        "humas_activities": draft_activities(rows),
        "crawled_until": _crawled_until(con, satker_id),
        "generated_at": dt.datetime.now(JAKARTA).isoformat(timespec="seconds"),
    }


def _crawled_until(con, satker_id: str) -> str | None:
    """The day (WIB) the satker's site was last crawled: what the warehouse can know of it."""
    return _crawled_until_of(con, [satker_id]).get(satker_id)


def _crawled_until_of(con, satker_ids: list[str]) -> dict[str, str]:
    return {sid: day.isoformat() for sid, day in con.execute(
        "SELECT satker_id, (last_crawled_at AT TIME ZONE 'Asia/Jakarta')::DATE FROM satker_last_crawl "
        "WHERE list_contains(?, satker_id) AND last_crawled_at IS NOT NULL", [satker_ids]).fetchall()}


def province_report(con, province: str, period: Period, *, include_reposts: bool = True) -> dict:
    """Every satker of a province with its articles and views in the period (without the
    republished KPU RI / province news unless include_reposts, as the satker report)."""
    satker = con.execute("""SELECT satker_id, name, level FROM satker WHERE lower(province) = lower(?)
                            ORDER BY level = 'provinsi' DESC, name""", [province]).fetchall()
    if not satker:
        raise UnknownSatker(f"unknown province {province!r}: no satker of it in the warehouse")
    counts: dict[str, dict] = {}
    for satker_id, category, n, views in con.execute("""
            SELECT satker_id, category, count(*), coalesce(sum(views), 0) FROM report_articles
            WHERE lower(province) = lower(?) AND published_date BETWEEN ? AND ? AND (? OR NOT is_repost)
            GROUP BY ALL""", [province, period.start, period.end, include_reposts]).fetchall():
        entry = counts.setdefault(satker_id, {"articles": 0, "views": 0, "by_category": {}})
        entry["articles"] += n
        entry["views"] += int(views)
        entry["by_category"][category] = n
    # A satker no crawl was asked for has no article because nobody looked (a home that
    # crawled one province, under the shipped registry of 552): it is not "silent". A
    # warehouse without crawls (built by hand) counts every satker as crawled.
    crawled = {s for (s,) in con.execute("SELECT DISTINCT unnest(satker_ids) FROM crawls").fetchall()}
    until = _crawled_until_of(con, [sid for sid, _, _ in satker])
    rows = [{"satker_id": sid, "satker_name": name, "level": level, "crawled": not crawled or sid in crawled,
             "crawled_until": until.get(sid),
             **counts.get(sid, {"articles": 0, "views": 0, "by_category": {}})} for sid, name, level in satker]
    crawled_until = [r["crawled_until"] for r in rows if r["crawled"] and r["crawled_until"]]
    province_name = con.execute("SELECT province FROM satker WHERE lower(province) = lower(?) LIMIT 1",
                                [province]).fetchone()[0]
    return {"province": province_name, "quarter": period.quarter,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "period_key": period.key, "period_label": period_label(period),
            "total_articles": sum(r["articles"] for r in rows), "total_views": sum(r["views"] for r in rows),
            "reposts_excluded": _reposts_left_out(con, [sid for sid, _, _ in satker], period, include_reposts),
            "duplicates_counted_once": _second_copies(con, [sid for sid, _, _ in satker], period, include_reposts),
            # the earliest last crawl of its crawled satker: what the province's count covers for all
            "crawled_until": min(crawled_until) if crawled_until else None,
            "satker": rows, "generated_at": dt.datetime.now(JAKARTA).isoformat(timespec="seconds")}
