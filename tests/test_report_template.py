"""Operators' Word templates (docxtpl): a template written as an operator would, in plain
python-docx text, using every documented variable; unknown variables refused before
anything is written; values escaped."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import docx
import pytest

from kpu_berita.demo_network.photos import photo_png
from kpu_berita.reports.context import VARIABLES, template_context
from kpu_berita.reports.make import full_template_path
from kpu_berita.reports.template import TemplateProblem, fill_template
from tests.report_samples import TRICKY, sample_report

DOCS = Path(__file__).resolve().parent.parent / "docs" / "report-template.md"
OPERATOR_TEMPLATE = [
    "Laporan {{ satker_name }} ({{ satker_short }}, {{ satker_id }}) www.{{ website }}",
    "{{ period_label }} {{ period_range_label }} {{ period_key }} {{ period_start }} - {{ period_end }} "
    "{{ period_months }} {{ year }} susunan {{ layout }}",
    "{{ count_sentence }} Total {{ total_articles }} artikel, {{ total_views }} kali dilihat.",
    "{%p for m in months %}", "{{ m.label }}:", "{%p for a in m.articles %}",
    "{{ a.letter }}. {{ a.title }} | {{ a.date_label }} | {{ a.views }} | {{ a.category_label }} | {{ a.url }}",
    "{%p endfor %}", "{%p endfor %}",
    "{%p for a in articles %}", "{{ a.no }}. {{ a.date_label }} {{ a.title }}", "{%p endfor %}",
    "{%p for c in categories %}", "Kategori {{ c.label }}: {{ c.articles }} / {{ c.views }}", "{%p endfor %}",
    "{%p for a in top_articles %}", "Top {{ a.no }}. {{ a.title }}", "{%p endfor %}",
    "{{ chart }}",
    "{%p for s in social %}", "{{ s.platform }}: {{ s.posts }} postingan, {{ s.followers }} pengikut", "{%p endfor %}",
    "{%p for r in social_by_content_type %}",
    "{{ r.no }}. {{ r.content_type }}{% for p in social_platforms %} {{ p }}={{ r.posts.get(p, '-') }}{% endfor %}",
    "{%p endfor %}",
    "{%p for h in humas_activities %}",
    "{{ h.no }}. {{ h.title }} / {{ h.date_label }} / {{ h.place }} / {{ h.participants }} / {{ h.url }}",
    "{{ h.sentence }} {{ h.summary }}", "{{ h.photo }}", "{{ h.caption }}", "{%p endfor %}",
    "Dibuat {{ generated_on }}",
]


def write_template(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def context(tmp_path, report=None, layout="list") -> dict:
    report = report or sample_report()
    photo = tmp_path / "photo.png"
    photo.write_bytes(photo_png(7))
    return template_context(report, layout=layout, chart_png=photo_png(3), generated_on=dt.date(2021, 10, 4),
                            photos={report["humas_activities"][0]["photo_url"]: photo})


def text_of(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_template_using_every_documented_variable_renders(tmp_path):
    template = write_template(tmp_path / "laporan.docx", OPERATOR_TEMPLATE)
    out = fill_template(template, context(tmp_path), tmp_path / "out.docx")
    text = text_of(out)
    assert "Laporan Komisi Pemilihan Umum Kabupaten Serang (KPU Kabupaten Serang, kab-serang)" in text
    assert "Triwulan III Tahun 2021 (01 JULI 2021 - 30 SEPTEMBER 2021) 2021Q3 1 Juli 2021 - 30 September 2021" in text
    assert "Juli s.d September 2021 2021 susunan list" in text
    assert "a. Rapat Koordinasi DPB Periode Juni | 2 Juli 2021 | 40 | Rapat & Koordinasi |" in text
    assert "b. Sosialisasi Tata Cara Penyusunan SKP | 20 Juli 2021 | — | Sosialisasi |" in text
    assert "3. 3 Agustus 2021" in text and "Facebook: 458 postingan, 4926 pengikut" in text
    assert "Youtube: 15 postingan, — pengikut" in text and "1. Foto Berita Facebook=98 Youtube=19" in text
    assert "Keterangan Gambar: Rapat Migrasi Template Website di Aula KPU Kabupaten Serang." in text
    assert "Dibuat 4 Oktober 2021" in text and "{{" not in text and "{%" not in text
    assert len(docx.Document(str(out)).inline_shapes) == 2  # chart and photo


def test_docs_document_every_variable():
    first_cells = re.findall(r"^\| (`[^|]+)\|", DOCS.read_text(encoding="utf-8"), re.M)
    documented = {name for cell in first_cells for name in re.findall(r"`(\w+)`", cell)}
    assert set(VARIABLES) <= documented


def test_titles_with_ampersand_angle_brackets_and_quotes_come_out_as_written(tmp_path):
    template = write_template(tmp_path / "t.docx", ["{%p for a in articles %}", "[{{ a.title }}]", "{%p endfor %}"])
    out = fill_template(template, context(tmp_path), tmp_path / "out.docx")
    assert f"[{TRICKY}]" in text_of(out)


@pytest.mark.parametrize("line, name", [("{{ satker_nama }}", "satker_nama"),
                                        ("{%p for x in kegiatan %}\n{{ x }}\n{%p endfor %}", "kegiatan")])
def test_unknown_variable_is_one_line_naming_it_and_nothing_is_written(tmp_path, line, name):
    template = write_template(tmp_path / "salah.docx", ["Halo", *line.split("\n")])
    out = tmp_path / "out.docx"
    with pytest.raises(TemplateProblem) as error:
        fill_template(template, context(tmp_path), out)
    message = str(error.value)
    assert "\n" not in message and f"'{name}'" in message and str(template) in message
    assert not out.exists() and not list(tmp_path.glob(".out.docx*"))


def test_unknown_attribute_is_refused_too(tmp_path):
    template = write_template(tmp_path / "attr.docx", ["{%p for a in articles %}", "{{ a.judul }}", "{%p endfor %}"])
    # jinja said "'dict object' has no attribute 'judul'"
    with pytest.raises(TemplateProblem, match=r"attr.docx: unknown field 'judul' of an item \(see docs/report-template"):
        fill_template(template, context(tmp_path), tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_shipped_templates_render_in_both_layouts(tmp_path):
    for layout in ("list", "table"):
        out = fill_template(full_template_path(), context(tmp_path, layout=layout), tmp_path / f"{layout}.docx")
        text = text_of(out)
        assert "BAB I" in text and "BAB III" in text and "{{" not in text
        tables = [[c.text for c in t.rows[0].cells] for t in docx.Document(str(out)).tables]
        assert (["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"] in tables) == (layout == "table")
    example = full_template_path().with_name("contoh_laporan.docx")
    assert "Komisi Pemilihan Umum Kabupaten Serang" in text_of(fill_template(example, context(tmp_path), tmp_path / "c.docx"))


def test_a_template_cannot_reach_the_machine(tmp_path):
    """Templates are shared between offices: Jinja's globals lead to os.system unless sandboxed."""
    marker = tmp_path / "ran"
    template = write_template(tmp_path / "jahat.docx", [
        "Halo {{ satker_name }}", f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"])
    out = tmp_path / "out.docx"
    with pytest.raises(TemplateProblem, match=r"jahat.docx: template error: .*unsafe"):
        fill_template(template, context(tmp_path), out)
    assert not marker.exists() and not out.exists()


def test_an_unclosed_tag_is_named_by_its_paragraph(tmp_path):
    template = write_template(tmp_path / "buka.docx", ["Laporan {{ satker_name ", "{{ period_label }}"])
    with pytest.raises(TemplateProblem) as error:
        fill_template(template, context(tmp_path), tmp_path / "out.docx")
    assert str(error.value) == (f"{template}: template syntax error: the tag in \"{{{{ satker_name \" is not closed "
                                "(}} or %})")


def test_the_full_template_letters_every_conclusion_item_past_z(tmp_path):
    # the template lettered BAB III's items from a string "c".."z": the 25th activity failed
    # the whole report ("str object has no element 24")
    report = sample_report()
    report["humas_activities"] = [dict(report["humas_activities"][0], title=f"Kegiatan {n}") for n in range(30)]
    out = fill_template(full_template_path(), context(tmp_path, report), tmp_path / "full.docx")
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    simpulan = text[text.index("A. Simpulan"):text.index("B. Saran")]
    letters = [m.group(1) for line in simpulan if (m := re.match(r"([a-z]{1,2})\) ", line))]
    assert len(letters) == 32 and letters[:4] == ["a", "b", "c", "d"] and letters[-6:] == ["aa", "ab", "ac", "ad", "ae", "af"]


def test_the_full_templates_conclusion_of_a_period_without_articles(tmp_path):
    # it said "a) Mengunggah 0 informasi melalui website ..."
    empty = sample_report()
    empty.update(total_articles=0, total_views=0, months=[dict(m, articles=[]) for m in empty["months"]],
                 categories=[], top_articles=[])
    text = text_of(fill_template(full_template_path(), context(tmp_path, empty), tmp_path / "full.docx"))
    assert "a) Belum mengunggah informasi melalui website kab-serang.kpu.go.id;" in text
    assert "a) Mengunggah 3 informasi melalui website kab-serang.kpu.go.id;" in \
        text_of(fill_template(full_template_path(), context(tmp_path), tmp_path / "full3.docx"))


@pytest.mark.parametrize("line, failure", [
    ("Rata-rata {{ (total_views / total_articles)|round(1) }}", "ZeroDivisionError: division by zero"),
    ("{{ total_views + ' kali' }}", "TypeError"),
])
def test_an_expression_failing_on_the_reports_values_is_one_line(tmp_path, line, failure):
    """The operator's own arithmetic, fine on a quarter with articles, meets one without."""
    template = write_template(tmp_path / "hitung.docx", ["Laporan {{ satker_name }}", line])
    empty = sample_report()
    empty.update(total_articles=0, total_views=0)
    out = tmp_path / "out.docx"
    with pytest.raises(TemplateProblem) as error:
        fill_template(template, context(tmp_path, empty), out)
    message = str(error.value)
    assert message.startswith(f"{template}: an expression of the template failed for this report (")
    assert failure in message and "\n" not in message
    assert not out.exists()


def test_a_word_dotx_template_is_named_as_such(tmp_path):
    """Word's "Save as template" (.dotx) has another main part type, which python-docx refuses."""
    source, dotx = write_template(tmp_path / "x.docx", ["{{ satker_name }}"]), tmp_path / "laporan.dotx"
    with zipfile.ZipFile(source) as docx_zip, zipfile.ZipFile(dotx, "w") as dotx_zip:
        for item in docx_zip.infolist():
            data = docx_zip.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml")
            dotx_zip.writestr(item, data)
    with pytest.raises(TemplateProblem, match=r"laporan.dotx: a .dotx file; open it in Word and save it as a Word Document"):
        fill_template(dotx, context(tmp_path), tmp_path / "out.docx")


def test_the_full_report_has_the_jumlah_row_the_review_line_and_a_missing_photo(tmp_path):
    """What the short report shows, the --full template shows too."""
    report = sample_report()
    report["needs_review"] = 2
    filled = template_context(report, layout="list", chart_png=photo_png(3), generated_on=dt.date(2021, 10, 4),
                              photos={})  # the lead photo could not be fetched
    out = fill_template(full_template_path(), filled, tmp_path / "full.docx")
    text = text_of(out)
    assert "2 artikel perlu diperiksa" in text
    assert f"[Foto kegiatan tidak dapat diunduh; sisipkan dari] {report['humas_activities'][0]['photo_url']}" in text
    assert "Keterangan Gambar: Rapat Migrasi Template Website di Aula KPU Kabupaten Serang." in text
    category_table = next(t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "Jenis Kegiatan")
    assert [c.text for c in category_table.rows[-1].cells] == ["Jumlah", str(report["total_articles"]), str(report["total_views"])]
    report["needs_review"] = 0
    clean = template_context(report, layout="list", chart_png=None, generated_on=dt.date(2021, 10, 4), photos={})
    assert "perlu diperiksa" not in text_of(fill_template(full_template_path(), clean, tmp_path / "clean.docx"))
