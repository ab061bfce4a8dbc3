"""The variables a Word template can use (docs/report-template.md), built from the report
dict by a pure function. Images are left as bytes / paths here; template.py turns them into
docxtpl InlineImages, which need the template object."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from kpu_berita.reports.humas import CAPTION_LABEL
from kpu_berita.reports.periods import date_id, label_names_its_months, long_date, parse_period, period_with_dates
from kpu_berita.reports.wording import (PHOTO_NOT_FETCHED, activity_sentence, count_sentence, formal_name, letter,
                                        data_until_line, duplicates_line, reposts_line, review_line)

# Every top-level variable; a template naming anything else is refused before rendering.
VARIABLES = (
    "satker_name", "satker_short", "satker_id", "website", "period_label", "period_range_label", "period_key",
    "period_start", "period_end", "period_months", "year", "total_articles", "total_views", "count_sentence",
    "layout", "months", "articles", "categories", "top_articles", "chart", "social", "social_platforms",
    "social_by_content_type", "humas_activities", "generated_on", "needs_review", "review_line",
    "period_with_dates", "period_with_months", "reposts_excluded", "reposts_line", "duplicates_counted_once",
    "duplicates_line", "data_until_line",
)


def _views(article: dict):
    return "—" if article["views"] is None else article["views"]


def _article(article: dict, labels: dict[str, str], *, no: int, letter_index: int | None = None) -> dict:
    return {"no": no, "letter": letter(letter_index if letter_index is not None else no - 1),
            "title": article["title"], "date_label": date_id(article["published_date"]),
            "date": article["published_date"], "views": _views(article),
            "category_label": labels.get(article["category"], article["category"] or ""), "url": article["url"]}


def _months_and_articles(report: dict, labels: dict[str, str]) -> tuple[list[dict], list[dict]]:
    months, articles = [], []
    for month in report["months"]:
        items = []
        for i, article in enumerate(month["articles"]):
            item = _article(article, labels, no=len(articles) + 1, letter_index=i)
            items.append(item)
            articles.append(item)
        months.append({"label": month["label"], "month": month["month"], "articles": items})
    return months, articles


def _activity(n: int, item: dict, photos: dict[str, Path]) -> dict:
    # "letter": the item's letter in BAB III's conclusion, after a) the website and b) social media
    return {"no": n, "letter": letter(n + 1), "title": item["title"], "date_label": item["date_label"],
            "place": item.get("place") or "",
            "participants": item.get("participants") or "", "summary": item["summary"], "url": item["url"],
            "sentence": activity_sentence(item), "caption": item["caption"],
            # for a template that writes "Keterangan Gambar:" itself (template.py picks it there)
            "caption_text": item["caption"].removeprefix(CAPTION_LABEL),
            "photo": photos.get(item.get("photo_url") or ""),
            # the article has a lead photo that could not be fetched: where to find it
            "photo_missing": (f"{PHOTO_NOT_FETCHED} {item['photo_url']}"
                              if item.get("photo_url") and item["photo_url"] not in photos else "")}


def _period_months(report: dict) -> str:
    labels = [m["label"] for m in report["months"]]
    if len(labels) == 1:
        return labels[0]
    first, last = labels[0], labels[-1]
    if first.split()[-1] == last.split()[-1]:
        first = first.rsplit(" ", 1)[0]
    return f"{first} s.d {last}"


def _period_with_months(report: dict) -> str:
    """'Triwulan III Tahun 2021 (bulan Juli s.d September 2021)'; 'Periode Juli 2021' alone,
    where the label already is the months (it read "Periode Juli 2021 (bulan Juli 2021)")."""
    if label_names_its_months(parse_period(report["period_key"])):
        return report["period_label"]
    return f"{report['period_label']} (bulan {_period_months(report)})"


def template_context(report: dict, *, layout: str, chart_png: bytes | None, photos: dict[str, Path],
                     generated_on: dt.date) -> dict:
    """The docxtpl context of a satker report. `photos` maps a lead image URL to its cached file."""
    labels = {c["category"]: c["label"] for c in report["categories"]}
    months, articles = _months_and_articles(report, labels)
    recap = report.get("social_by_content_type") or []
    start, end = (dt.date.fromisoformat(report["period"][k]) for k in ("start", "end"))
    return {
        "satker_name": formal_name(report["satker_name"]), "satker_short": report["satker_name"],
        "satker_id": report["satker_id"], "website": report["website"],
        "period_label": report["period_label"], "period_range_label": report["period_range_label"],
        "period_key": report["period_key"], "period_start": long_date(start), "period_end": long_date(end),
        "period_months": _period_months(report), "year": end.year,
        "period_with_dates": period_with_dates(parse_period(report["period_key"])),
        "period_with_months": _period_with_months(report),
        "total_articles": report["total_articles"], "total_views": report["total_views"],
        "count_sentence": count_sentence(report), "layout": layout, "months": months, "articles": articles,
        "categories": [{"label": c["label"], "articles": c["articles"], "views": c["views"]} for c in report["categories"]],
        "top_articles": [_article(a, labels, no=i) for i, a in enumerate(report["top_articles"], start=1)],
        "chart": chart_png,
        "social": [dict(s, followers="—" if s["followers"] is None else s["followers"]) for s in report["social"]],
        "social_platforms": list(dict.fromkeys(p for row in recap for p in row["posts"])),
        "social_by_content_type": [{"no": n, "content_type": r["content_type"], "posts": r["posts"]}
                                   for n, r in enumerate(recap, start=1)],
        "humas_activities": [_activity(n, item, photos) for n, item in enumerate(report["humas_activities"], start=1)],
        "generated_on": long_date(generated_on),
        # articles whose category the classifier was not sure of: counted under their best code
        "needs_review": report.get("needs_review") or 0,
        "review_line": review_line(report) if report.get("needs_review") else "",
        # --exclude-reposts: how many republished articles were left out, and the line saying so
        "reposts_excluded": report.get("reposts_excluded") or 0, "reposts_line": reposts_line(report),
        # articles the site shows twice (two URLs, or posted twice), counted once, and the line saying so
        "duplicates_counted_once": report.get("duplicates_counted_once") or 0,
        "duplicates_line": duplicates_line(report),
        # while the period runs past the satker's last crawl: the day the count covers to
        "data_until_line": data_until_line(report),
    }


