"""The report beside seed 000, the Kab. Serang Triwulan III 2021 report it replaces: sections
numbered and titled as there (section 2 kept, with a placeholder, when no social figures were
imported), bare titles on request (--titles-only) line for line as the seed lists them, the
--full report's "periode" said once and its months once, and the caption's "Keterangan Gambar" label once in a
template that writes the label itself."""
from __future__ import annotations

import datetime as dt

import docx
import pytest
from docx.shared import RGBColor

from kpu_berita.cli import main
from kpu_berita.demo_network.photos import photo_png
from kpu_berita.reports.context import template_context
from kpu_berita.reports.make import full_template_path
from kpu_berita.reports.periods import month_label, months_of, parse_period, period_label
from kpu_berita.reports.render_docx import render_docx
from kpu_berita.reports.render_text import render_markdown
from kpu_berita.reports.template import caption_label_written_once, fill_template
from kpu_berita.reports.wording import HUMAS_PLACEHOLDER, SOCIAL_PLACEHOLDER
from tests.report_samples import sample_report, seed_000_section, seed_000_titles

# seed 000's II.B titles where the report says the same thing (its section 3 names the
# period "Triwulan II Periode Bulan Juli – September 2021", a slip for III)
HEADINGS = ["1. Mengunggah Informasi Secara Digital Melalui Website Dan Media Sosial",
            "2. Akun Media Sosial",
            "3. Kegiatan Terkait Badan Koordinasi Kehumasan yang Dilakukan Oleh KPU Kabupaten Serang pada "
            "Triwulan III Tahun 2021"]


def without_social_and_activities() -> dict:
    return dict(sample_report(), social=[], social_by_content_type=[], humas_activities=[])


def seed_report() -> dict:
    """A report holding seed 000's 36 titles in their months (days and views made up)."""
    months = []
    for month, titles in seed_000_titles().items():
        articles = [{"title": title, "url": f"https://kab-serang.kpu.go.id/blog/read/{month}-{i}",
                     "published_date": f"{month}-{i + 1:02d}", "views": 100 + i, "category": "rapat"}
                    for i, title in enumerate(titles)]
        months.append({"month": month, "label": month_label(dt.date.fromisoformat(f"{month}-01")),
                       "articles": articles})
    total = sum(len(m["articles"]) for m in months)
    return dict(sample_report(), months=months, total_articles=total,
                categories=[{"category": "rapat", "label": "Rapat & Koordinasi", "articles": total, "views": 0}])


def docx_paragraphs(path) -> list[docx.text.paragraph.Paragraph]:
    return list(docx.Document(str(path)).paragraphs)


@pytest.mark.parametrize("report", [sample_report(), without_social_and_activities()],
                         ids=["with figures and activities", "without"])
def test_sections_are_numbered_and_titled_as_seed_000(tmp_path, report):
    # without social figures the short report jumped from "1." to "3."
    markdown = render_markdown(report)
    assert [line[3:] for line in markdown.splitlines() if line.startswith("## ")] == HEADINGS
    headings = [p.text for p in docx_paragraphs(render_docx(report, tmp_path / "r.docx"))
                if p.style.name == "Heading 2"]
    assert headings == HEADINGS


def test_a_section_without_data_says_what_goes_there_in_red(tmp_path):
    report = without_social_and_activities()
    markdown = render_markdown(report)
    social = markdown[markdown.index("## 2."):markdown.index("## 3.")]
    assert "\\[isi jumlah unggahan dan pengikut akun media sosial" in social and "| Platform |" not in social
    assert "\\[isi kegiatan kehumasan pada periode ini" in markdown[markdown.index("## 3."):]
    paragraphs = docx_paragraphs(render_docx(report, tmp_path / "r.docx"))
    placeholders = [p for p in paragraphs if p.text in (SOCIAL_PLACEHOLDER, HUMAS_PLACEHOLDER)]
    assert [p.text for p in placeholders] == [SOCIAL_PLACEHOLDER, HUMAS_PLACEHOLDER]
    assert all(run.font.color.rgb == RGBColor(0xC0, 0x00, 0x00) for p in placeholders for run in p.runs)


def test_the_full_report_titles_its_sections_as_the_short_one(tmp_path):
    report = sample_report()
    context = template_context(report, layout="list", chart_png=photo_png(3), photos={},
                               generated_on=dt.date(2021, 10, 4))
    full = fill_template(full_template_path(), context, tmp_path / "full.docx")
    numbered = [p.text for p in docx_paragraphs(full) if p.style.name == "Heading 3" and p.text[:2] in ("1.", "2.", "3.")]
    assert numbered == HEADINGS


def test_titles_only_lists_the_titles_line_for_line_as_seed_000(tmp_path):
    # every title carried "(2 Juli 2021, 229 kali dilihat)": 36 deletions before pasting
    seed_lines = [line.strip().lstrip("- ").strip() for line in seed_000_section().splitlines()[1:] if line.strip()]
    paragraphs = [p.text for p in docx_paragraphs(render_docx(seed_report(), tmp_path / "r.docx", titles_only=True))]
    listed = paragraphs[paragraphs.index("Juli 2021:"):paragraphs.index("Jumlah artikel per kategori")]
    assert listed == seed_lines
    markdown = render_markdown(seed_report(), titles_only=True)
    assert "a. Rapat Koordinasi Daftar Pemilih Berkelanjutan (DPB) Tahun 2021 Periode Bulan Juni  \n" in markdown
    assert "kali dilihat" not in markdown[:markdown.index("### Lima artikel")]
    assert "kali dilihat" in markdown[markdown.index("### Lima artikel"):]  # the top five keeps its views


def test_without_titles_only_each_title_keeps_its_date_and_views(tmp_path):
    paragraphs = [p.text for p in docx_paragraphs(render_docx(seed_report(), tmp_path / "r.docx"))]
    assert "a. Rapat Koordinasi Daftar Pemilih Berkelanjutan (DPB) Tahun 2021 Periode Bulan Juni " \
           "(1 Juli 2021, 100 kali dilihat)" in paragraphs


@pytest.fixture
def home(tmp_path):
    from kpu_berita import config
    from kpu_berita.warehouse.db import connect
    from kpu_berita.warehouse.merge import recompute_all

    home = tmp_path / "home"
    con = connect(config.warehouse_path(home))
    con.execute("INSERT INTO satker VALUES ('kab-serang', 'KPU Kabupaten Serang', 'kabupaten', 'Banten', '36.04', "
                "'https://kab-serang.kpu.go.id')")
    con.execute("INSERT INTO categories VALUES ('rapat', 'Rapat & Koordinasi', 1)")
    con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date, body,
                   is_repost) VALUES ('a', 'kab-serang', 'https://kab-serang.kpu.go.id/a', 'Rapat Pleno DPB',
                   'rapat pleno dpb', '2021-07-02', '', false)""")
    con.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                "VALUES ('a', 'rapat', 0.99, 'rule', [])")
    recompute_all(con)
    con.execute("INSERT INTO satker_last_crawl VALUES ('kab-serang', TIMESTAMPTZ '2021-10-05 01:00:00+07')")
    con.close()
    return home


def test_titles_only_from_the_command_line(home, capsys):
    assert main(["--home", str(home), "report", "--satker", "kab-serang", "--quarter", "2021Q3", "--titles-only"]) == 0
    out = capsys.readouterr().out
    assert "a. Rapat Pleno DPB  \n" in out and "(2 Juli 2021" not in out.split("### Lima")[0]


@pytest.mark.parametrize("options, named", [
    (["--satker", "kab-serang", "--titles-only", "--format", "json"], "--titles-only shapes the md/docx list"),
    (["--satker", "kab-serang", "--titles-only", "--layout", "table"], "--titles-only shapes the list layout"),
    (["--satker", "kab-serang", "--titles-only", "--full"], "the --full report lists bare titles already"),
    (["--province", "Banten", "--titles-only"], "--titles-only shapes one satker's article list"),
    # --layout table was silently ignored for a province report
    (["--province", "Banten", "--layout", "table"], "--layout table numbers one satker's articles"),
])
def test_an_option_that_would_change_nothing_is_refused_in_one_line(tmp_path, capsys, options, named):
    assert main(["--home", str(tmp_path), "report", "--quarter", "2021Q3", *options]) == 2
    err = capsys.readouterr().err
    assert named in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("key, said", [
    ("2021Q3", "pada Triwulan III Tahun 2021 periode 1 Juli 2021 sampai dengan 30 September 2021, yang dibentuk"),
    # "pada Periode November 2025 - Januari 2026 periode 1 November 2025 sampai dengan ..."
    ("2025-11-01..2026-01-31", "pada Periode 1 November 2025 sampai dengan 31 Januari 2026, yang dibentuk"),
])
def test_the_full_report_says_periode_once(tmp_path, key, said):
    period = parse_period(key)
    report = dict(sample_report(), period_key=key, period_label=period_label(period), quarter=period.quarter,
                  period={"start": period.start.isoformat(), "end": period.end.isoformat()})
    context = template_context(report, layout="list", chart_png=None, photos={}, generated_on=dt.date(2026, 2, 2))
    text = "\n".join(p.text for p in docx_paragraphs(fill_template(full_template_path(), context, tmp_path / "f.docx")))
    assert said in text and "2026 periode" not in text


@pytest.mark.parametrize("key, said", [
    ("2021Q3", "Serang Triwulan III Tahun 2021 (bulan Juli s.d September 2021), sebagai"),
    ("2021S2", "Serang Semester II Tahun 2021 (bulan Juli s.d Desember 2021), sebagai"),
    # the label of a range of whole months is its months: "Periode Juli 2021 (bulan Juli 2021)"
    ("2021-07-01..2021-07-31", "Serang Periode Juli 2021, sebagai"),
    ("2021-07-01..2021-09-30", "Serang Periode Juli - September 2021, sebagai"),
    ("2021-07-05..2021-09-10", "Serang Periode 5 Juli 2021 - 10 September 2021 (bulan Juli s.d September 2021), sebagai"),
])
def test_the_full_report_names_the_months_once(tmp_path, key, said):
    period = parse_period(key)
    months = [{"month": month, "label": label, "articles": []} for month, label in months_of(period)]
    report = dict(sample_report(), period_key=key, period_label=period_label(period), quarter=period.quarter,
                  months=months, period={"start": period.start.isoformat(), "end": period.end.isoformat()})
    context = template_context(report, layout="list", chart_png=None, photos={}, generated_on=dt.date(2026, 2, 2))
    text = "\n".join(p.text for p in docx_paragraphs(fill_template(full_template_path(), context, tmp_path / "f.docx")))
    purpose, summary = (text.split(heading, 1)[1] for heading in ("C. Maksud dan Tujuan", "A. Simpulan"))
    assert said in purpose
    # BAB III's conclusion says it the same way
    assert said.removesuffix(", sebagai").split("Serang ", 1)[1] + " antara lain" in summary


def write_template(path, paragraphs: list[list[tuple[str, bool]]]):
    """A template of paragraphs, each a list of (text, bold) runs, as Word splits styled text."""
    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text, bold in runs:
            paragraph.add_run(text).bold = bold
    document.save(str(path))
    return path


def plain(*lines: str) -> list[list[tuple[str, bool]]]:
    return [[(line, False)] for line in lines]


CAPTION = "Rapat Migrasi Template Website di Aula KPU Kabupaten Serang."


@pytest.mark.parametrize("layout", [
    # seed 000's layout: a "Keterangan Gambar:" paragraph, then the caption
    plain("Keterangan Gambar:", "{{ h.caption }}"),
    plain("Keterangan Gambar: {{ h.caption }}"),
    [[("Keterangan Gambar:", True), (" {{ h.caption }}", False)]],  # the label in bold, its own run
    plain("keterangan gambar", "{{ h.caption|upper }}"),
    plain("Keterangan Gambar:", "{{ h.caption_text }}"),
], ids=["next paragraph", "same run", "own run", "any case, a filter", "caption_text"])
def test_a_template_writing_the_caption_label_gets_it_once(tmp_path, layout):
    template = write_template(tmp_path / "t.docx", plain("{%p for h in humas_activities %}") + layout
                              + plain("{%p endfor %}"))
    context = template_context(sample_report(), layout="list", chart_png=None, photos={},
                               generated_on=dt.date(2021, 10, 4))
    text = "\n".join(p.text for p in docx_paragraphs(fill_template(template, context, tmp_path / "out.docx")))
    assert text.lower().count("keterangan gambar") == 1
    assert CAPTION.lower() in text.lower()


def test_a_caption_without_the_label_before_it_keeps_its_own():
    xml = "<w:p><w:r><w:t>{{ h.title }}</w:t></w:r></w:p><w:p><w:r><w:t>{{ h.caption }}</w:t></w:r></w:p>"
    assert caption_label_written_once(xml) == xml
    # words between the label and the tag: the label belongs to something else
    xml = "<w:t>Keterangan Gambar: lihat di bawah</w:t></w:r></w:p><w:p><w:r><w:t>{{ h.caption }}</w:t>"
    assert caption_label_written_once(xml) == xml
