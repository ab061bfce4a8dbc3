"""Queries that feed reports: they return plain dicts in the report JSON contract."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from kpu_berita.pipelines.dates import MONTH_LABELS_ID, parse_quarter


class UnknownSatker(LookupError):
    pass


def _months(start: dt.date, end: dt.date) -> list[tuple[str, str]]:
    months, d = [], start.replace(day=1)
    while d <= end:
        months.append((d.strftime("%Y-%m"), f"{MONTH_LABELS_ID[d.month - 1]} {d.year}"))
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _article(row: dict) -> dict:
    views = row["views"]
    return {"title": row["title"], "url": row["url"], "published_date": row["published_date"].isoformat(),
            "views": None if views is None else int(views), "category": row["category"]}


def satker_report(con, satker_id: str, quarter: str, *, include_reposts: bool = True) -> dict:
    """The website section of one satker's quarterly report, as the JSON contract dict."""
    start, end = parse_quarter(quarter)
    satker = con.execute("SELECT name, base_url FROM satker WHERE satker_id = ?", [satker_id]).fetchone()
    if satker is None:
        raise UnknownSatker(f"unknown satker {satker_id!r}: not in the warehouse")
    name, base_url = satker
    rows = con.execute("""
        SELECT title, url, published_date, views, category, category_label
        FROM report_articles
        WHERE satker_id = ? AND published_date BETWEEN ? AND ? AND (? OR NOT is_repost)
        ORDER BY published_date, list_order DESC NULLS FIRST, article_key""",
                       [satker_id, start, end, include_reposts]).df().to_dict("records")
    for row in rows:
        row["published_date"] = row["published_date"].date() if hasattr(row["published_date"], "date") else row["published_date"]
        row["views"] = None if row["views"] != row["views"] or row["views"] is None else int(row["views"])
    labels = dict(con.execute("SELECT category, label FROM categories ORDER BY sort_order").fetchall())
    months = []
    for month, label in _months(start, end):
        months.append({"month": month, "label": label,
                       "articles": [_article(r) for r in rows if r["published_date"].strftime("%Y-%m") == month]})
    categories = []
    for code, label in labels.items():
        chosen = [r for r in rows if r["category"] == code]
        if chosen:
            categories.append({"category": code, "label": label, "articles": len(chosen),
                               "views": sum(r["views"] or 0 for r in chosen)})
    top = sorted((r for r in rows if r["views"] is not None), key=lambda r: -r["views"])[:5]
    # flagged articles still count under their best code in `categories`; the report says how many to check
    needs_review = con.execute("""
        SELECT count(*) FROM report_articles JOIN article_categories USING (article_key)
        WHERE satker_id = ? AND published_date BETWEEN ? AND ? AND (? OR NOT is_repost) AND needs_review""",
                               [satker_id, start, end, include_reposts]).fetchone()[0]
    host = urlsplit(base_url).hostname or base_url
    return {
        "satker_id": satker_id,
        "satker_name": name,
        "website": f"{satker_id}.kpu.go.id" if not host.endswith("kpu.go.id") else host,
        "quarter": quarter.upper().replace("-", ""),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "total_articles": len(rows),
        "total_views": sum(r["views"] or 0 for r in rows),
        "months": months,
        "categories": categories,
        "needs_review": int(needs_review),
        "top_articles": [_article(r) for r in top],
        "generated_at": dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).isoformat(timespec="seconds"),
    }


def province_report(con, province: str, quarter: str) -> dict:
    """Every satker of a province with its articles and views in the quarter."""
    start, end = parse_quarter(quarter)
    satker = con.execute("""SELECT satker_id, name, level FROM satker WHERE lower(province) = lower(?)
                            ORDER BY level = 'provinsi' DESC, name""", [province]).fetchall()
    if not satker:
        raise UnknownSatker(f"unknown province {province!r}: no satker of it in the warehouse")
    counts = {}
    for satker_id, category, n, views in con.execute("""
            SELECT satker_id, category, count(*), coalesce(sum(views), 0) FROM report_articles
            WHERE lower(province) = lower(?) AND published_date BETWEEN ? AND ? GROUP BY ALL""",
                                                     [province, start, end]).fetchall():
        entry = counts.setdefault(satker_id, {"articles": 0, "views": 0, "by_category": {}})
        entry["articles"] += n
        entry["views"] += int(views)
        entry["by_category"][category] = n
    rows = [{"satker_id": sid, "satker_name": name, "level": level,
             **counts.get(sid, {"articles": 0, "views": 0, "by_category": {}})} for sid, name, level in satker]
    province_name = con.execute("SELECT province FROM satker WHERE lower(province) = lower(?) LIMIT 1", [province]).fetchone()[0]
    return {"province": province_name, "quarter": quarter.upper().replace("-", ""),
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "total_articles": sum(r["articles"] for r in rows), "total_views": sum(r["views"] for r in rows),
            "satker": rows,
            "generated_at": dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).isoformat(timespec="seconds")}
