"""HTML to text for the extraction modules: a lenient parse into plain `lxml.etree`
elements, and text read in C (`tostring(method="text")`), with line breaks after block
elements put in only where text is read line by line."""
from __future__ import annotations

import codecs
import re
import threading

from lxml import etree

from kpu_berita import site_knowledge as sk
from kpu_berita.pipelines.clean import collapse_spaces

BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
                        "section", "article", "ul", "ol", "table", "header", "footer", "span"})

_parsers = threading.local()  # an lxml parser must not be shared between threads


def _parser(encoding: str | None) -> etree.HTMLParser:
    key = encoding or "text"
    parser = getattr(_parsers, key, None)
    if parser is None:
        parser = etree.HTMLParser(encoding=encoding)
        setattr(_parsers, key, parser)
    return parser


def _undecodable_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """A codec error handler: the bytes UTF-8 can't read, read as windows-1252."""
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("kpu_berita_cp1252", _undecodable_as_cp1252)


def response_text(response) -> str:
    """The page's text as Scrapy decodes it (HTTP header, then meta charset), except where a
    page said UTF-8 and holds windows-1252 bytes (text pasted from an old document, a site
    that moved to UTF-8 keeping its old rows): Scrapy's "\ufffd" in their place stored
    titles as "\ufffdSangat Baik\ufffd \ufffd Caf\ufffd". Those bytes are read as windows-1252,
    the rest stays UTF-8."""
    text = response.text
    if "\ufffd" not in text or getattr(response, "encoding", "").replace("-", "").lower() != "utf8":
        return text
    return response.body.decode("utf-8", errors="kpu_berita_cp1252")


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


def text_of(el) -> str:
    """All text inside `el` (not its tail), as lxml.html's text_content() gives it."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


_SEPARATORS = re.compile(r"[.,\s]")


def parse_int(text: str) -> int | None:
    digits = _SEPARATORS.sub("", text)
    return int(digits) if digits.isdigit() else None


def drop_chrome(doc) -> None:
    etree.strip_elements(doc, *sk.CHROME_TAGS, with_tail=False)  # the tail text stays


def mark_line_breaks(root) -> None:
    """Put a line break after every block element inside `root` (in its tail), so that
    `text_lines` can read text in C. Only the blocks whose text is read get marked: a
    tail costs about a microsecond to set. Marking twice only adds blank lines."""
    for el in root.iter():  # iter() and a set test: 6x faster than iter(*BLOCK_TAGS)
        if el.tag in BLOCK_TAGS:
            el.tail = "\n" + el.tail if el.tail else "\n"


# runs of spaces, tabs and no-break spaces (a lone space is left as it is: far fewer substitutions)
_SPACES = re.compile(r"[ \t\xa0]{2,}|[\t\xa0]")


def text_lines(el) -> str:
    """Text of `el`, one line per block element (after `mark_line_breaks`), blank lines dropped."""
    lines = (line.strip() for line in _SPACES.sub(" ", text_of(el)).split("\n"))
    return "\n".join(line for line in lines if line)


def clean_space(text: str | None) -> str:
    return collapse_spaces(text) if text else ""


def enclosing_block(el):
    """`el` if it is a block element, else its nearest block ancestor (or the root)."""
    while el.tag not in BLOCK_TAGS:
        parent = el.getparent()
        if parent is None:
            break
        el = parent
    return el
