"""The whole report on the demo warehouse: any period, both layouts, the operator's
template, --full (converted to PDF when LibreOffice is installed), social figures."""
from __future__ import annotations

import json
import re
import shutil

import docx
import pytest

from kpu_berita import config
from kpu_berita.cli import main
from kpu_berita.reports.wording import letter

pytestmark = pytest.mark.slow


def report(home, *argv) -> int:
    return main(["--home", str(home), "report", *[str(a) for a in argv]])


def test_march_to_june_for_kayong_utara(demo_home, capsys):
    capsys.readouterr()
    assert report(demo_home, "--satker", "kab-kayongutara", "--period", "2021-03-01..2021-06-30", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"start": "2021-03-01", "end": "2021-06-30"} and data["quarter"] is None
    assert data["period_label"] == "Periode Maret - Juni 2021"
    assert [m["label"] for m in data["months"]] == ["Maret 2021", "April 2021", "Mei 2021", "Juni 2021"]
    assert data["total_articles"] == sum(len(m["articles"]) for m in data["months"]) > 0
    assert report(demo_home, "--satker", "kab-kayongutara", "--period", "2021-03-01..2021-06-30") == 0
    assert "pada Periode Maret - Juni 2021 Komisi Pemilihan Umum Kabupaten Kayong Utara telah mengunggah" in \
        capsys.readouterr().out


def test_semester_and_year_cover_every_month(demo_home, capsys):
    for option, value, months in (("--semester", "2021S2", 6), ("--year", "2022", 12)):
        capsys.readouterr()
        assert report(demo_home, "--satker", "kab-serang", option, value, "--format", "json") == 0
        assert len(json.loads(capsys.readouterr().out)["months"]) == months


def test_table_layout_in_docx_and_json(demo_home, tmp_path, capsys):
    out = tmp_path / "tabel.docx"
    assert report(demo_home, "--satker", "kab-serang", "--quarter", "2021Q3", "--layout", "table", "--format", "docx",
                  "--out", out) == 0
    rows = docx.Document(str(out)).tables[0].rows
    assert [c.text for c in rows[0].cells] == ["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"]
    assert len(rows) == 37 and rows[36].cells[0].text == "36."
    capsys.readouterr()
    assert report(demo_home, "--satker", "kab-serang", "--quarter", "2021Q3", "--layout", "table", "--format", "json") == 0
    assert len(json.loads(capsys.readouterr().out)["table"]["rows"]) == 36


def test_template_with_unknown_variable_exits_2_and_writes_nothing(demo_home, tmp_path, capsys):
    template = tmp_path / "laporan.docx"
    document = docx.Document()
    document.add_paragraph("{{ satker_name }} {{ jumlah_artikel }}")
    document.save(str(template))
    out = tmp_path / "out.docx"
    capsys.readouterr()
    assert report(demo_home, "--satker", "kab-serang", "--quarter", "2021Q3", "--template", template, "--out", out) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'jumlah_artikel'" in err and str(template) in err
    assert not out.exists()


def test_full_report_of_kab_serang_2021q3(demo_home, tmp_path, soffice):
    out = tmp_path / "lengkap.docx"
    assert report(demo_home, "--satker", "kab-serang", "--quarter", "2021Q3", "--full", "--out", out) == 0
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in ("KOMISI PEMILIHAN UMUM KABUPATEN SERANG", "TRIWULAN III TAHUN 2021",
                     "(01 JULI 2021 - 30 SEPTEMBER 2021)", "DAFTAR ISI", "BAB I", "BAB II", "BAB III",
                     "telah mengunggah sebanyak 36 artikel", "Juli 2021:", "Sosialisasi Juknis Bakohumas",
                     "Keterangan Gambar: Rapat Migrasi Template Website KPU Provinsi dan KPU Kabupaten/Kota Se "
                     "Provinsi Banten di Aula KPU Kabupaten Serang.", "[isi saran]"):
        assert expected in text, expected
    assert len(document.inline_shapes) >= 4  # the chart and the humas activities' photos
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.left_margin.cm) == 4
    if soffice:
        assert soffice(out, timeout=300).stat().st_size > 50_000


def test_full_report_of_a_busy_period_letters_every_conclusion_item(demo_home, tmp_path):
    # the template lettered BAB III's items from a string "c".."z": the 25th activity failed
    # the whole report ("str object has no element 24")
    out = tmp_path / "lima-tahun.docx"
    assert report(demo_home, "--satker", "kab-serang", "--period", "2021-01-01..2025-12-31", "--full",
                  "--out", out) == 0
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    simpulan = text[text.index("A. Simpulan"):text.index("B. Saran")]
    letters = [m.group(1) for line in simpulan if (m := re.match(r"([a-z]{1,2})\) ", line))]
    assert len(letters) > 20 and letters == [letter(i) for i in range(len(letters))]


def test_imported_social_figures_appear_in_the_report(demo_home, tmp_path, capsys):
    home = tmp_path / "home"  # a copy: the shared demo home stays as the demo left it
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("raw"))
    csv = tmp_path / "medsos.csv"
    csv.write_text("satker_id,period,platform,posts,followers\nkab-serang,2021Q3,Facebook,458,4926\n"
                   "kab-serang,2021Q3,Instagram,427,1111\nkab-serang,2021Q3,Youtube,15,246\n", encoding="utf-8")
    assert main(["--home", str(home), "social", "--import", str(csv)]) == 0
    capsys.readouterr()
    assert report(home, "--satker", "kab-serang", "--quarter", "2021Q3") == 0
    md = capsys.readouterr().out
    assert "| Facebook | 458 | 4926 |" in md and "| Youtube | 15 | 246 |" in md
    assert report(home, "--satker", "kab-serang", "--quarter", "2021Q4", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["social"] == []
    assert config.warehouse_path(home).exists()
