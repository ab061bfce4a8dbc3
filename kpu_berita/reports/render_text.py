"""Markdown and JSON renderers (pure: report dict in, text out).

Layouts of the website list: `list` (lettered by month, seed 000) and `table` (numbered
rows "No | Tanggal | Jenis Informasi | Media Penyebaran", seed 003).
"""
from __future__ import annotations

import json
import re

from kpu_berita.reports.periods import date_id
from kpu_berita.reports.wording import (HUMAS_PLACEHOLDER, SECTION_HEADING, SOCIAL_HEADING, SOCIAL_PLACEHOLDER,
                                        TABLE_HEADER, activity_sentence, article_line, count_sentence, humas_heading,
                                        count_notes, letter, province_row_note, review_line, table_rows, views_text)

LAYOUTS = ("list", "table")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")  # what Markdown would read as markup inside a line


def md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def with_layout(report: dict, layout: str = "list") -> dict:
    """The JSON contract dict for `layout`: list adds each article's letter; table adds
    `table` {columns, rows}. Neither removes a key."""
    shaped = dict(report, layout=layout)
    if layout == "table":
        shaped["table"] = {"columns": TABLE_HEADER, "rows": table_rows(report)}
    else:
        shaped["months"] = [dict(m, articles=[dict(a, letter=letter(i)) for i, a in enumerate(m["articles"])])
                            for m in report["months"]]
    return shaped


def render_json(report: dict, layout: str | None = None) -> str:
    data = report if layout is None else with_layout(report, layout)
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def _md_list(report: dict, titles_only: bool = False) -> list[str]:
    lines = []
    for month in report["months"]:
        lines += [f"**{month['label']}:**", ""]
        if not month["articles"]:
            lines.append("Tidak ada artikel.")
        lines += [md(article_line(i, a, titles_only=titles_only)) + "  " for i, a in enumerate(month["articles"])]
        lines.append("")
    return lines


def _md_table(report: dict) -> list[str]:
    lines = ["| " + " | ".join(TABLE_HEADER) + " |", "|---:|---|---|---|"]
    lines += [f"| {n}. | {day} | {md(title)} | {md(media)} |" for n, day, title, media in table_rows(report)]
    return lines + [""]


def _md_social(report: dict) -> list[str]:
    lines = [f"## {SOCIAL_HEADING}", ""]
    # a report dict with only the content-type recap still has figures to show
    if not report.get("social") and not report.get("social_by_content_type"):
        return lines + [md(SOCIAL_PLACEHOLDER), ""]
    if report.get("social"):
        lines += [f"Jumlah unggahan akun media sosial, {md(report['period_label'])}:", "",
                  "| Platform | Postingan | Teman/Pengikut |", "|---|---:|---:|"]
        lines += [f"| {md(s['platform'])} | {s['posts']} | {'—' if s['followers'] is None else s['followers']} |"
                  for s in report["social"]]
        lines.append("")
    return lines + _md_content_types(report)


def _md_content_types(report: dict) -> list[str]:
    recap = report.get("social_by_content_type") or []
    if not recap:
        return []
    platforms = list(dict.fromkeys(p for row in recap for p in row["posts"]))  # first-seen order
    lines = ["### Rekapitulasi media sosial menurut jenis konten", "",
             "| No | Jenis Konten | " + " | ".join(md(p) for p in platforms) + " |",
             "|---:|---|" + "---:|" * len(platforms)]
    for n, row in enumerate(recap, start=1):
        cells = [str(row["posts"].get(p, "-")) for p in platforms]
        lines.append(f"| {n}. | {md(row['content_type'])} | " + " | ".join(cells) + " |")
    return lines + [""]


def _md_humas(report: dict) -> list[str]:
    lines = [f"## {md(humas_heading(report))}", ""]
    if not report.get("humas_activities"):
        return lines + [md(HUMAS_PLACEHOLDER), ""]
    for n, item in enumerate(report["humas_activities"], start=1):
        lines += [f"**{n}. {md(item['title'])}**", "", md(activity_sentence(item)), "", md(item["summary"]), ""]
        if item.get("photo_url"):
            lines += [f"![]({item['photo_url']})", "", f"*{md(item['caption'])}*", ""]
    return lines


def render_markdown(report: dict, layout: str = "list", *, titles_only: bool = False) -> str:
    """The report's sections as Markdown (self-contained: no chart). titles_only: the list
    layout gives each article's title alone, as seed 000 does (no date and views)."""
    lines = [f"## {SECTION_HEADING}", "", md(count_sentence(report)), ""]
    for note in count_notes(report):
        lines += [md(note), ""]
    lines += _md_table(report) if layout == "table" else _md_list(report, titles_only)
    if report["categories"]:
        lines += ["### Jumlah artikel per kategori", "", "| Kategori | Artikel | Dilihat |", "|---|---:|---:|"]
        lines += [f"| {md(c['label'])} | {c['articles']} | {c['views']} |" for c in report["categories"]]
        lines += [f"| **Jumlah** | **{report['total_articles']}** | **{report['total_views']}** |", ""]
        lines += [review_line(report), ""] if report.get("needs_review") else []
    if report.get("top_articles"):
        lines += ["### Lima artikel dengan kunjungan terbanyak", ""]
        lines += [f"{i + 1}. {md(a['title'])} ({date_id(a['published_date'])}, {views_text(a)})"
                  for i, a in enumerate(report["top_articles"])]
        lines.append("")
    return "\n".join(lines + _md_social(report) + _md_humas(report))


def render_province_markdown(report: dict) -> str:
    lines = [f"## Publikasi website KPU se-{md(report['province'])}, {report['period_label']}", "",
             f"Jumlah artikel: {report['total_articles']}; jumlah dilihat: {report['total_views']}.", ""]
    for note in count_notes(report):
        lines += [md(note), ""]
    lines += ["| Satker | Artikel | Dilihat |", "|---|---:|---:|"]
    for row in report["satker"]:
        note = province_row_note(row, report["period"]["start"])
        name = md(row["satker_name"]) + (f" **({note})**" if note else "")
        lines.append(f"| {name} | {row['articles']} | {row['views']} |")
    lines += [f"| **Jumlah** | **{report['total_articles']}** | **{report['total_views']}** |", ""]  # as the docx
    return "\n".join(lines)
