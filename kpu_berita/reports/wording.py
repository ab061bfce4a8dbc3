"""Indonesian wording shared by every renderer (pure functions of the report dict)."""
from __future__ import annotations

import re

from kpu_berita.reports.periods import date_id

COMMISSION = {"KPU": "Komisi Pemilihan Umum", "KIP": "Komisi Independen Pemilihan"}
SECTION_HEADING = "1. Mengunggah Informasi Secara Digital Melalui Website"
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


def article_line(index: int, article: dict) -> str:
    return f"{letter(index)}. {article['title']} ({date_id(article['published_date'])}, {views_text(article)})"


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


def province_row_note(row: dict) -> str:
    """What a province report says beside a satker with no article: never crawled (the
    warehouse can't know) or silent (crawled, nothing published in the period)."""
    if row["articles"]:
        return ""
    return "belum dirayapi" if not row.get("crawled", True) else "tidak ada artikel"
