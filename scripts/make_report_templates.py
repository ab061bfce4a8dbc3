"""Write the report templates shipped in kpu_berita/reports/templates/ (run after editing
this file; the .docx files are committed so the package needs no build step):

  laporan_bakohumas.docx  the complete report of `kpu-berita report --full`, following the
                          Kab. Serang Triwulan III 2021 report (seed 000): cover, daftar isi,
                          BAB I-III; A4, Arial 12, margins 4-3-3-3 cm
  contoh_laporan.docx     a short example that uses every variable (docs/report-template.md)

Both are plain python-docx documents whose text carries docxtpl's Jinja tags, exactly as an
operator would type them in Word.   Usage: python scripts/make_report_templates.py
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "kpu_berita" / "reports" / "templates"
FONT = "Arial"
PLACEHOLDER = RGBColor(0xC0, 0x00, 0x00)  # red: text only a person can write
LEGAL_BASIS = (
    "Undang-Undang Republik Indonesia Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik;",
    "Undang-Undang Republik Indonesia Nomor 43 Tahun 2009 tentang Kearsipan;",
    "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum;",
    "Peraturan Komisi Pemilihan Umum Nomor 1 Tahun 2015 tentang Pengelolaan dan Pelayanan Informasi Publik di "
    "Lingkungan Komisi Pemilihan Umum;",
    "Peraturan Komisi Pemilihan Umum Nomor 14 Tahun 2020 tentang Tugas, Fungsi, Susunan Organisasi dan Tata Kerja "
    "Sekretariat Jenderal Komisi Pemilihan Umum, Sekretariat Komisi Pemilihan Umum Provinsi, dan Sekretariat Komisi "
    "Pemilihan Umum Kabupaten/Kota;",
    "Keputusan Komisi Pemilihan Umum Nomor 561/HM.03.5-Kpt/06/KPU/VIII/2021 tentang Badan Koordinasi Hubungan "
    "Masyarakat Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi dan Komisi Pemilihan Umum Kabupaten/Kota;",
    "Surat Komisi Pemilihan Umum tanggal 22 Maret 2021 Nomor 244/HM.02-SD/06/KPU/III/2021 perihal Pembentukan Badan "
    "Koordinasi Kehumasan (Bakohumas);",
)


# -- document set-up ------------------------------------------------------------------------
def new_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.top_margin, section.right_margin, section.bottom_margin = Cm(4), Cm(3), Cm(3), Cm(3)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.line_spacing = 1.5
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 12), ("Title", 16)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if fonts is not None and fonts.get(qn(attribute)) is not None:
                del fonts.attrib[qn(attribute)]
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(12), Pt(6)
    document.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _field(paragraph, instruction: str, cached: str = "") -> None:
    """A Word field (PAGE, TOC) with its cached result, which LibreOffice shows as is."""
    def fld(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element
    run = paragraph.add_run()
    run._r.append(fld("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(fld("separate"))
    paragraph.add_run(cached)
    paragraph.add_run()._r.append(fld("end"))


def page_numbers(document: Document) -> None:
    """Centred page number in the footer; none on the cover (a different first page)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "1")


def update_fields_on_open(document: Document) -> None:
    """Word refreshes the daftar isi's page numbers when the operator opens the file."""
    setting = OxmlElement("w:updateFields")
    setting.set(qn("w:val"), "true")
    document.settings.element.append(setting)


# -- paragraph helpers -----------------------------------------------------------------------
def para(document, text: str = "", *, bold=False, italic=False, align=None, indent_cm=None, first_line_cm=None,
         size=None, placeholder=False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if placeholder:
        run.font.color.rgb = PLACEHOLDER
    if align is not None:
        paragraph.alignment = align
    elif not bold:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent_cm is not None:
        paragraph.paragraph_format.left_indent = Cm(indent_cm)
    if first_line_cm is not None:
        paragraph.paragraph_format.first_line_indent = Cm(first_line_cm)
    return paragraph


def tag(document, text: str):
    """A paragraph holding only a docxtpl {%p ... %} tag (docxtpl removes the paragraph)."""
    return document.add_paragraph(text)


def body(document, text: str):
    return para(document, text, first_line_cm=1.25)


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table(document, header: list[str], row: list[str], loop: str, widths_cm: list[float],
          footer: list[str] | None = None):
    """A table with a header row and one looped row ({%tr for ... %} rows around it), and a
    footer row after them (a "Jumlah" row) when given."""
    grid = document.add_table(rows=5 if footer else 4, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header):
        cell.paragraphs[0].add_run(text).bold = True
    grid.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, text in zip(grid.rows[2].cells, row):
        cell.text = text
    grid.rows[3].cells[0].text = "{%tr endfor %}"
    for cell, text in zip(grid.rows[4].cells if footer else (), footer or ()):
        cell.paragraphs[0].add_run(text).bold = True
    for r in grid.rows:
        for cell, width in zip(r.cells, widths_cm):
            cell.width = Cm(width)
    return grid


# -- the complete report ---------------------------------------------------------------------
TOC_ENTRIES = ("BAB I PENDAHULUAN", "A. Latar Belakang", "B. Landasan Hukum Penyusunan Laporan",
               "C. Maksud dan Tujuan", "BAB II GAMBARAN UMUM", "A. Jangka Waktu Kegiatan",
               "B. Kegiatan Aktivitas Badan Koordinasi Kehumasan", "BAB III PENUTUP", "A. Simpulan", "B. Saran")


def cover(document) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(2):
        para(document)
    para(document, "LAPORAN KEGIATAN AKTIVITAS", bold=True, align=center, size=16)
    para(document, "BADAN KOORDINASI KEHUMASAN (BAKOHUMAS)", bold=True, align=center, size=16)
    para(document, "{{ satker_name|upper }}", bold=True, align=center, size=16)
    para(document)
    para(document, "{{ period_label|upper }}", bold=True, align=center, size=14)
    para(document, "{{ period_range_label }}", bold=True, align=center, size=14)
    for _ in range(3):
        para(document)
    para(document, "[tempel logo KPU di sini]", align=center, placeholder=True)
    for _ in range(4):
        para(document)
    para(document, "{{ satker_name|upper }}", bold=True, align=center, size=14)
    para(document, "{{ year }}", bold=True, align=center, size=14)
    page_break(document)


def table_of_contents(document) -> None:
    para(document, "DAFTAR ISI", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph = document.add_paragraph()
    # the cached entries show in LibreOffice and in Word until it updates the field on open
    _field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', "\n".join(TOC_ENTRIES))
    page_break(document)


def bab_1(document) -> None:
    document.add_heading("BAB I\nPENDAHULUAN", level=1)
    document.add_heading("A. Latar Belakang", level=2)
    body(document, "Masyarakat pada saat sekarang ini memiliki banyak informasi yang berlimpah. Kebutuhan untuk "
                   "mendapatkan informasi yang cepat, akurat dan jelas menjadikan pemanfaatan teknologi digital "
                   "hal yang tepat untuk dilakukan, termasuk oleh lembaga-lembaga pemerintahan dalam rangka "
                   "mempermudah penyampaian informasi kepada publik.")
    body(document, "Keberadaan Bakohumas sangat penting dalam rangka pelayanan informasi kepada masyarakat. Sebagai "
                   "penyelenggara pemilu, {{ satker_name }} berperan untuk meningkatkan kelancaran arus informasi "
                   "tentang kepemiluan baik kepada publik, pers dan juga pemangku kepentingan terkait, melalui "
                   "website {{ website }}, media sosial, PPID dan kanal informasi lainnya.")
    # period_with_dates: a date range's label is a "Periode ..." already ("periode" twice before)
    paragraph = body(document, "Laporan ini merupakan rangkuman kegiatan Bakohumas {{ satker_name }} pada "
                               "{{ period_with_dates }}, yang dibentuk melalui ")
    paragraph.add_run("[nomor dan judul Keputusan pembentukan Bakohumas]").font.color.rgb = PLACEHOLDER
    paragraph.add_run(". Diharapkan dengan adanya laporan ini terdapat umpan balik untuk membangun Bakohumas "
                      "{{ satker_name }} menjadi lebih baik lagi ke depannya.")
    document.add_heading("B. Landasan Hukum Penyusunan Laporan", level=2)
    body(document, "Laporan ini merupakan bentuk pertanggungjawaban kegiatan Bakohumas {{ satker_name }} dengan "
                   "dasar sebagai berikut:")
    for n, text in enumerate(LEGAL_BASIS, start=1):
        para(document, f"{n}. {text}", indent_cm=0.75)
    para(document, f"{len(LEGAL_BASIS) + 1}. [Keputusan KPU Provinsi dan Keputusan {{{{ satker_short }}}} tentang "
                   "Badan Koordinasi Kehumasan]", indent_cm=0.75, placeholder=True)
    document.add_heading("C. Maksud dan Tujuan", level=2)
    body(document, "Mendeskripsikan kegiatan Badan Koordinasi Kehumasan {{ satker_name }} {{ period_with_months }}"
                   ", sebagai pertanggungjawaban laporan Bakohumas {{ satker_name }} "
                   "kepada pimpinan {{ satker_name }}.")
    page_break(document)


def website_section(document) -> None:
    document.add_heading("1. Mengunggah Informasi Secara Digital Melalui Website Dan Media Sosial", level=3)
    body(document, "{{ count_sentence }}")
    tag(document, "{%p if data_until_line %}")
    body(document, "{{ data_until_line }}")
    tag(document, "{%p endif %}")
    tag(document, "{%p if reposts_line %}")
    body(document, "{{ reposts_line }}")
    tag(document, "{%p endif %}")
    tag(document, "{%p if duplicates_line %}")
    body(document, "{{ duplicates_line }}")
    tag(document, "{%p endif %}")
    tag(document, "{%p if layout == 'table' %}")
    table(document, ["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"],
          ["{{ a.no }}.", "{{ a.date_label }}", "{{ a.title }}", "Website www.{{ website }}"], "a in articles",
          [1.2, 3.2, 6.6, 3.0])
    tag(document, "{%p else %}")
    tag(document, "{%p for m in months %}")
    para(document, "{{ m.label }}:", bold=True, indent_cm=0.5)
    tag(document, "{%p for a in m.articles %}")
    para(document, "{{ a.letter }}. {{ a.title }}", indent_cm=1.0)
    tag(document, "{%p endfor %}")
    tag(document, "{%p if not m.articles %}")
    para(document, "Tidak ada artikel.", indent_cm=1.0)
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")
    tag(document, "{%p if categories %}")
    body(document, "Seluruh artikel tersebut telah dilihat sebanyak {{ total_views }} kali. Jumlah artikel menurut "
                   "jenis kegiatan:")
    table(document, ["Jenis Kegiatan", "Artikel", "Dilihat"], ["{{ c.label }}", "{{ c.articles }}", "{{ c.views }}"],
          "c in categories", [8.0, 3.0, 3.0], footer=["Jumlah", "{{ total_articles }}", "{{ total_views }}"])
    tag(document, "{%p if needs_review %}")
    para(document, "{{ review_line }}", italic=True)
    tag(document, "{%p endif %}")
    para(document, "{{ chart }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(document, "Lima artikel dengan kunjungan terbanyak:", bold=True)
    tag(document, "{%p for a in top_articles %}")
    para(document, "{{ a.no }}. {{ a.title }} ({{ a.date_label }}, {{ a.views }} kali dilihat)", indent_cm=0.5)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")


def social_section(document) -> None:
    document.add_heading("2. Akun Media Sosial", level=3)
    tag(document, "{%p if social %}")
    body(document, "Berikut jumlah unggahan serta jumlah teman, pengikut dan subscribers akun media sosial "
                   "{{ satker_short }} periode {{ period_months }}:")
    table(document, ["Akun Media Sosial", "Jumlah Postingan", "Teman / Pengikut / Subscribers"],
          ["{{ s.platform }}", "{{ s.posts }}", "{{ s.followers }}"], "s in social", [5.0, 4.0, 5.0])
    tag(document, "{%p if social_by_content_type %}")
    para(document, "Rekapitulasi postingan menurut jenis konten:", bold=True)
    tag(document, "{%p for r in social_by_content_type %}")
    para(document, "{{ r.no }}. {{ r.content_type }}: {% for p in social_platforms %}{{ p }} "
                   "{{ r.posts.get(p, '-') }}{% if not loop.last %}, {% endif %}{% endfor %}", indent_cm=0.5)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")
    tag(document, "{%p else %}")
    para(document, "[isi jumlah unggahan dan pengikut akun media sosial; atau impor dengan "
                   "kpu-berita social --import FILE.csv lalu buat ulang laporan]", placeholder=True)
    tag(document, "{%p endif %}")
    para(document, "[tempel contoh postingan akun media sosial, dengan Keterangan Gambar]", placeholder=True)


def humas_section(document) -> None:
    document.add_heading("3. Kegiatan Terkait Badan Koordinasi Kehumasan yang Dilakukan Oleh {{ satker_short }} "
                         "pada {{ period_label }}", level=3)
    tag(document, "{%p if humas_activities %}")
    body(document, "Pada {{ period_with_months }} Badan Koordinasi Kehumasan "
                   "{{ satker_short }} mengikuti dan melaksanakan kegiatan yang berkaitan dengan kehumasan. "
                   "Kegiatan tersebut dapat dirinci sebagai berikut:")
    tag(document, "{%p for h in humas_activities %}")
    para(document, "{{ h.no }}. {{ h.title }}", bold=True)
    body(document, "{{ h.sentence }} {{ h.summary }}")
    tag(document, "{%p if h.photo %}")
    photo = para(document, "{{ h.photo }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    photo.paragraph_format.keep_with_next = True  # the caption stays under its photo
    para(document, "{{ h.caption }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(document, "{%p elif h.photo_missing %}")
    para(document, "{{ h.photo_missing }}", placeholder=True)
    para(document, "{{ h.caption }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")
    tag(document, "{%p else %}")
    para(document, "[isi kegiatan kehumasan pada periode ini: tanggal, tempat, peserta, foto]", placeholder=True)
    tag(document, "{%p endif %}")


def bab_2(document) -> None:
    document.add_heading("BAB II\nGAMBARAN UMUM", level=1)
    document.add_heading("A. Jangka Waktu Kegiatan", level=2)
    body(document, "Berdasarkan Surat Komisi Pemilihan Umum Nomor 244/HM.02-SD/06/KPU/III/2021 tanggal 22 Maret "
                   "2021 perihal Pembentukan Badan Koordinasi Kehumasan (Bakohumas), laporan aktivitas Bakohumas "
                   "dibuat per 3 (tiga) bulan dan dilaporkan secara berjenjang sesuai tingkatannya. Laporan "
                   "{{ period_label }} ini mencakup tanggal {{ period_start }} s.d. {{ period_end }}.")
    document.add_heading("B. Kegiatan Aktivitas Badan Koordinasi Kehumasan {{ satker_short }} {{ period_label }}",
                         level=2)
    website_section(document)
    social_section(document)
    humas_section(document)
    page_break(document)


def bab_3(document) -> None:
    document.add_heading("BAB III\nPENUTUP", level=1)
    document.add_heading("A. Simpulan", level=2)
    body(document, "Aktivitas Badan Koordinasi Kehumasan {{ satker_name }} pada {{ period_with_months }}"
                   " antara lain:")
    para(document, "a) {% if total_articles %}Mengunggah {{ total_articles }}{% else %}Belum mengunggah{% endif %} "
                   "informasi melalui website {{ website }};", indent_cm=0.75)
    para(document, "b) Mengunggah informasi melalui akun media sosial {{ satker_short }};", indent_cm=0.75)
    tag(document, "{%p for h in humas_activities %}")
    para(document, "{{ h.letter }}) {{ h.title }};", indent_cm=0.75)
    tag(document, "{%p endfor %}")
    document.add_heading("B. Saran", level=2)
    body(document, "Saran terkait kegiatan Badan Koordinasi Kehumasan pada {{ period_label }} yaitu:")
    for letter_ in "abc":
        para(document, f"{letter_}) [isi saran]", indent_cm=0.75, placeholder=True)
    signature(document)


def signature(document) -> None:
    right = WD_ALIGN_PARAGRAPH.RIGHT
    para(document).paragraph_format.keep_with_next = True
    paragraph = para(document, "", align=right)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run("[tempat]").font.color.rgb = PLACEHOLDER
    paragraph.add_run(", {{ generated_on }}")
    para(document, "Ketua Badan Koordinasi Kehumasan", align=right)
    para(document, "{{ satker_short }},", align=right)
    for _ in range(2):
        para(document)
    para(document, "[nama]", align=right, placeholder=True)


def full_report() -> Document:
    document = new_document()
    page_numbers(document)
    update_fields_on_open(document)
    cover(document)
    table_of_contents(document)
    bab_1(document)
    bab_2(document)
    bab_3(document)
    return document


# -- the short example ------------------------------------------------------------------------
def example() -> Document:
    """Every variable once, in the simplest tags an operator would start from."""
    document = new_document()
    para(document, "{{ satker_name }} ({{ satker_short }}, {{ satker_id }}) — {{ website }}", bold=True)
    para(document, "{{ period_label }} {{ period_range_label }} [{{ period_key }}]: {{ period_start }} s.d. "
                   "{{ period_end }}, bulan {{ period_months }} {{ year }}; pada {{ period_with_dates }}; "
                   "{{ period_with_months }}")
    para(document, "{{ count_sentence }} Jumlah: {{ total_articles }} artikel, {{ total_views }} kali dilihat "
                   "(susunan: {{ layout }}).")
    para(document, "{{ reposts_line }} ({{ reposts_excluded }})")
    para(document, "{{ duplicates_line }} ({{ duplicates_counted_once }})")
    para(document, "{{ data_until_line }}")
    tag(document, "{%p for m in months %}")
    para(document, "{{ m.label }}:", bold=True)
    tag(document, "{%p for a in m.articles %}")
    para(document, "{{ a.letter }}. {{ a.title }} ({{ a.date_label }}, {{ a.views }} kali dilihat, "
                   "{{ a.category_label }}) {{ a.url }}", indent_cm=0.75)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endfor %}")
    table(document, ["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"],
          ["{{ a.no }}.", "{{ a.date_label }}", "{{ a.title }}", "Website www.{{ website }}"], "a in articles",
          [1.2, 3.2, 6.6, 3.0])
    table(document, ["Kategori", "Artikel", "Dilihat"], ["{{ c.label }}", "{{ c.articles }}", "{{ c.views }}"],
          "c in categories", [8.0, 3.0, 3.0], footer=["Jumlah", "{{ total_articles }}", "{{ total_views }}"])
    para(document, "{{ review_line }} ({{ needs_review }})")
    para(document, "{{ chart }}")
    tag(document, "{%p for a in top_articles %}")
    para(document, "{{ a.no }}. {{ a.title }} ({{ a.views }})")
    tag(document, "{%p endfor %}")
    table(document, ["Platform", "Postingan", "Pengikut"], ["{{ s.platform }}", "{{ s.posts }}", "{{ s.followers }}"],
          "s in social", [5.0, 4.0, 5.0])
    tag(document, "{%p for r in social_by_content_type %}")
    para(document, "{{ r.no }}. {{ r.content_type }}: {% for p in social_platforms %}{{ p }} "
                   "{{ r.posts.get(p, '-') }} {% endfor %}")
    tag(document, "{%p endfor %}")
    tag(document, "{%p for h in humas_activities %}")
    para(document, "{{ h.no }}. {{ h.title }} — {{ h.date_label }}, {{ h.place }}; peserta: {{ h.participants }}")
    para(document, "{{ h.sentence }} {{ h.summary }} {{ h.url }}")
    para(document, "{{ h.photo }}{{ h.photo_missing }}")
    para(document, "{{ h.caption }}", italic=True)
    para(document, "Keterangan Gambar:", bold=True)  # the seed's layout: the label, then the caption's text
    para(document, "{{ h.caption_text }}", italic=True)
    tag(document, "{%p endfor %}")
    para(document, "Dibuat {{ generated_on }}.")
    return document


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    full_report().save(OUT / "laporan_bakohumas.docx")
    example().save(OUT / "contoh_laporan.docx")
    print(f"wrote {OUT / 'laporan_bakohumas.docx'} and {OUT / 'contoh_laporan.docx'}")


if __name__ == "__main__":
    main()
