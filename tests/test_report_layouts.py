"""The website list in both layouts (list: lettered by month, seed 000; table: numbered rows
with the date, seed 003) in Markdown, docx and JSON; social figures and humas activities."""
from __future__ import annotations

import json

import docx

from kpu_berita.reports.render_docx import render_docx
from kpu_berita.reports.render_text import render_json, render_markdown
from tests.report_samples import TRICKY, sample_report


def test_markdown_list_letters_titles_per_month():
    md = render_markdown(sample_report(), "list")
    assert "**Juli 2021:**" in md and "a. Rapat Koordinasi DPB Periode Juni (2 Juli 2021, 40 kali dilihat)" in md
    assert "b. Sosialisasi Tata Cara Penyusunan SKP (20 Juli 2021, — kali dilihat)" in md
    assert "**September 2021:**\n\nTidak ada artikel." in md
    assert "| No | Tanggal |" not in md


def test_markdown_table_numbers_rows_with_date_and_media():
    md = render_markdown(sample_report(), "table")
    assert "| No | Tanggal | Jenis Informasi | Media Penyebaran |" in md
    assert "| 1. | 2 Juli 2021 | Rapat Koordinasi DPB Periode Juni | Website www.kab-serang.kpu.go.id |" in md
    assert "| 3. | 3 Agustus 2021 | Rapat & Evaluasi \\<DPB\\>" in md
    assert "**Juli 2021:**" not in md


def test_markdown_social_and_humas_sections():
    md = render_markdown(sample_report())
    assert "| Facebook | 458 | 4926 |" in md and "| Youtube | 15 | — |" in md
    assert "| 1. | Foto Berita | 98 | 19 |" in md
    assert ("Kegiatan ini dilaksanakan pada Rabu, 8 September 2021 di Aula KPU Kabupaten Serang dan diikuti oleh "
            "Operator Website KPU Kabupaten Serang.") in md
    assert "*Keterangan Gambar: Rapat Migrasi Template Website di Aula KPU Kabupaten Serang.*" in md



def test_content_type_recap_alone_is_still_shown(tmp_path):
    # both renderers returned before the recap when the per-platform figures were empty
    report = dict(sample_report(), social=[])
    md = render_markdown(report)
    assert "## 2. Akun Media Sosial" in md and "| 1. | Foto Berita | 98 | 19 |" in md and "| Platform |" not in md
    document = docx.Document(str(render_docx(report, tmp_path / "r.docx")))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert [t[0][0] for t in tables] == ["Kategori", "No"] and tables[1][1] == ["1.", "Foto Berita", "98", "19"]

def test_humas_item_without_photo_says_nothing_about_it():
    md = render_markdown(sample_report(photo_url=None))
    humas = md[md.index("## 3."):]
    assert "Keterangan Gambar" not in humas and "![" not in humas and "foto" not in humas.lower()


def test_json_list_keeps_the_contract_and_adds_letters():
    report = sample_report()
    data = json.loads(render_json(report, "list"))
    assert data["period"] == {"start": "2021-07-01", "end": "2021-09-30"} and data["layout"] == "list"
    assert [m["label"] for m in data["months"]] == ["Juli 2021", "Agustus 2021", "September 2021"]
    assert [a["letter"] for a in data["months"][0]["articles"]] == ["a", "b"]
    assert "table" not in data and data["months"][0]["articles"][0]["title"] == report["months"][0]["articles"][0]["title"]


def test_json_table_adds_numbered_rows():
    data = json.loads(render_json(sample_report(), "table"))
    assert data["table"]["columns"] == ["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"]
    assert data["table"]["rows"][2] == [3, "3 Agustus 2021", TRICKY, "Website www.kab-serang.kpu.go.id"]
    assert len(data["months"]) == 3


def test_docx_list_layout(tmp_path):
    document = docx.Document(str(render_docx(sample_report(), tmp_path / "l.docx", "list")))
    text = [p.text for p in document.paragraphs]
    assert "Juli 2021:" in text and f"a. {TRICKY} (3 Agustus 2021, 12 kali dilihat)" in text
    assert [t.rows[0].cells[0].text for t in document.tables] == ["Kategori", "Platform", "No"]


def test_docx_table_layout_and_photo(tmp_path):
    photo = tmp_path / "p.png"
    from kpu_berita.demo_network.photos import photo_png

    photo.write_bytes(photo_png(1))
    report = sample_report()
    document = docx.Document(str(render_docx(report, tmp_path / "t.docx", "table",
                                             {report["humas_activities"][0]["photo_url"]: photo})))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"]
    assert rows[3] == ["3.", "3 Agustus 2021", TRICKY, "Website www.kab-serang.kpu.go.id"]
    assert len(document.inline_shapes) == 2  # the chart and the activity's photo
    assert any(p.text.startswith("Keterangan Gambar: Rapat Migrasi") for p in document.paragraphs)
