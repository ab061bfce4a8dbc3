"""Pure extraction: HTML of a listing or article page -> plain data.

Nothing here is tied to one template's CSS classes. Listing items are found as the
repeated blocks that each hold a link of an article URL shape; the view count is the
number rendered with an item (an eye icon, "Dibaca", "Dilihat", "views"); the article
body is the block with the most paragraph text. Known wording lives in `site_knowledge`.
"""
from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from kpu_berita.pipelines.urls import canonical_url, match_article_path
from kpu_berita import site_knowledge as sk

BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
              "section", "article", "ul", "ol", "table", "header", "footer", "span"}
NUMBER = re.compile(r"^\s*(\d[\d.,]*)\s*$")
SHORT_DATE = re.compile(
    r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class ListingItem:
    url: str
    title: str
    views: int | None
    date_text: str | None


@dataclass(frozen=True)
class ArticleData:
    title: str
    header_text: str | None
    meta_date: str | None
    author: str | None
    body: str
    views: int | None


_parsers = threading.local()  # an lxml parser must not be shared between threads


def _parser(encoding: str | None) -> etree.HTMLParser:
    key = encoding or "text"
    parser = getattr(_parsers, key, None)
    if parser is None:
        parser = etree.HTMLParser(encoding=encoding)
        setattr(_parsers, key, parser)
    return parser


def parse_html(html: str | bytes):
    """Parse leniently: truncated or broken HTML still yields a tree (lxml's recover mode).

    Pass text decoded by the caller (Scrapy's `response.text` honours the HTTP and meta
    charset, so a windows-1252 site comes out right); bytes are read as UTF-8.
    Plain `lxml.etree` elements: `lxml.html`'s element classes cost a Python lookup per
    element visited, a third of the extraction time."""
    if isinstance(html, bytes):
        doc = etree.fromstring(html, _parser("utf-8")) if html.strip() else None
    else:
        # lxml refuses str input that declares an encoding in an XML prolog
        if html and html.lstrip()[:5] == "<?xml":
            html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
        doc = etree.fromstring(html, _parser(None)) if html and not html.isspace() else None
    # an empty document (or one of only comments) parses to nothing
    return doc if doc is not None else etree.fromstring("<html></html>", _parser(None))


def _text(el) -> str:
    """All text inside `el` (not its tail), as lxml.html's text_content() gives it."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def parse_int(text: str) -> int | None:
    digits = re.sub(r"[.,\s]", "", text)
    return int(digits) if digits.isdigit() else None


def _drop_chrome(doc) -> None:
    etree.strip_elements(doc, *sk.CHROME_TAGS, with_tail=False)  # the tail text stays


def _mark_line_breaks(doc) -> None:
    """Put a line break after every block element (in its tail), once per page, so that
    `_text_lines` can use lxml's C-level text_content: a Python walk of every node made
    finding header and view lines 40% of an article page's extraction time."""
    for el in doc.iter(*BLOCK_TAGS):
        el.tail = "\n" + el.tail if el.tail else "\n"


_SPACES = re.compile(r"[ \t\xa0]+")


def _text_lines(el) -> str:
    """Text of `el`, one line per block element (after `_mark_line_breaks`), blank lines dropped."""
    lines = (line.strip() for line in _SPACES.sub(" ", _text(el)).split("\n"))
    return "\n".join(line for line in lines if line)


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def discover_category_id(html: str | bytes) -> int | None:
    """The category id of the site's "Berita Terkini" menu link, if any."""
    doc = parse_html(html)
    best = None
    for a in doc.iter("a"):
        m = sk.CATEGORY_LINK.search(a.get("href") or "")
        if not m:
            continue
        label = _clean(_text(a)).casefold()
        if label == sk.BERITA_TERKINI_LABELS[0]:
            return int(m.group(1))
        if best is None and label in sk.BERITA_TERKINI_LABELS:
            best = int(m.group(1))
    return best


@functools.lru_cache(maxsize=8192)
def _canonical_article_url(url: str, own_host: str) -> str | None:
    """The canonical form of `url` if it is an article of `own_host`, else None.
    Cached: listing pages link the same articles from titles, "Selengkapnya" and sidebars."""
    parts = urlsplit(url)
    if parts.netloc.lower() != own_host or match_article_path(parts.path) is None:
        return None
    return canonical_url(url)


def _article_links(doc, page_url: str) -> "OrderedDict[str, list]":
    links: OrderedDict[str, list] = OrderedDict()
    page = urlsplit(page_url)
    own_host, origin = page.netloc.lower(), f"{page.scheme}://{page.netloc}"
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        # most links of a page (menus, pagination, share buttons) can't be articles
        if not href or not any(hint in href for hint in sk.ARTICLE_PATH_HINTS):
            continue
        absolute_path = href.startswith("/") and not href.startswith("//")
        url = _canonical_article_url(origin + href if absolute_path else urljoin(page_url, href), own_host)
        if url is not None:
            links.setdefault(url, []).append(a)
    return links


def _item_block(anchor, other_urls_of):
    """The largest ancestor of `anchor` that holds no other article's link: the item card,
    table row or list entry the link belongs to."""
    block = anchor
    while True:
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "html") or other_urls_of(parent):
            return block
        block = parent


def _has_more_than_links(block) -> bool:
    link_text = sum(len(_clean(_text(a))) for a in block.iter("a"))
    return len(_clean(_text(block))) - link_text >= 2 or _views_in_block(block) is not None


def _views_in_block(block) -> int | None:
    # 1. a number in an element marked as a view counter (icon class, title, label)
    for el in block.iter():
        if not isinstance(el.tag, str):
            continue
        marker = " ".join(filter(None, (el.get("class"), el.get("title"), el.get("aria-label"))))
        if marker and sk.VIEW_MARKERS.search(marker):
            for text in (_text(el), el.tail or ""):
                found = re.search(r"\d[\d.,]*", text or "")
                if found:
                    return parse_int(found.group())
    text = _text_lines(block)
    # 2. wording next to a number ("Dibaca 123", "Telah dilihat 5 kali", "75 views")
    for pattern in sk.VIEW_PATTERNS:
        m = pattern.search(text)
        if m:
            return parse_int(m.group("n"))
    # 3. a number alone on its own line before the title, as seed 002 shows it
    for line in text.split("\n")[:3]:
        m = NUMBER.match(line)
        if m and not SHORT_DATE.search(line):
            return parse_int(m.group(1))
    return None


def _date_in_block(block) -> str | None:
    for line in _text_lines(block).split("\n"):
        if len(line) <= 60 and SHORT_DATE.search(line):
            return line
    return None


def _title_of(anchors, block) -> str:
    texts = [_clean(_text(a)) for a in anchors]
    texts = [t for t in texts if t and not sk.NON_TITLE_LINK_TEXT.match(t)]
    if texts:
        return max(texts, key=len)
    for heading in block.xpath(".//h1|.//h2|.//h3|.//h4|.//h5"):
        text = _clean(_text(heading))
        if text:
            return text
    return _clean(anchors[0].get("title"))


def extract_listing(html: str | bytes, page_url: str) -> list[ListingItem]:
    """Listing items of one category page, in page order (newest first)."""
    doc = parse_html(html)
    _drop_chrome(doc)
    _mark_line_breaks(doc)
    links = _article_links(doc, page_url)
    if not links:
        return []
    owner = {}  # element -> set of article urls linked inside it (memoised lazily)
    anchor_url = {a: url for url, anchors in links.items() for a in anchors}

    def urls_inside(el):
        if el not in owner:
            owner[el] = {anchor_url[a] for a in el.iter("a") if a in anchor_url}
        return owner[el]

    # One block per anchor; the title link and "Selengkapnya" of one card share a block,
    # while the same article linked again in a sidebar gets a block of its own.
    blocks: OrderedDict = OrderedDict()  # block element -> article url
    for url, anchors in links.items():
        for a in anchors:
            blocks.setdefault(_item_block(a, lambda el, url=url: bool(urls_inside(el) - {url})), url)

    # A listing item shows something besides its link: an excerpt, a date or a view count.
    # Bare links ("Berita Terbaru" widgets, which the CMS shows even past the last page) are not items.
    blocks = OrderedDict((b, u) for b, u in blocks.items() if _has_more_than_links(b))
    if not blocks:
        return []
    # Keep the repeated blocks of the main list: group blocks by parent and take the group
    # with the most text.
    groups: OrderedDict = OrderedDict()
    for block in blocks:
        groups.setdefault(block.getparent(), []).append(block)
    main = max(groups.values(), key=lambda group: sum(len(_text(b)) for b in group))

    items, taken = [], set()
    for block in main:
        url = blocks[block]
        if url in taken:
            continue
        taken.add(url)
        anchors = [a for a in block.iter("a") if anchor_url.get(a) == url]
        items.append(ListingItem(url=url, title=_title_of(anchors, block),
                                 views=_views_in_block(block), date_text=_date_in_block(block)))
    return items


def _meta(doc, *names: str) -> str | None:
    """Content of the first non-empty <meta> named (property/name/itemprop) by `names`, in order."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        content = _clean(el.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = el.get(attribute)
            if key in names and key not in found:
                found[key] = content
    return next((found[name] for name in names if name in found), None)


def _article_title(doc) -> str:
    """og:title; else the heading that the <title> repeats (sites put their own name in an
    h1 logo, so the longest h1 is not enough); else the longest part of <title>."""
    og = _meta(doc, "og:title")
    if og:
        return og
    title_el = doc.find(".//title")
    page_title = _clean(_text(title_el)) if title_el is not None else ""
    headings = [_clean(_text(h)) for h in doc.xpath("//h1|//h2|//h3")]
    echoed = [h for h in headings if len(h) > 10 and h.casefold() in page_title.casefold()]
    if echoed:
        return max(echoed, key=len)
    if page_title:
        return max(re.split(r"\s+[-|–]\s+", page_title), key=len)
    h1s = [h for h in (_clean(_text(h)) for h in doc.iter("h1")) if h]
    return max(h1s, key=len) if h1s else ""


BODY_CONTAINERS = {"div", "article", "section", "td", "main"}


def _body_block(doc):
    """The container whose direct paragraphs (plus its own loose text) hold the most text."""
    scores: dict = {}
    for p in doc.iter("p"):  # one pass over paragraphs, scored on their parent
        parent = p.getparent()
        if parent is not None and parent.tag in BODY_CONTAINERS:
            scores[parent] = scores.get(parent, 0) + len(_text(p))
    for el in doc.iter(*BODY_CONTAINERS):  # containers whose text isn't in <p>s count too
        if el.text and not el.text.isspace():
            scores[el] = scores.get(el, 0) + len(el.text.strip())
    best = max(scores.items(), key=lambda item: item[1], default=(None, 0))
    return best[0] if best[1] > 0 else None


def extract_article(html: str | bytes, url: str) -> ArticleData:
    """Title, header line, meta date, author, body and views of an article page."""
    doc = parse_html(html)
    meta_date = _meta(doc, "article:published_time", "date", "pubdate", "datePublished")
    if meta_date is None:
        times = doc.xpath("//time/@datetime")
        meta_date = _clean(times[0]) if times else None
    title = _article_title(doc)
    _drop_chrome(doc)
    _mark_line_breaks(doc)
    page_text = _text_lines(doc)

    header_text = author = None
    for pattern in sk.HEADER_PATTERNS:
        m = pattern.search(page_text)
        if m:
            header_text = _clean(m.group(0))
            author = _clean(m.groupdict().get("author")) or None
            break

    views = None
    for pattern in sk.VIEW_PATTERNS:
        m = pattern.search(page_text)
        if m:
            views = parse_int(m.group("n"))
            break

    block = _body_block(doc)
    body = ""
    if block is not None:
        paragraphs = [_clean(_text(p)) for p in block if isinstance(p.tag, str) and p.tag == "p"]
        paragraphs = [p for p in paragraphs if p]
        body = "\n\n".join(paragraphs) if paragraphs else _text_lines(block)
    return ArticleData(title=title, header_text=header_text, meta_date=meta_date,
                       author=author, body=body, views=views)
