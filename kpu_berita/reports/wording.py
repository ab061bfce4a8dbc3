"""Indonesian wording shared by every renderer (pure functions of the report dict)."""
from __future__ import annotations

import re

from kpu_berita.reports.periods import date_id

COMMISSION = {"KPU": "Komisi Pemilihan Umum", "KIP": "Komisi Independen Pemilihan"}
# The section titles of seed 000's II.B, numbered as there: section 2 stays "2." when no social
# figures were imported (a placeholder says what goes there), so a pasted section never jumps
# from 1. to 3. and matches the report it is pasted into.
SECTION_HEADING = "1. Mengunggah Informasi Secara Digital Melalui Website Dan Media Sosial"
SOCIAL_HEADING = "2. Akun Media Sosial"
# what only the humas officer can fill (in red in Word, as the --full report's placeholders)
SOCIAL_PLACEHOLDER = ("[isi jumlah unggahan dan pengikut akun media sosial; atau impor dengan "
                      "kpu-berita social --import FILE.csv lalu buat ulang laporan]")
HUMAS_PLACEHOLDER = "[isi kegiatan kehumasan pada periode ini: tanggal, tempat, peserta, foto]"
TABLE_HEADER = ["No", "Tanggal", "Jenis Informasi", "Media Penyebaran"]
# characters XML 1.0 forbids; python-docx would raise on them
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def formal_name(satker_name: str) -> str:
    """'KPU Kabupaten Serang' -> 'Komisi Pemilihan Umum Kabupaten Serang'."""
    head, _, rest = satker_name.partition(" ")
    return f"{COMMISSION[head]} {rest}" if head in COMMISSION else satker_name


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
    period = report["period_label"]
    n = report["total_articles"]
    if n == 0:
        return (f"{name} memiliki website pada laman www.{report['website']} dan pada {period} "
                f"{name} belum mengunggah artikel.")
    return (f"{name} memiliki website pada laman www.{report['website']} dan pada {period} "
            f"{name} telah mengunggah sebanyak {n} artikel yaitu sebagai berikut:")


def views_text(article: dict) -> str:
    return "— kali dilihat" if article["views"] is None else f"{article['views']} kali dilihat"


def article_line(index: int, article: dict, *, titles_only: bool = False) -> str:
    """'a. <title> (2 Juli 2021, 229 kali dilihat)'; titles_only: 'a. <title>', as seed 000 lists them."""
    if titles_only:
        return f"{letter(index)}. {article['title']}"
    return f"{letter(index)}. {article['title']} ({date_id(article['published_date'])}, {views_text(article)})"


def humas_heading(report: dict) -> str:
    """Section 3's title as seed 000 writes it, with the satker and period of the report."""
    return (f"3. Kegiatan Terkait Badan Koordinasi Kehumasan yang Dilakukan Oleh {report['satker_name']} "
            f"pada {report['period_label']}")


def reposts_line(report: dict) -> str:
    """What --exclude-reposts left out, said under the count sentence ('' when reposts are
    counted): the total is then smaller than the site's list, and the reader must know why."""
    left_out = report.get("reposts_excluded")
    if left_out is None:
        return ""
    if left_out == 0:
        return "Artikel yang memuat ulang berita KPU RI atau KPU Provinsi tidak dihitung; pada periode ini tidak ada."
    return f"{left_out} artikel yang memuat ulang berita KPU RI atau KPU Provinsi tidak dihitung."


def duplicates_line(report: dict) -> str:
    """Under the count sentence when the site shows an article twice (two URLs, or posted
    twice) and the count takes it once ('' when none): the reader counting the site's list
    gets more, and must know why."""
    copies = report.get("duplicates_counted_once") or 0
    return f"{copies} artikel yang diunggah dua kali (judul, tanggal dan isi sama) dihitung sekali." if copies else ""


def data_until_line(report: dict) -> str:
    """Under the count sentence while the period runs past the last crawl ('' when the
    crawls cover it): the count is then of the days crawled, and the page pasted into a
    report must say so, not only the command's output. A province report gives the
    earliest last crawl of its crawled satker."""
    until, end = report.get("crawled_until"), report["period"]["end"]
    if until is None:  # never crawled (a warehouse built by hand has articles and no crawl)
        never = "crawled_until" in report and report.get("satker_id") and not report["total_articles"]
        return "Situs belum dirayapi: belum ada artikel yang tercatat." if never else ""
    if until >= end:
        return ""
    return (f"Data website sampai {date_id(until)} (perayapan terakhir): artikel yang diunggah sesudahnya "
            "belum tercatat.")


def count_notes(report: dict) -> list[str]:
    """The lines under the count sentence that say why the count differs from the site's list."""
    return [note for note in (data_until_line(report), reposts_line(report), duplicates_line(report)) if note]


def media_of(report: dict) -> str:
    """The 'Media Penyebaran' cell of the table layout: the satker's own website."""
    return f"Website www.{report['website']}"


def table_rows(report: dict) -> list[list]:
    """Numbered rows 'No | Tanggal | Jenis Informasi | Media Penyebaran' (seed 003)."""
    articles = [a for month in report["months"] for a in month["articles"]]
    return [[n, date_id(a["published_date"]), a["title"], media_of(report)] for n, a in enumerate(articles, start=1)]


def activity_sentence(item: dict) -> str:
    """'Kegiatan ini dilaksanakan pada Rabu, 8 September 2021 di Aula ... dan diikuti oleh ...'."""
    text = f"Kegiatan ini dilaksanakan pada {item['date_label']}"
    place = item.get("place")
    if place:
        text += f" secara d{place[1:]}" if place.startswith("Daring") else f" di {place}"
    if item.get("participants"):
        text += f" dan diikuti oleh {item['participants']}"
    return text + "."


def clean_xml(text: str) -> str:
    return _XML_INVALID.sub("", text)


# in red where a lead photo could not be fetched (its site down, not an image), before its URL
PHOTO_NOT_FETCHED = "[Foto kegiatan tidak dapat diunduh; sisipkan dari]"


def review_line(report: dict) -> str:
    """Under the category table while flagged articles remain (counted under their best code)."""
    return f"{report['needs_review']} artikel perlu diperiksa"


SILENT = "tidak ada artikel"  # beside a satker crawled in the period that published nothing (marked red)


def province_row_note(row: dict, period_start: str | None = None) -> str:
    """What a province report says beside a satker with no article: never crawled (the
    warehouse can't know), not crawled since the period began (nor can it), or silent
    (crawled, nothing published in the period: SILENT, marked red)."""
    if row["articles"]:
        return ""
    if not row.get("crawled", True):
        return "belum dirayapi"
    until = row.get("crawled_until")
    if period_start and until and until < period_start:
        return "belum dirayapi pada periode ini"
    return SILENT
