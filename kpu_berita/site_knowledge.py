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

CATEGORY_LINK = re.compile(r"/(?:index\.php/)?blog/category/(\d+)")


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

# Words that sit next to a view count on listing items or article pages.
VIEW_PATTERNS = (
    re.compile(r"telah\s+dilihat\s+(?P<n>\d[\d.,]*)\s*kali", re.I),
    re.compile(r"dilihat\s*:?\s*(?P<n>\d[\d.,]*)(?:\s*kali)?", re.I),
    re.compile(r"dibaca\s*:?\s*(?P<n>\d[\d.,]*)(?:\s*kali)?", re.I),
    re.compile(r"(?P<n>\d[\d.,]*)\s*(?:kali\s+dibaca|kali\s+dilihat|x\s+dilihat|views?|hits)\b", re.I),
    re.compile(r"(?:views?|hits)\s*:?\s*(?P<n>\d[\d.,]*)", re.I),
)
# Classes/icons that mark a bare number as a view count ("<i class='fa fa-eye'></i> 60").
VIEW_MARKERS = re.compile(r"eye|view|hit|dilihat|dibaca|visit", re.I)

# Header lines of article pages that carry author and date.
HEADER_PATTERNS = (
    # 2021 template (seed 004): "Ditulis Oleh: ADMIN Tanggal: 15 September 2021"
    re.compile(r"Ditulis\s+Oleh\s*:?\s*(?P<author>.+?)\s+Tanggal\s*:?\s*(?P<date>[^\n]+?\d{4})", re.I),
    # older table template: "Diposting: Kamis, 30 September 2021 oleh Admin"
    re.compile(r"Diposting\s*:?\s*(?P<date>[^\n]*?\d{4})\s+oleh\s+(?P<author>[^\n|]+)", re.I),
    re.compile(r"(?:Diterbitkan|Dipublikasikan|Tanggal)\s*:?\s*(?P<date>[^\n]*?\d{4})", re.I),
)

META_DATE_SELECTORS = (
    'meta[property="article:published_time"]::attr(content)',
    'meta[name="date"]::attr(content)',
    'meta[name="pubdate"]::attr(content)',
    'meta[itemprop="datePublished"]::attr(content)',
    "time::attr(datetime)",
)

# Text that is navigation, not an article title.
NON_TITLE_LINK_TEXT = re.compile(r"^\s*(selengkapnya|baca\s+selengkapnya|read\s+more|lanjut|more)\W*$", re.I)

# Blocks that are page chrome, never the article body.
CHROME_TAGS = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form")
