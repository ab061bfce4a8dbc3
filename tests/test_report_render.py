"""Report rendering: Indonesian wording, lettering, escaping in every format, docx structure."""
from __future__ import annotations

import json

import docx
import pytest

from kpu_berita.reports.periods import period_label, quarter_period
from kpu_berita.reports.render_docx import render_docx, render_province_docx
from kpu_berita.reports.render_text import render_json, render_markdown, render_province_markdown
from kpu_berita.reports.wording import count_sentence, formal_name, letter

TRICKY = 'Rapat & Evaluasi <DPB> "Tahap 1" *penting* [draf]'


def article(title, day, views, category="rapat"):
    return {"title": title, "url": f"https://kab-serang.kpu.go.id/blog/read/1_{day}", "published_date": day,
            "views": views, "category": category}


def make_report(n_july=30):
    july = [article(f"Judul Juli {i}", f"2021-07-{1 + i % 28:02d}", i) for i in range(n_july)]
    august = [article(TRICKY, "2021-08-03", None, "sosialisasi")]
    return {"satker_id": "kab-serang", "satker_name": "KPU Kabupaten Serang", "website": "kab-serang.kpu.go.id",
            "quarter": "2021Q3", "period": {"start": "2021-07-01", "end": "2021-09-30"},
            "period_key": "2021Q3", "period_label": "Triwulan III Tahun 2021",
            "period_range_label": "(01 JULI 2021 - 30 SEPTEMBER 2021)",
            "total_articles": n_july + 1, "total_views": sum(range(n_july)),
            "months": [{"month": "2021-07", "label": "Juli 2021", "articles": july},
                       {"month": "2021-08", "label": "Agustus 2021", "articles": august},
                       {"month": "2021-09", "label": "September 2021", "articles": []}],
            "categories": [{"category": "rapat", "label": "Rapat & Koordinasi", "articles": n_july,
                            "views": sum(range(n_july))},
                           {"category": "sosialisasi", "label": "Sosialisasi & Pendidikan Pemilih", "articles": 1,
                            "views": 0}],
            "top_articles": sorted(july, key=lambda a: -a["views"])[:5], "social": [], "social_by_content_type": [],
            "humas_activities": [], "generated_at": "2026-11-22T10:00:00+07:00"}


def test_wording():
    assert period_label(quarter_period("2021Q3")) == "Triwulan III Tahun 2021"
    assert formal_name("KIP Kabupaten Aceh Besar") == "Komisi Independen Pemilihan Kabupaten Aceh Besar"
    assert count_sentence(make_report()) == (
        "Komisi Pemilihan Umum Kabupaten Serang memiliki website pada laman www.kab-serang.kpu.go.id dan pada "
        "Triwulan III Tahun 2021 Komisi Pemilihan Umum Kabupaten Serang telah mengunggah sebanyak 31 artikel "
        "yaitu sebagai berikut:")
    assert [letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["a", "z", "aa", "ab", "az", "ba"]


def test_markdown_letters_months_table_and_escaping():
    md = render_markdown(make_report())
    assert "**Juli 2021:**" in md and "**September 2021:**" in md and "Tidak ada artikel." in md
    assert "z. Judul Juli 25 (26 Juli 2021, 25 kali dilihat)" in md
    assert "ad. Judul Juli 29" in md
    assert r'Rapat & Evaluasi \<DPB\> "Tahap 1" \*penting\* \[draf\]' in md
    assert "— kali dilihat" in md
    assert "| Rapat & Koordinasi | 30 | 435 |" in md


def test_json_is_the_dict():
    report = make_report()
    assert json.loads(render_json(report)) == report


def test_docx_has_sentence_titles_intact_table_and_chart(tmp_path):
    path = render_docx(make_report(), tmp_path / "r.docx")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert count_sentence(make_report()) in text
    assert f"a. {TRICKY} (3 Agustus 2021, — kali dilihat)" in text
    assert len(document.inline_shapes) == 1
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["Kategori", "Artikel", "Dilihat"] and cells[-1] == ["Jumlah", "31", "435"]


def test_empty_quarter_and_control_characters(tmp_path):
    report = make_report(0)
    report["months"][1]["articles"] = []
    report.update(total_articles=0, total_views=0, categories=[], top_articles=[])
    assert "belum mengunggah artikel" in render_markdown(report)
    report["satker_name"] = "KPU Kabupaten Serang\x0b"  # a control character XML can't hold
    document = docx.Document(str(render_docx(report, tmp_path / "empty.docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "belum mengunggah artikel" in text and "Kabupaten Serang" in text and "\x0b" not in text


def test_province_report_highlights_silent_satker(tmp_path):
    report = {"province": "Banten", "quarter": "2021Q3", "period": {"start": "2021-07-01", "end": "2021-09-30"},
              "period_key": "2021Q3", "period_label": "Triwulan III Tahun 2021",
              "total_articles": 36, "total_views": 100, "generated_at": "x",
              "satker": [{"satker_id": "kab-serang", "satker_name": "KPU Kabupaten Serang", "level": "kabupaten",
                          "articles": 36, "views": 100, "by_category": {"rapat": 36}},
                         {"satker_id": "kota-serang", "satker_name": "KPU Kota Serang", "level": "kota",
                          "articles": 0, "views": 0, "by_category": {}}]}
    text = render_province_markdown(report)
    assert "KPU Kota Serang **(tidak ada artikel)**" in text
    assert text.rstrip().splitlines()[-1] == "| **Jumlah** | **36** | **100** |"  # the docx's last row, in md too
    document = docx.Document(str(render_province_docx(report, tmp_path / "p.docx")))
    assert document.tables[0].rows[2].cells[0].text == "KPU Kota Serang (tidak ada artikel)"


def test_docx_converts_with_libreoffice(tmp_path, soffice):
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    path = render_docx(make_report(), tmp_path / "r.docx")
    assert soffice(path, timeout=180).stat().st_size > 5000
