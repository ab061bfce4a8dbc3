"""The report sections as a new .docx (python-docx), ready to paste into a Bakohumas report.

Plain paragraphs with written letters ("a.", "b.") rather than Word's auto-numbering,
which breaks when a humas operator pastes the section into the report.
"""
from __future__ import annotations

import io
from pathlib import Path

from kpu_berita.reports.charts import month_chart_png, province_chart_png
from kpu_berita.reports.periods import date_id
from kpu_berita.reports.wording import (HUMAS_PLACEHOLDER, PHOTO_NOT_FETCHED, SECTION_HEADING, SOCIAL_HEADING,
                                        SOCIAL_PLACEHOLDER, TABLE_HEADER, activity_sentence, article_line, clean_xml,
                                        SILENT, count_notes, count_sentence, humas_heading, province_row_note, review_line,
                                        table_rows, views_text)

PLACEHOLDER_RED = (0xC0, 0x00, 0x00)  # what only the humas officer can write, as in the --full report
from kpu_berita.user_files import written_whole


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
            cell.text = clean_xml(str(value))
            if bold_last and n == len(rows) - 1:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            if shade_rows and n in shade_rows:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), "F4CCCC")
                cell._tc.get_or_add_tcPr().append(shading)
    return table


def _new_document():
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    return document


def _red(paragraph, text: str):
    from docx.shared import RGBColor

    run = paragraph.add_run(clean_xml(text))
    run.font.color.rgb = RGBColor(*PLACEHOLDER_RED)
    return run


def _website_list(document, report: dict, titles_only: bool = False) -> None:
    from docx.shared import Inches

    for month in report["months"]:
        document.add_paragraph().add_run(f"{month['label']}:").bold = True
        if not month["articles"]:
            document.add_paragraph("Tidak ada artikel.")
        for i, article in enumerate(month["articles"]):
            paragraph = document.add_paragraph(clean_xml(article_line(i, article, titles_only=titles_only)))
            paragraph.paragraph_format.left_indent = Inches(0.3)


def _website_table(document, report: dict) -> None:
    _table(document, TABLE_HEADER, [[f"{n}.", day, title, media] for n, day, title, media in table_rows(report)])
    document.add_paragraph()


def _categories_and_chart(document, report: dict) -> None:
    from docx.shared import Inches

    if not report["categories"]:
        return
    document.add_heading("Jumlah artikel per kategori", level=3)
    rows = [[c["label"], c["articles"], c["views"]] for c in report["categories"]]
    rows.append(["Jumlah", report["total_articles"], report["total_views"]])
    _table(document, ["Kategori", "Artikel", "Dilihat"], rows, bold_last=True)
    if report.get("needs_review"):
        document.add_paragraph(review_line(report))
    document.add_paragraph()
    document.add_picture(io.BytesIO(month_chart_png(report)), width=Inches(6.2))


def _social(document, report: dict) -> None:
    recap = report.get("social_by_content_type") or []
    document.add_heading(SOCIAL_HEADING, level=2)
    # a report dict with only the content-type recap still has figures to show
    if not report.get("social") and not recap:
        _red(document.add_paragraph(), SOCIAL_PLACEHOLDER)
        return
    if report.get("social"):
        document.add_paragraph(f"Jumlah unggahan akun media sosial, {report['period_label']}:")
        _table(document, ["Platform", "Postingan", "Teman/Pengikut"],
               [[s["platform"], s["posts"], "—" if s["followers"] is None else s["followers"]]
                for s in report["social"]])
    if recap:
        platforms = list(dict.fromkeys(p for row in recap for p in row["posts"]))
        document.add_heading("Rekapitulasi media sosial menurut jenis konten", level=3)
        _table(document, ["No", "Jenis Konten", *platforms],
               [[f"{n}.", r["content_type"], *(r["posts"].get(p, "-") for p in platforms)]
                for n, r in enumerate(recap, start=1)])


def _humas(document, report: dict, photos: dict[str, Path]) -> None:
    from docx.shared import Inches

    document.add_heading(clean_xml(humas_heading(report)), level=2)
    if not report.get("humas_activities"):
        _red(document.add_paragraph(), HUMAS_PLACEHOLDER)
        return
    for n, item in enumerate(report["humas_activities"], start=1):
        document.add_paragraph().add_run(clean_xml(f"{n}. {item['title']}")).bold = True
        document.add_paragraph(clean_xml(activity_sentence(item)))
        document.add_paragraph(clean_xml(item["summary"]))
        photo = photos.get(item.get("photo_url") or "")
        if photo:
            document.add_picture(str(photo), width=Inches(4.5))
        elif item.get("photo_url"):
            # the article has a photo we could not fetch (its site down, not an image): say where
            # it is, in red as the full report's placeholders, rather than drop it and its caption
            _red(document.add_paragraph(), f"{PHOTO_NOT_FETCHED} {item['photo_url']}")
        if item.get("photo_url"):
            document.add_paragraph().add_run(clean_xml(item["caption"])).italic = True


def render_docx(report: dict, path, layout: str = "list", photos: dict[str, Path] | None = None, *,
                titles_only: bool = False) -> Path:
    """Sections 1-3 of seed 000's II.B as a .docx: the website list, social media (a red
    placeholder when none were imported) and humas activities (a placeholder when none).
    titles_only: the list layout gives each article's title alone, as seed 000 does."""
    document = _new_document()
    document.add_heading(SECTION_HEADING, level=2)
    document.add_paragraph(clean_xml(count_sentence(report)))
    for note in count_notes(report):
        document.add_paragraph(note)
    if layout == "table":
        _website_table(document, report)
    else:
        _website_list(document, report, titles_only)
    _categories_and_chart(document, report)
    if report.get("top_articles"):
        document.add_heading("Lima artikel dengan kunjungan terbanyak", level=3)
        for i, article in enumerate(report["top_articles"]):
            document.add_paragraph(clean_xml(f"{i + 1}. {article['title']} ({date_id(article['published_date'])}, "
                                             f"{views_text(article)})"))
    _social(document, report)
    _humas(document, report, photos or {})
    return _save(document, path)


def render_province_docx(report: dict, path) -> Path:
    from docx.shared import Inches

    document = _new_document()
    document.add_heading(clean_xml(f"Publikasi website KPU se-{report['province']}, {report['period_label']}"), level=2)
    document.add_paragraph(f"Jumlah artikel: {report['total_articles']}; jumlah dilihat: {report['total_views']}. "
                           "Satker tanpa artikel pada periode ini ditandai merah.")
    for note in count_notes(report):
        document.add_paragraph(note)
    notes = [province_row_note(r, report["period"]["start"]) for r in report["satker"]]
    rows = [[r["satker_name"] + (f" ({note})" if note else ""), r["articles"], r["views"]]
            for r, note in zip(report["satker"], notes)]
    silent = {i for i, note in enumerate(notes) if note == SILENT}
    rows.append(["Jumlah", report["total_articles"], report["total_views"]])
    _table(document, ["Satker", "Artikel", "Dilihat"], rows, bold_last=True, shade_rows=silent)
    document.add_paragraph()
    document.add_picture(io.BytesIO(province_chart_png(report)), width=Inches(6.2))
    return _save(document, path)


def _save(document, path) -> Path:
    with written_whole(path) as tmp:
        document.save(str(tmp))
    return Path(path)
