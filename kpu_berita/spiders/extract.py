"""Pure extraction: HTML of a listing or article page -> plain data.

Nothing here is tied to one template's CSS classes. Listing items are found as the
repeated blocks that each hold a link of an article URL shape; the view count is the
number rendered with an item (an eye icon, "Dibaca", "Dilihat", "views"); the article
body is the block with the most paragraph text. Known wording lives in
`kpu_berita.site_knowledge`.

Speed: plain `lxml.etree` elements (no `lxml.html` element classes), text read in C
(`tostring(method="text")`), and the view and header wording searched only in the blocks
whose text holds one of its words, found by one XPath, not in the whole page's text.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from kpu_berita import site_knowledge as sk
from kpu_berita.pipelines.urls import canonical_url, match_article_path

BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                        "section", "article", "ul", "ol", "table", "header", "footer", "span"})
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


# every text node of the page's body, in order: joined, they are its text (the <title> in
# the head is no header or view line, and would make the whole page one candidate block)
_TEXT_NODES = etree.XPath("//body//text()")
_ATTRIBUTED = etree.XPath("descendant-or-self::*[@class or @title or @aria-label]")
_ARTICLE_LINKS = etree.XPath(f"//a[{' or '.join(f'contains(@href, {hint!r})' for hint in sk.ARTICLE_PATH_HINTS)}]")
_TIME_DATETIME = etree.XPath(sk.TIME_DATETIME)

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


_SEPARATORS = re.compile(r"[.,\s]")


def parse_int(text: str) -> int | None:
    digits = _SEPARATORS.sub("", text)
    return int(digits) if digits.isdigit() else None


def _drop_chrome(doc) -> None:
    etree.strip_elements(doc, *sk.CHROME_TAGS, with_tail=False)  # the tail text stays


def _mark_line_breaks(root) -> None:
    """Put a line break after every block element inside `root` (in its tail), so that
    `_text_lines` can read text in C. Only the blocks whose text is read get marked: a
    tail costs about a microsecond to set. Marking twice only adds blank lines."""
    for el in root.iter():  # iter() and a set test: 6x faster than iter(*BLOCK_TAGS)
        if el.tag in BLOCK_TAGS:
            el.tail = "\n" + el.tail if el.tail else "\n"


# runs of spaces, tabs and no-break spaces (a lone space is left as it is: far fewer substitutions)
_SPACES = re.compile(r"[ \t\xa0]{2,}|[\t\xa0]")


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
    # most links of a page (menus, pagination, share buttons) can't be articles: XPath skips them
    for a in _ARTICLE_LINKS(doc):
        href = a.get("href").strip()
        absolute_path = href.startswith("/") and not href.startswith("//")
        url = _canonical_article_url(origin + href if absolute_path else urljoin(page_url, href), own_host)
        if url is not None:
            links.setdefault(url, []).append(a)
    return links


_MIXED = object()  # an element with links to two or more articles inside


def _item_block(anchor, url: str, links_below: dict):
    """The largest ancestor of `anchor` that holds no other article's link: the item card,
    table row or list entry the link belongs to."""
    block = anchor
    while True:
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "html") or links_below[parent] is _MIXED:
            return block
        block = parent


def _links_below(links) -> dict:
    """element -> the one article url linked inside it (or it is the link), or _MIXED.
    Each anchor walks up only until it meets an element that already knows as much."""
    below: dict = {}
    for url, anchors in links.items():
        for a in anchors:
            el = a
            while el is not None:
                seen = below.get(el)
                if seen is _MIXED or seen == url:
                    break  # its ancestors know too
                below[el] = url if seen is None else _MIXED
                el = el.getparent()
    return below


_UNSET = object()


class _Block:
    """One listing item's element, with its text, lines and views read once."""

    __slots__ = ("el", "url", "_text", "_lines", "_views", "_link_texts")

    def __init__(self, el, url: str):
        self.el, self.url = el, url
        self._text = self._lines = self._link_texts = None
        self._views = _UNSET

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _text(self.el)
        return self._text

    @property
    def lines(self) -> str:
        if self._lines is None:
            self._lines = _text_lines(self.el)
        return self._lines

    @property
    def views(self) -> int | None:
        if self._views is _UNSET:
            self._views = _views_in_block(self)
        return self._views

    @property
    def link_texts(self) -> dict:
        """anchor -> its cleaned text, for every link in the block"""
        if self._link_texts is None:
            self._link_texts = {a: _clean(_text(a)) for a in self.el.iter("a")}
        return self._link_texts


def _has_more_than_links(block: _Block) -> bool:
    link_text = sum(map(len, block.link_texts.values()))
    return len(_clean(block.text)) - link_text >= 2 or block.views is not None


def _views_in_text(text: str) -> int | None:
    """The number of the first view wording (VIEW_PATTERNS, in order) in `text`."""
    lowered = text.lower()
    if not any(word in lowered for word in sk.VIEW_WORDS):
        return None  # every pattern needs one of these words: skip the scans
    for pattern in sk.VIEW_PATTERNS:
        m = pattern.search(text)
        if m:
            return parse_int(m.group("n"))
    return None


_DIGITS = re.compile(r"\d[\d.,]*")


def _views_in_block(block: _Block) -> int | None:
    # 1. a number in an element marked as a view counter (icon class, title, label)
    for el in block.el.iter(etree.Element):  # elements only, no comments
        marker = " ".join(filter(None, (el.get("class"), el.get("title"), el.get("aria-label"))))
        if marker and sk.VIEW_MARKERS.search(marker):
            for text in (_text(el), el.tail or ""):
                found = _DIGITS.search(text)
                if found:
                    return parse_int(found.group())
    text = block.lines
    # 2. wording next to a number ("Dibaca 123", "Telah dilihat 5 kali", "75 views")
    views = _views_in_text(text)
    if views is not None:
        return views
    # 3. a number alone on its own line before the title, as seed 002 shows it
    for line in text.split("\n", 3)[:3]:
        m = NUMBER.match(line)
        if m and not SHORT_DATE.search(line):
            return parse_int(m.group(1))
    return None


def _date_in_block(block: _Block) -> str | None:
    for line in block.lines.split("\n"):
        if len(line) <= 60 and SHORT_DATE.search(line):
            return line
    return None


def _title_of(anchors, block: _Block) -> str:
    texts = [block.link_texts[a] for a in anchors]
    texts = [t for t in texts if t and not sk.NON_TITLE_LINK_TEXT.match(t)]
    if texts:
        return max(texts, key=len)
    for heading in block.el.xpath(".//h1|.//h2|.//h3|.//h4|.//h5"):
        text = _clean(_text(heading))
        if text:
            return text
    return _clean(anchors[0].get("title"))


def _listing_blocks(links) -> list[_Block]:
    """One block per anchor; the title link and "Selengkapnya" of one card share a block,
    while the same article linked again in a sidebar gets a block of its own."""
    below = _links_below(links)
    blocks: OrderedDict = OrderedDict()  # block element -> _Block
    for url, anchors in links.items():
        for a in anchors:
            el = _item_block(a, url, below)
            if el not in blocks:
                blocks[el] = _Block(el, url)
    for el in blocks:  # blocks never nest, so each element gets one mark
        _mark_line_breaks(el)
    return list(blocks.values())


def extract_listing(html: str | bytes, page_url: str) -> list[ListingItem]:
    """Listing items of one category page, in page order (newest first)."""
    doc = parse_html(html)
    _drop_chrome(doc)
    links = _article_links(doc, page_url)
    if not links:
        return []
    # A listing item shows something besides its link: an excerpt, a date or a view count.
    # Bare links ("Berita Terbaru" widgets, which the CMS shows even past the last page) are not items.
    blocks = [b for b in _listing_blocks(links) if _has_more_than_links(b)]
    if not blocks:
        return []
    # Keep the repeated blocks of the main list: group blocks by parent and take the group
    # with the most text.
    groups: OrderedDict = OrderedDict()
    for block in blocks:
        groups.setdefault(block.el.getparent(), []).append(block)
    main = max(groups.values(), key=lambda group: sum(len(b.text) for b in group))

    items, taken = [], set()
    for block in main:
        if block.url in taken:
            continue
        taken.add(block.url)
        anchors = [a for a in links[block.url] if a in block.link_texts]
        items.append(ListingItem(url=block.url, title=_title_of(anchors, block),
                                 views=block.views, date_text=_date_in_block(block)))
    return items


def _meta_contents(doc) -> dict[str, str]:
    """name -> content of the first non-empty <meta> of that name (property/name/itemprop)."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        content = _clean(el.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = el.get(attribute)
            if key is not None and key not in found:
                found[key] = content
    return found


def _first(found: dict[str, str], names) -> str | None:
    return next((found[name] for name in names if name in found), None)


def _article_title(doc, metas: dict[str, str]) -> str:
    """og:title; else the heading that the <title> repeats (sites put their own name in an
    h1 logo, so the longest h1 is not enough); else the longest part of <title>."""
    og = metas.get("og:title")
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


def _body_block(doc) -> tuple:
    """The container whose direct paragraphs (plus its own loose text) hold the most text,
    and the text of each scored paragraph that has no child elements (most of them)."""
    scores: dict = {}
    texts: dict = {}
    for p in doc.iter("p"):  # one pass over paragraphs, scored on their parent
        parent = p.getparent()
        if parent is not None and parent.tag in BODY_CONTAINERS:
            if len(p):  # the length once marked: one line break more per block element inside
                length = len(_text(p)) + sum(1 for el in p.iterdescendants() if el.tag in BLOCK_TAGS)
            else:
                texts[p] = _text(p)
                length = len(texts[p])
            scores[parent] = scores.get(parent, 0) + length
    for el in doc.iter(*BODY_CONTAINERS):  # containers whose text isn't in <p>s count too
        if el.text and not el.text.isspace():
            scores[el] = scores.get(el, 0) + len(el.text.strip())
    best = max(scores.items(), key=lambda item: item[1], default=(None, 0))
    return (best[0] if best[1] > 0 else None), texts


def _body_text(block, texts: dict) -> str:
    """The block's paragraphs, one blank line apart; or its lines when it has none."""
    paragraphs = []
    for p in block:
        if isinstance(p.tag, str) and p.tag == "p":
            if p not in texts:
                _mark_line_breaks(p)
            text = _clean(texts.get(p) or _text(p))
            if text:
                paragraphs.append(text)
    if paragraphs:
        return "\n\n".join(paragraphs)
    _mark_line_breaks(block)
    return _text_lines(block)


def _enclosing_block(el):
    """`el` if it is a block element, else its nearest block ancestor (or the root)."""
    while el.tag not in BLOCK_TAGS:
        parent = el.getparent()
        if parent is None:
            break
        el = parent
    return el


def _word_positions(text: str, words) -> list[int]:
    """Where in `text` each of `words` (lower case) starts, in any case, in order."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two ("İ"): scan as is
        return [m.start() for m in re.finditer("|".join(map(re.escape, words)), text, re.I)]
    found = []
    for word in words:  # str.find is a fast C scan; an re.I alternation took 15x longer
        at = lowered.find(word)
        while at >= 0:
            found.append(at)
            at = lowered.find(word, at + 1)
    return sorted(found)


def _worded_blocks(doc) -> list:
    """The blocks whose text holds a view or header word, in page order: the page's text is
    searched once, and each word found is traced to the text node it starts in."""
    nodes = _TEXT_NODES(doc)
    positions = _word_positions("".join(nodes), sk.VIEW_WORDS + sk.HEADER_WORDS)
    if not positions:
        return []
    starts = list(itertools.accumulate(map(len, nodes), initial=0))
    blocks: dict = {}
    for position in positions:
        node = nodes[bisect.bisect_right(starts, position) - 1]
        owner = node.getparent()
        if node.is_tail:
            owner = owner.getparent()
        blocks[_enclosing_block(owner)] = None
    return list(blocks)


# a wording split over sibling elements ("<span>Dilihat</span> <span>123</span>") is whole
# in their parent: looked for there too when the parent is no longer than this (a meta line,
# not the whole article)
SHORT_PARENT = 300


class _Wording:
    """The blocks to search for view and header wording, in page order, with their lines:
    the worded blocks, then (only once a pattern is missing from those) their short parents."""

    def __init__(self, doc):
        self.blocks = _worded_blocks(doc)
        self.lines = [self._lines_of(el) for el in self.blocks]
        self._wider: list[str] | None = None

    @staticmethod
    def _lines_of(el) -> str:
        _mark_line_breaks(el)
        return _text_lines(el)

    def wider(self) -> list[str]:
        if self._wider is None:
            parents = (_enclosing_block(b.getparent()) for b in self.blocks if b.getparent() is not None)
            self._wider = [self._lines_of(p) for p in dict.fromkeys(parents)
                           if p not in self.blocks and len(_text(p)) <= SHORT_PARENT]
        return self._wider

    def search(self, patterns):
        """The first match of the first of `patterns` that matches in a block."""
        if not self.blocks:
            return None
        for pattern in patterns:
            for text in self.lines:
                m = pattern.search(text)
                if m:
                    return m
            for text in self.wider():
                m = pattern.search(text)
                if m:
                    return m
        return None


def extract_article(html: str | bytes, url: str) -> ArticleData:
    """Title, header line, meta date, author, body and views of an article page."""
    doc = parse_html(html)
    metas = _meta_contents(doc)
    meta_date = _first(metas, sk.META_DATE_NAMES)
    if meta_date is None:
        times = _TIME_DATETIME(doc)
        meta_date = _clean(times[0]) if times else None
    title = _article_title(doc, metas)
    _drop_chrome(doc)
    block, texts = _body_block(doc)  # before any marking: its scores count the marks to come
    body = _body_text(block, texts) if block is not None else ""

    header_text = author = views = None
    wording = _Wording(doc)
    m = wording.search(sk.HEADER_PATTERNS)
    if m:
        header_text = _clean(m.group(0))
        author = _clean(m.groupdict().get("author")) or None
    m = wording.search(sk.VIEW_PATTERNS)
    if m:
        views = parse_int(m.group("n"))
    return ArticleData(title=title, header_text=header_text, meta_date=meta_date,
                       author=author, body=body, views=views)
