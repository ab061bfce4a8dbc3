"""Everything the crawler knows about KPU satker sites, in one place.

The real sites share one CMS but we only know their *page text* and URL shapes
(the `kpu_sites.md` notes), not their markup, which differs by site and changes with CMS updates.
So the knowledge here is about shapes and wording, and the extraction in
`spiders/extract.py` finds things by what they are, not by CSS class. Plain data (and one
URL helper), read by spiders and pipelines alike, so neither imports the other for it.
"""
from __future__ import annotations

import re

# Category id of "Berita Terkini" when a site's menu doesn't tell us (KPU RI and most
# satker use 104; kota-kupang uses 29, which the menu discovery finds).
DEFAULT_CATEGORY_ID = 104
BERITA_TERKINI_LABELS = ("berita terkini", "berita")
# The labels of the sites' other categories (kpu_sites.md section 3: 96, 14, 105/100, 135, 11,
# 63). Page 1 of the fallback 104 headed by one of them is not the site's Berita Terkini.
OTHER_CATEGORY_LABELS = ("kpu dalam berita", "umum", "sosialisasi", "opini", "pengumuman", "arsip")
# A link that opens a home-page section's whole list ("Berita Terkini ... Lihat Semua"): it
# names no category itself, the section's heading does.
SEE_ALL_LINK_TEXT = re.compile(
    r"^\s*(?:(?:lihat|tampilkan)\s+)?(?:semua|selengkapnya|lainnya|indeks)(?:\s+berita)?\W*$"
    r"|^\s*(?:berita\s+lainnya|indeks\s+berita|view\s+all|see\s+all|more)\W*$", re.I)

CATEGORY_LINK = re.compile(r"/(?:index\.php/)?blog/category/(\d+)")
# A listing page's path as the CMS serves it (the demo and benchmark servers answer it too).
LISTING_PATH = re.compile(r"^/(?:index\.php/)?blog/category/(\d+)/?$")


def listing_url(base_url: str, category_id: int, page: int) -> str:
    """Page 1 is the bare category URL, later pages use the `index.php/...?page=N` form
    that every stored paged URL of the real network has."""
    base = base_url.rstrip("/")
    if page <= 1:
        return f"{base}/blog/category/{category_id}"
    return f"{base}/index.php/blog/category/{category_id}?page={page}"


# Article URL shapes (kpu_sites.md section 2). Group `id` and/or `slug`.
ARTICLE_URL_SHAPES = (
    re.compile(r"/(?:index\.php/)?blog/read/(?P<id>\d+)_(?P<slug>[^/?#]+)"),
    re.compile(r"/(?:index\.php/)?blog/read/(?P<id>\d+)/(?P<slug>[^/?#]+)"),
    re.compile(r"/(?:index\.php/)?berita/baca/(?P<id>\d+)(?:/(?P<slug>[^/?#]*))?"),
    re.compile(r"/(?:index\.php/)?blog/read/(?P<slug>[^/?#]+)"),
)

# Every article URL shape contains one of these; a cheap test before the regexes above.
ARTICLE_PATH_HINTS = ("/read/", "/baca/")

# How a view count is worded on listing items or article pages; group `n` is the number.
# The first is the 2025 article template's line ("Telah dilihat 164 kali", kpu_sites.md
# section 6), which some bodies also carry inside a paragraph.
VIEW_LINE_2025 = r"telah\s+dilihat\s+(?P<n>\d[\d.,]*)\s*kali"
# A bare "dilihat N" / "dibaca N" counts only where the number ends the wording: before
# "kali", the line's end or a meta separator. In a sentence ("... dapat dilihat 24 jam")
# the number counts something else.
_COUNT_ENDS = r"(?:\s*kali\b|[ \t]*(?:$|[|•·]))"
VIEW_PATTERNS = tuple(re.compile(wording, re.I | re.M) for wording in (
    VIEW_LINE_2025,
    rf"\bdilihat\s*:?\s*(?P<n>\d[\d.,]*){_COUNT_ENDS}",
    rf"\bdibaca\s*:?\s*(?P<n>\d[\d.,]*){_COUNT_ENDS}",
    r"(?P<n>\d[\d.,]*)\s*(?:kali\s+dibaca|kali\s+dilihat|x\s+dilihat|views?|hits)\b",
    # "Views: 12", "hits 40", never "review 2025"
    r"\b(?:views?|hits)\s*:?\s*(?P<n>\d[\d.,]*)",
))
# Every VIEW_PATTERNS match holds one of these words (lower case): the extraction looks
# for a view count only in the blocks whose text has one.
VIEW_WORDS = ("dilihat", "dibaca", "view", "hit")
# Classes/icons that mark a bare number as a view count ("<i class='fa fa-eye'></i> 60").
# Each word only at a word's start: Bootstrap's "bg-white"/"text-white" and a card's
# "post-preview" or "overview" are no counters ("pageview" is).
VIEW_MARKERS = re.compile(r"(?<![a-z])(?:eye|(?:page)?view|hit|dilihat|dibaca|visit)", re.I)
VIEW_MARKER_WORDS = ("eye", "view", "hit", "dilihat", "dibaca", "visit")  # one is in every match

# Inline noise in article bodies (kpu_sites.md section 4): "Baca Juga: <title of another
# article>" and "dok. foto ..." captions. READ_ALSO_WORDS (lower case, one space: bodies are
# space-collapsed) is in every READ_ALSO match, a cheap test before the regexes.
READ_ALSO_WORDS = "baca juga"
READ_ALSO_LABEL = r"\bbaca\s+juga\b"
# In running text the label needs its separator: "Silakan baca juga <a>pengumuman</a> ..." is
# a sentence. The label just before a link ("Baca Juga: <a>", "BACA JUGA >> <a>"):
READ_ALSO_BEFORE_LINK = re.compile(rf"{READ_ALSO_LABEL}\s*[:>»\-–—]+\s*$", re.I)
# a link whose own text starts with it ("<a>Baca juga: KPU Palu Gelar Rakor</a>"):
READ_ALSO_LINK_TEXT = re.compile(rf"^\s*{READ_ALSO_LABEL}\s*[:>»\-–—]", re.I)
# an element that is the label alone ("<b>Baca Juga</b> <a>"), for fullmatch:
READ_ALSO_LABEL_ONLY = re.compile(rf"\s*{READ_ALSO_LABEL}\s*[:>»\-–—]*\s*", re.I)
PHOTO_CAPTION_START = r"(?:dok(?:umentasi)?\.?\s*foto|foto\s*:|ket(?:erangan)?\.?\s+(?:foto|gambar)\s*:?)"

# How the title of a "Baca Juga" link ends in flattened text, where no markup shows it:
# titles are written in title case ("KPU Kota Palu Tetapkan Rekapitulasi Data Pemilih
# Berkelanjutan"), with only these small words in lower case; a body sentence has lower-case
# words. A sentence that follows the title starts with a capitalised word, and when that word
# is one of SENTENCE_STARTERS and the next is a lower-case word ("Kegiatan ini diikuti ..."),
# the title ends before it. Lower case only.
TITLE_SMALL_WORDS = frozenset((
    "dan", "di", "ke", "dari", "yang", "untuk", "pada", "dalam", "dengan", "bagi", "oleh", "atau", "serta",
    "tentang", "terhadap", "sebagai", "melalui", "menuju", "jelang", "hingga", "sampai", "kepada", "antara",
    "guna", "se", "tahun", "vs", "&"))
SENTENCE_STARTERS = frozenset((
    "acara", "adapun", "agenda", "bahkan", "beliau", "dalam", "dari", "dengan", "di", "dia", "diharapkan",
    "hadir", "hal", "ia", "ini", "jadi", "karena", "kami", "kegiatan", "kemudian", "ketika", "kita", "lebih",
    "maka", "melalui", "menurut", "mereka", "namun", "oleh", "pada", "para", "peserta", "pertemuan",
    "pihaknya", "saat", "sebelum", "sebelumnya", "sedangkan", "sehingga", "sejumlah", "selain", "selama",
    "selanjutnya", "seluruh", "semua", "sementara", "setelah", "tak", "terdapat", "tercatat", "tidak",
    "turut", "untuk"))

# Header lines of article pages that carry author and date.
# A header's date ends at its four-digit year, after an ISO date's month and day
# ("2026-10-21 08:30:00"), or at a numeric date's two-digit year ("Sabtu (14/11/26)").
HEADER_PATTERNS = (
    # 2021 template (seed 004): "Ditulis Oleh: ADMIN Tanggal: 15 September 2021"
    re.compile(r"Ditulis\s+Oleh\s*:?\s*(?P<author>.+?)\s+Tanggal\s*:?\s*(?P<date>[^\n]+?(?:\d{4}(?:-\d{1,2}-\d{1,2})?|\d{1,2}/\d{1,2}/\d{2}\b))", re.I),
    # older table template: "Diposting: Kamis, 30 September 2021 oleh Admin"
    re.compile(r"Diposting\s*:?\s*(?P<date>[^\n]*?(?:\d{4}(?:-\d{1,2}-\d{1,2})?|\d{1,2}/\d{1,2}/\d{2}\b))\s+oleh\s+(?P<author>[^\n|]+)", re.I),
    # a line of its own, or a part of a meta line after a separator: "Tanggal: 3 Juli 2025",
    # "Admin | Diterbitkan 3 Juli 2025". Never a body sentence ("... pada tanggal 2 Oktober
    # 2025 ..."): it names an event's date, and a header outranks the dateline.
    re.compile(r"(?:^|[|•·]\s*)(?:Diterbitkan|Dipublikasikan|Tanggal)\s*:?\s*(?P<date>[^\n]{0,40}?(?:\d{4}(?:-\d{1,2}-\d{1,2})?|\d{1,2}/\d{1,2}/\d{2}\b))", re.I | re.M),
)

# Every HEADER_PATTERNS match holds one of these words (lower case); as VIEW_WORDS.
HEADER_WORDS = ("ditulis", "diposting", "diterbitkan", "dipublikasikan", "tanggal")

# Where an article page may state its publication date, in order of trust: the content of
# a <meta> with one of these names (in its property, name or itemprop attribute: sites
# mix them up), else the `datetime` of the page's first <time>.
META_DATE_NAMES = ("article:published_time", "date", "pubdate", "datePublished")
TIME_DATETIME = "//time/@datetime"

# A page <title> or heading that names the site or the section, not the article ("KPU
# Kabupaten Kendal", "Berita Terkini - KPU Kabupaten Kendal"): pages without og:title whose
# <title> is the site's name (kpu_sites.md section 5); the listing's title is the article's.
GENERIC_PAGE_TITLE = re.compile(
    r"^(?:berita(?:\s+terkini)?\s*[-|–]?\s*)?"
    r"(?:(?:kpu|kip|komisi\s+(?:pemilihan\s+umum|independen\s+pemilihan))\s+"
    r"(?:(?:kabupaten|kab\.?|kota|provinsi|prov\.?)\s+)?[\w.'-]+(?:\s+[\w.'-]+){0,2}|berita(?:\s+terkini)?)$", re.I)

# Text that is navigation, not an article title.
NON_TITLE_LINK_TEXT = re.compile(r"^\s*(selengkapnya|baca\s+selengkapnya|read\s+more|lanjut|more)\W*$", re.I)

# Blocks that are page chrome, never the article body.
CHROME_TAGS = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form")

# <meta> names that carry an article's lead photo, in order of preference
LEAD_IMAGE_META_NAMES = ("og:image", "twitter:image")
