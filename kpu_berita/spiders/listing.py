"""Listing pages -> their items. Items are found as the repeated blocks that each hold a
link of an article URL shape; an item's view count is the number rendered with it (an eye
icon, "Dibaca", "Dilihat", "views"). Known wording lives in `kpu_berita.site_knowledge`."""
from __future__ import annotations

import functools
import re
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from kpu_berita import site_knowledge as sk
from kpu_berita.pipelines.dates import INDONESIAN_MONTHS
from kpu_berita.pipelines.urls import canonical_url, match_article_path, site_host
from kpu_berita.spiders.page_text import (clean_space, drop_chrome, mark_line_breaks, parse_html, parse_int,
                                          text_lines, text_of)

NUMBER = re.compile(r"^\s*(\d[\d.,]*)\s*$")
SHORT_DATE = re.compile(
    r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b|\b\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class ListingItem:
    url: str
    title: str
    views: int | None
    date_text: str | None


_ARTICLE_LINKS = etree.XPath(f"//a[{' or '.join(f'contains(@href, {hint!r})' for hint in sk.ARTICLE_PATH_HINTS)}]")


@functools.lru_cache(maxsize=8192)
def _canonical_article_url(url: str, own_host: str) -> str | None:
    """The canonical form of `url` if it is an article of `own_host`, else None. A link to
    the "www." form of the host (or from it to the bare one) is the same site (kpu_sites.md
    section 1): it is fetched on the page's own host, one host to be polite to.
    Cached: listing pages link the same articles from titles, "Selengkapnya" and sidebars."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if site_host(host) != site_host(own_host) or match_article_path(parts.path) is None:
        return None
    return canonical_url(parts._replace(netloc=own_host).geturl() if host != own_host else url)


def _base_url(doc, page_url: str) -> str:
    """What the page's relative links are relative to: its <base href>, else its own URL."""
    base = next((b.get("href") for b in doc.iter("base") if (b.get("href") or "").strip()), None)
    return urljoin(page_url, base.strip()) if base else page_url


def _article_links(doc, page_url: str) -> "OrderedDict[str, list]":
    links: OrderedDict[str, list] = OrderedDict()
    page_url = _base_url(doc, page_url)
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


def _wrap_flat_items(links) -> bool:
    """Give each item of a flat listing an element of its own; True if any was made.

    Some templates set the items as siblings in one container: a title heading, then its
    excerpt, date and views, then the next title (kpu_sites.md section 4: "heading, then
    alternating TITLE / BODY blocks"). No element then holds one item whole, and each link's
    block is its bare heading. Each run of siblings from one article's link to the next is
    moved into a new <div>, in place, so the item blocks are found as on card layouts."""
    below = _links_below(links)
    starts: OrderedDict = OrderedDict()  # the child of the shared container each link sits in -> url
    for url, anchors in links.items():
        for a in anchors:
            el = _item_block(a, url, below)
            if el.getparent() is not None:
                starts.setdefault(el, url)
    containers = {el.getparent() for el in starts}
    wrapped = False
    for container in containers:
        for run in _flat_item_runs(list(container), starts, below):
            if len(run) < 2:
                continue
            item = etree.Element("div")
            run[0].addprevious(item)
            for el in run:  # tails stay with their element: the text between siblings moves too
                item.append(el)
            wrapped = True
    return wrapped


def _flat_item_runs(children: list, starts: dict, below: dict) -> list[list]:
    """The runs of `children` that are one item each: from an article's link (the title, or a
    bare view number just above it) to the next article's, its "Selengkapnya" link kept in.

    Where does a bare number between two items belong? The documented shape puts it above
    the title ("60 / TITLE / BODY / Selengkapnya / 78 / TITLE ...", kpu_sites.md section 4):
    when one stands above the first title, every item's number is the one above its title;
    else a number belongs to the item before it, as any other sibling does."""
    heads = [i for i, el in enumerate(children) if el in starts]
    if len(heads) < 2:  # a title and its "Selengkapnya" are two: a last page may hold one item
        return []
    numbers_lead = heads[0] > 0 and _is_bare_number(children[heads[0] - 1])
    runs: list[list] = []
    run, url = None, None
    for i, el in enumerate(children):
        if el in starts and starts[el] != url:
            url, run = starts[el], [el]
            if numbers_lead and i > 0 and _is_bare_number(children[i - 1]):
                if runs and runs[-1] and runs[-1][-1] is children[i - 1]:
                    runs[-1].pop()
                run.insert(0, children[i - 1])
            runs.append(run)
        elif el in starts or (run is not None and below.get(el) is None):
            run.append(el)  # the same article's "Selengkapnya", or the item's excerpt, date, views
        else:
            run, url = None, None  # a block of several articles' links ends the item
    return runs


def _is_bare_number(el) -> bool:
    """An element whose whole text is a number, not a date ("60" above a title)."""
    text = text_of(el)
    return len(text) <= 20 and NUMBER.match(text) is not None and not SHORT_DATE.search(text)


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
            self._text = text_of(self.el)
        return self._text

    @property
    def lines(self) -> str:
        if self._lines is None:
            self._lines = text_lines(self.el)
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
            self._link_texts = {a: clean_space(text_of(a)) for a in self.el.iter("a")}
        return self._link_texts


def _has_more_than_links(block: _Block) -> bool:
    link_text = sum(map(len, block.link_texts.values()))
    return len(clean_space(block.text)) - link_text >= 2 or block.views is not None


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
            for text in (text_of(el), el.tail or ""):
                found = _DIGITS.search(text)
                if found:
                    return parse_int(found.group())
    text = block.lines
    # 2. wording next to a number ("Dibaca 123", "Telah dilihat 5 kali", "75 views")
    views = _views_in_text(text)
    if views is not None:
        return views
    # 3. a number alone on its own line before the title, as seed 002 shows it; not the
    # day of a date badge ("3" above "Okt")
    lines = text.split("\n", 4)[:4]
    for i, line in enumerate(lines[:3]):
        m = NUMBER.match(line)
        if m and not SHORT_DATE.search(line) and not _starts_with_month(lines[i + 1] if i + 1 < len(lines) else ""):
            return parse_int(m.group(1))
    return None


def _starts_with_month(line: str) -> bool:
    word = line.strip().split(" ", 1)[0].rstrip(".,").lower()
    return word in INDONESIAN_MONTHS


def _date_in_block(block: _Block) -> str | None:
    """The first short line with a date, other than a link's text ("Pemungutan Suara
    Pilkada 27 November 2024" is a title, not the item's date)."""
    link_texts = set(block.link_texts.values())
    for line in block.lines.split("\n"):
        if len(line) <= 60 and SHORT_DATE.search(line) and clean_space(line) not in link_texts:
            return line
    return None


def _title_of(anchors, block: _Block) -> str:
    texts = [block.link_texts[a] for a in anchors]
    texts = [t for t in texts if t and not sk.NON_TITLE_LINK_TEXT.match(t)]
    if texts:
        return max(texts, key=len)
    for heading in block.el.xpath(".//h1|.//h2|.//h3|.//h4|.//h5"):
        text = clean_space(text_of(heading))
        if text:
            return text
    return clean_space(anchors[0].get("title"))


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
        mark_line_breaks(el)
    return list(blocks.values())


def extract_listing(html: str | bytes, page_url: str) -> list[ListingItem]:
    """Listing items of one category page, in page order (newest first)."""
    doc = parse_html(html)
    drop_chrome(doc)
    links = _article_links(doc, page_url)
    if not links:
        return []
    # A listing item shows something besides its link: an excerpt, a date or a view count.
    # Bare links ("Berita Terbaru" widgets, which the CMS shows even past the last page) are not items.
    blocks = [b for b in _listing_blocks(links) if _has_more_than_links(b)]
    if not blocks and _wrap_flat_items(links):
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
