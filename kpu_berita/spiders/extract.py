"""Pure extraction: HTML of a listing or article page -> plain data (the listing side is
in `listing.py`, re-exported here for the spider).

Nothing here is tied to one template's CSS classes: the article body is the block with the
most paragraph text; the header and view lines are found by their wording, known in
`kpu_berita.site_knowledge`. Speed: plain `lxml.etree` elements (`page_text.py`), and the
wording searched only in the blocks whose text holds one of its words (one pass over the
body's text finds them), not in the whole page's text.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from kpu_berita import site_knowledge as sk
from kpu_berita.pipelines.urls import article_key, canonical_url, is_article_url, site_host
from kpu_berita.spiders.page_text import (BLOCK_TAGS, clean_space, drop_chrome, enclosing_block,
                                          mark_line_breaks, parse_html, parse_int, text_lines, text_of)


@dataclass(frozen=True)
class ArticleData:
    title: str
    header_text: str | None
    meta_date: str | None
    author: str | None
    body: str
    views: int | None
    lead_image_url: str | None = None


# every text node of the page's body, in order: joined, they are its text (the <title> in
# the head is no header or view line, and would make the whole page one candidate block)
_TEXT_NODES = etree.XPath("//body//text()")
_TIME_DATETIME = etree.XPath(sk.TIME_DATETIME)


def discover_category_id(html: str | bytes, page_url: str) -> int | None:
    """The category id of the site's own "Berita Terkini" (kpu_sites.md section 3), if any.

    In order: a link labelled "Berita Terkini"; a "Lihat Semua" link of a section headed
    "Berita Terkini" (the menu's "Berita" may open another category, Umum on one site); a
    link labelled "Berita". Links to another host (KPU RI's or the province's news, in many
    menus) are not the site's."""
    doc = parse_html(html)
    own_host = site_host(urlsplit(page_url).netloc)
    terkini, section, generic = sk.BERITA_TERKINI_LABELS[0], None, None
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        m = sk.CATEGORY_LINK.search(href)
        if not m or site_host(urlsplit(urljoin(page_url, href)).netloc) != own_host:
            continue
        label = clean_space(text_of(a)).casefold()
        if label == terkini:
            return int(m.group(1))
        if section is None and sk.SEE_ALL_LINK_TEXT.match(label) and _heading_before(a) == terkini:
            section = int(m.group(1))
        if generic is None and label in sk.BERITA_TERKINI_LABELS:
            generic = int(m.group(1))
    return section if section is not None else generic


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PAGE_HEADINGS = frozenset({"h1", "h2", "h3"})


def other_category_heading(html: str | bytes, page_url: str, listed: set[str]) -> str | None:
    """The heading of a listing page when it names another category than Berita Terkini
    (sk.OTHER_CATEGORY_LABELS: "Pengumuman", "Opini", ...), else None. `listed`: the
    canonical URLs of the page's listing items.

    The list's own heading is the last page heading (h1-h3: widgets, tickers, menus and
    cards' badges use the smaller ones) before its first item. Headings that hold an article
    link are items' titles, not headings of the list; a heading followed by article links
    that are not the list's (a sidebar's "Pengumuman" widget) belongs to that other list. No
    heading, or any other, says nothing: the walk goes on."""
    doc = parse_html(html)
    heading = None
    for el in doc.iter():
        if el.tag in PAGE_HEADINGS:
            if not any(is_article_url(urljoin(page_url, a.get("href") or "")) for a in el.iter("a")):
                heading = clean_space(text_of(el))
        elif el.tag == "a" and is_article_url(url := urljoin(page_url, el.get("href") or "")):
            if canonical_url(url) in listed:
                return heading if heading and heading.casefold() in sk.OTHER_CATEGORY_LABELS else None
            heading = None  # the links of another list under it
    return None


def _heading_before(link) -> str:
    """The text (casefolded) of the last heading before `link` in the nearest ancestor that
    has one before it: the heading of the section the link closes."""
    el = link.getparent()
    while el is not None:
        last = None
        for node in el.iter():
            if node is link:
                break
            if node.tag in HEADINGS:
                last = node
        if last is not None:
            return clean_space(text_of(last)).casefold()
        el = el.getparent()
    return ""


def _meta_contents(doc) -> dict[str, str]:
    """name -> content of the first non-empty <meta> of that name (property/name/itemprop)."""
    found: dict[str, str] = {}
    for el in doc.iter("meta"):
        content = clean_space(el.get("content"))
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
    page_title = clean_space(text_of(title_el)) if title_el is not None else ""
    headings = [clean_space(text_of(h)) for h in doc.xpath("//h1|//h2|//h3")]
    echoed = [h for h in headings if len(h) > 10 and h.casefold() in page_title.casefold()]
    if echoed:
        return max(echoed, key=len)
    if page_title:
        return max(re.split(r"\s+[-|–]\s+", page_title), key=len)
    h1s = [h for h in (clean_space(text_of(h)) for h in doc.iter("h1")) if h]
    return max(h1s, key=len) if h1s else ""


def chosen_title(page_title: str, listing_title: str | None) -> str:
    """The article's title: the page's, unless it is empty or only names the site or the
    section (a page whose <title> is "KPU Kabupaten Kendal"); then the listing's."""
    if not listing_title or (page_title and not sk.GENERIC_PAGE_TITLE.match(page_title)):
        return page_title
    # a real title can look like a site's name ("KPU Kota Palu Gelar Rakor"): the page's is
    # kept where the listing's is no longer (a card may cut it short)
    if page_title and page_title.casefold() not in sk.BERITA_TERKINI_LABELS and len(listing_title) <= len(page_title):
        return page_title
    return listing_title


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
                length = len(text_of(p)) + sum(1 for el in p.iterdescendants() if el.tag in BLOCK_TAGS)
            else:
                texts[p] = text_of(p)
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
                mark_line_breaks(p)
            text = clean_space(texts.get(p) or text_of(p))
            if text:
                paragraphs.append(text)
    if paragraphs:
        return "\n\n".join(paragraphs)
    mark_line_breaks(block)
    return text_lines(block)


def _remove_keeping_tail(el) -> None:
    """Take `el` out of the tree; the text after it (its tail) stays where it was."""
    parent, previous = el.getparent(), el.getprevious()
    if el.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


INLINE_WRAPPERS = frozenset({"strong", "b", "em", "i", "u", "span", "font"})


def _cut_read_also_label_before(link) -> bool:
    """Cut a "Baca juga:" label from the text just before `link`, if it is there: the tail of
    the element before it, that element when it is only the label ("<b>Baca juga:</b> <a>"),
    or the text of an inline wrapper the link opens ("<strong>Baca juga: <a>...</a></strong>")."""
    el = link
    while True:
        previous = el.getprevious()
        if previous is not None:
            if previous.tail and not previous.tail.isspace():
                return _cut_label(previous, "tail")
            if sk.READ_ALSO_LABEL_ONLY.fullmatch(text_of(previous)):
                _remove_keeping_tail(previous)
                return True
            return False
        parent = el.getparent()
        if parent.text and not parent.text.isspace():
            return _cut_label(parent, "text")
        if parent.tag not in INLINE_WRAPPERS:
            return False
        el = parent


def _cut_label(owner, attribute: str) -> bool:
    text = getattr(owner, attribute)
    label = sk.READ_ALSO_BEFORE_LINK.search(text)
    if label is None:
        return False
    setattr(owner, attribute, text[:label.start()])
    return True


def _drop_read_also_links(block) -> bool:
    """Take each "Baca juga" link out of the body block, with its label; the text after it
    stays. Here the markup shows where the linked title ends; in the flattened body nothing
    does ("... Data Pemilih Berkelanjutan Kegiatan ini diikuti ...", kpu_sites.md section 4).
    True if one was taken out."""
    dropped = False
    for link in list(block.iter("a")):
        if sk.READ_ALSO_LINK_TEXT.match(text_of(link)) or _cut_read_also_label_before(link):
            _remove_keeping_tail(link)
            dropped = True
    return dropped


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
        blocks[enclosing_block(owner)] = None
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
        self._wider: list[tuple] | None = None

    @staticmethod
    def _lines_of(el) -> str:
        mark_line_breaks(el)
        return text_lines(el)

    def wider(self) -> list[tuple]:
        """(parent, its lines) of the short parents of the worded blocks"""
        if self._wider is None:
            parents = (enclosing_block(b.getparent()) for b in self.blocks if b.getparent() is not None)
            self._wider = [(p, self._lines_of(p)) for p in dict.fromkeys(parents)
                           if p not in self.blocks and len(text_of(p)) <= SHORT_PARENT]
        return self._wider

    def search(self, patterns, refuse=None):
        """The first match of the first of `patterns` that matches in a block (one that
        `refuse(block)` is not true of, when given)."""
        if not self.blocks:
            return None
        for pattern in patterns:
            m = _first_match(pattern, zip(self.blocks, self.lines), refuse)
            if m is None:
                m = _first_match(pattern, self.wider(), refuse)  # built only when needed
            if m:
                return m
        return None


def _first_match(pattern, blocks, refuse):
    for el, text in blocks:
        m = pattern.search(text)
        if m and not (refuse and refuse(el)):
            return m
    return None


class _LinksAnotherArticle:
    """A test of a block: is it (or a short block around it, short of the article's own
    text) an item that links another article? A view line there ("Berita Populer": a title,
    then "Telah dilihat 9.876 kali", also in a <div> before the article) counts that
    article's views, not the page's. What it needs of the page is worked out on its first
    use: most pages have one view line, and it is no widget's."""

    def __init__(self, page_url: str, body_block):
        self.page_url, self.body_block = page_url, body_block
        self._around_body: set | None = None

    def __call__(self, block) -> bool:
        if self._around_body is None:
            body = self.body_block
            self._around_body = set(body.iterancestors()) | {body} if body is not None else set()
        el = block
        while el is not None and el not in self._around_body:
            if any(self._is_another_article(link.get("href")) for link in el.iter("a")):
                # the nearest block with such a link is an item if it is short (text only
                # grows up the tree, so no block further up is one)
                return len(text_of(el)) <= SHORT_PARENT
            el = el.getparent()
        return False

    @functools.cached_property
    def _own_key(self) -> str | None:
        return article_key("", self.page_url) if is_article_url(self.page_url) else None

    def _is_another_article(self, href: str | None) -> bool:
        target = urljoin(self.page_url, (href or "").strip())
        return is_article_url(target) and article_key("", target) != self._own_key


def extract_article(html: str | bytes, url: str) -> ArticleData:
    """Title, header line, meta date, author, body and views of an article page."""
    doc = parse_html(html)
    metas = _meta_contents(doc)
    meta_date = _first(metas, sk.META_DATE_NAMES)
    if meta_date is None:
        times = _TIME_DATETIME(doc)
        meta_date = clean_space(times[0]) if times else None
    title = _article_title(doc, metas)
    drop_chrome(doc)
    block, texts = _body_block(doc)  # before any marking: its scores count the marks to come
    body = _body_text(block, texts) if block is not None else ""
    if sk.READ_ALSO_WORDS in body.lower() and _drop_read_also_links(block):
        body = _body_text(block, texts)

    header_text = author = views = None
    wording = _Wording(doc)
    m = wording.search(sk.HEADER_PATTERNS)
    if m:
        header_text = clean_space(m.group(0))
        author = clean_space(m.groupdict().get("author")) or None
    m = wording.search(sk.VIEW_PATTERNS, refuse=_LinksAnotherArticle(url, block))
    if m:
        views = parse_int(m.group("n"))
    return ArticleData(title=title, header_text=header_text, meta_date=meta_date,
                       author=author, body=body, views=views, lead_image_url=lead_image_url(metas, block, url))


def lead_image_url(metas: dict[str, str], body_block, page_url: str) -> str | None:
    """The article's lead photo: og:image, else the first <img> in the body block (or the
    block around it, where templates put the photo above the text); absolute http(s) or None."""
    found = _first(metas, sk.LEAD_IMAGE_META_NAMES)
    if not found and body_block is not None:
        around = body_block.getparent() if body_block.getparent() is not None else body_block
        for scope in (body_block, around):
            src = next((img.get("src") for img in scope.iter("img") if (img.get("src") or "").strip()), None)
            if src:
                found = src.strip()
                break
    if not found:
        return None
    absolute = urljoin(page_url, found)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None
