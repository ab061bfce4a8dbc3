"""Render the report section (pure functions of the report dicts from queries.py).

Indonesian throughout, with the project's own month names (never the system locale).
The docx uses plain paragraphs with written letters ("a.", "b.") rather than Word's
auto-numbering, which breaks when a humas operator pastes the section into the report.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

from kpu_berita.pipelines.dates import MONTH_LABELS_ID

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COMMISSION = {"KPU": "Komisi Pemilihan Umum", "KIP": "Komisi Independen Pemilihan"}
SECTION_HEADING = "1. Mengunggah Informasi Secara Digital Melalui Website"
# characters XML 1.0 forbids; python-docx would raise on them
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")  # what Markdown would read as markup inside a line


def quarter_label(quarter: str) -> str:
    """'2021Q3' -> 'Triwulan III Tahun 2021'."""
    year, q = quarter.upper().split("Q")
    return f"Triwulan {ROMAN[int(q)]} Tahun {year}"


def formal_name(satker_name: str) -> str:
    """'KPU Kabupaten Serang' -> 'Komisi Pemilihan Umum Kabupaten Serang'."""
    head, _, rest = satker_name.partition(" ")
    return f"{COMMISSION[head]} {rest}" if head in COMMISSION else satker_name


def date_id(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {MONTH_LABELS_ID[day.month - 1]} {day.year}"


def letter(index: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'aa', 27 -> 'ab' ..."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def count_sentence(report: dict) -> str:
    name = formal_name(report["satker_name"])
    period = quarter_label(report["quarter"])
    n = report["total_articles"]
    if n == 0:
        return (f"{name} memiliki website pada laman www.{report['website']} dan pada {period} "
                f"{name} belum mengunggah artikel.")
    return (f"{name} memiliki website pada laman www.{report['website']} dan pada {period} "
            f"{name} telah mengunggah sebanyak {n} artikel yaitu sebagai berikut:")


def _views(article: dict) -> str:
    return "— kali dilihat" if article["views"] is None else f"{article['views']} kali dilihat"


def article_line(index: int, article: dict) -> str:
    return f"{letter(index)}. {article['title']} ({date_id(article['published_date'])}, {_views(article)})"


def review_line(report: dict) -> str:
    """Under the category table while flagged articles remain (they are counted under their best code)."""
    return f"{report['needs_review']} artikel perlu diperiksa"


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def render_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def render_markdown(report: dict) -> str:
    """The website section as Markdown (self-contained: no image)."""
    lines = [f"## {SECTION_HEADING}", "", _md(count_sentence(report)), ""]
    for month in report["months"]:
        lines.append(f"**{month['label']}:**")
        lines.append("")
        if not month["articles"]:
            lines.append("Tidak ada artikel.")
        for i, article in enumerate(month["articles"]):
            lines.append(_md(article_line(i, article)) + "  ")
        lines.append("")
    if report["categories"]:
        lines += ["### Jumlah artikel per kategori", "", "| Kategori | Artikel | Dilihat |", "|---|---:|---:|"]
        lines += [f"| {_md(c['label'])} | {c['articles']} | {c['views']} |" for c in report["categories"]]
        lines += [f"| **Jumlah** | **{report['total_articles']}** | **{report['total_views']}** |", ""]
        lines += [review_line(report), ""] if report.get("needs_review") else []
    if report.get("top_articles"):
        lines += ["### Lima artikel dengan kunjungan terbanyak", ""]
        lines += [f"{i + 1}. {_md(a['title'])} ({date_id(a['published_date'])}, {_views(a)})"
                  for i, a in enumerate(report["top_articles"])]
        lines.append("")
    return "\n".join(lines)


def month_chart_png(report: dict) -> bytes:
    """Stacked bars: articles per month by category."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = [m["label"] for m in report["months"]]
    codes = [c["category"] for c in report["categories"]]
    labels = {c["category"]: c["label"] for c in report["categories"]}
    fig, ax = plt.subplots(figsize=(6.5, 3.2), dpi=150)
    bottom = [0] * len(months)
    for code in codes:
        counts = [sum(1 for a in m["articles"] if a["category"] == code) for m in report["months"]]
        ax.bar(months, counts, bottom=bottom, label=labels[code])
        bottom = [b + c for b, c in zip(bottom, counts)]
    ax.set_ylabel("Artikel")
    ax.set_title(f"Artikel per bulan menurut kategori, {quarter_label(report['quarter'])}", fontsize=9)
    if codes:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _table(document, header: list[str], rows: list[list], bold_last: bool = False, shade_rows: set[int] | None = None):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for n, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = _clean(str(value))
            if bold_last and n == len(rows) - 1:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            if shade_rows and n in shade_rows:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), "F4CCCC")
                cell._tc.get_or_add_tcPr().append(shading)
    return table


def render_docx(report: dict, path) -> Path:
    """The website section as a .docx ready to paste into the Bakohumas report."""
    from docx import Document
    from docx.shared import Inches, Pt

    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(SECTION_HEADING, level=2)
    document.add_paragraph(_clean(count_sentence(report)))
    for month in report["months"]:
        document.add_paragraph().add_run(f"{month['label']}:").bold = True
        if not month["articles"]:
            document.add_paragraph("Tidak ada artikel.")
        for i, article in enumerate(month["articles"]):
            paragraph = document.add_paragraph(_clean(article_line(i, article)))
            paragraph.paragraph_format.left_indent = Inches(0.3)
    if report["categories"]:
        document.add_heading("Jumlah artikel per kategori", level=3)
        rows = [[c["label"], c["articles"], c["views"]] for c in report["categories"]]
        rows.append(["Jumlah", report["total_articles"], report["total_views"]])
        _table(document, ["Kategori", "Artikel", "Dilihat"], rows, bold_last=True)
        if report.get("needs_review"):
            document.add_paragraph(review_line(report))
        document.add_paragraph()
        document.add_picture(io.BytesIO(month_chart_png(report)), width=Inches(6.2))
    if report.get("top_articles"):
        document.add_heading("Lima artikel dengan kunjungan terbanyak", level=3)
        for i, article in enumerate(report["top_articles"]):
            document.add_paragraph(_clean(f"{i + 1}. {article['title']} ({date_id(article['published_date'])}, "
                                          f"{_views(article)})"))
    path = Path(path)
    document.save(str(path))
    return path


def render_province_markdown(report: dict) -> str:
    lines = [f"## Publikasi website KPU se-{_md(report['province'])}, {quarter_label(report['quarter'])}", "",
             f"Jumlah artikel: {report['total_articles']}; jumlah dilihat: {report['total_views']}.", "",
             "| Satker | Artikel | Dilihat |", "|---|---:|---:|"]
    for row in report["satker"]:
        name = _md(row["satker_name"]) + (" **(tidak ada artikel)**" if row["articles"] == 0 else "")
        lines.append(f"| {name} | {row['articles']} | {row['views']} |")
    lines.append("")
    return "\n".join(lines)


def province_chart_png(report: dict) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["satker_name"].replace("KPU ", "").replace("KIP ", "") for r in report["satker"]]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(names) + 1.2), dpi=150)
    ax.barh(names[::-1], [r["articles"] for r in report["satker"]][::-1],
            color=["#c0392b" if r["articles"] == 0 else "#2e86c1" for r in report["satker"]][::-1])
    ax.set_xlabel("Artikel")
    ax.set_title(f"Artikel per satker, {quarter_label(report['quarter'])}", fontsize=9)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def render_province_docx(report: dict, path) -> Path:
    from docx import Document
    from docx.shared import Inches

    document = Document()
    document.add_heading(_clean(f"Publikasi website KPU se-{report['province']}, {quarter_label(report['quarter'])}"), level=2)
    document.add_paragraph(f"Jumlah artikel: {report['total_articles']}; jumlah dilihat: {report['total_views']}. "
                           "Satker tanpa artikel pada triwulan ini ditandai merah.")
    rows = [[r["satker_name"] + (" (tidak ada artikel)" if r["articles"] == 0 else ""), r["articles"], r["views"]]
            for r in report["satker"]]
    silent = {i for i, r in enumerate(report["satker"]) if r["articles"] == 0}
    rows.append(["Jumlah", report["total_articles"], report["total_views"]])
    _table(document, ["Satker", "Artikel", "Dilihat"], rows, bold_last=True, shade_rows=silent)
    document.add_paragraph()
    document.add_picture(io.BytesIO(province_chart_png(report)), width=Inches(6.2))
    path = Path(path)
    document.save(str(path))
    return path
