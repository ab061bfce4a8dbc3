"""Article text cleaning: boilerplate out, the credit tail kept as a field, titles
normalised for de-duplication, reposts of KPU RI or province news detected."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from kpu_berita import site_knowledge as sk
from kpu_berita.pipelines.urls import site_host

# Whole paragraphs that are page chrome or captions, not news (kpu_sites.md sections 4-5).
_CHROME_PARAGRAPH = re.compile(
    # "Bagikan:", "Share: facebook twitter", "Bagikan ke WhatsApp"; never a sentence that
    # begins with the word ("Bagikan informasi ini kepada keluarga ...")
    r"^(?:(?:bagikan|share)(?:\s+(?:ke|via|berita\s+ini|artikel\s+ini|this))?\s*(?::.{0,80})?"
    r"(?:\s*(?:facebook|twitter|whats?app|whatapps|telegram|email|x)\b)*"
    r"|(?:(?:facebook|twitter|whats?app|whatapps|telegram|email|x)\s*)+"
    rf"|selengkapnya|baca\s+juga\s*:.*|{sk.PHOTO_CAPTION_START}.{{0,200}})$",
    re.I)
# "Baca Juga:" inside a paragraph; the title after it is measured by _read_also_title
_INLINE_READ_ALSO = re.compile(rf"\s*{sk.READ_ALSO_LABEL}\s*:\s*", re.I)
# what a title's text can run to: the next full stop, or the paragraph's end
_UP_TO_STOP = re.compile(r"[^.!?]*(?:[.!?]|$)")
_QUOTED_TITLE = re.compile(r"[\"“‘«]([^\"”’»]{1,250})[\"”’»]\s*[.!?]?")
_WORD = re.compile(r"\S+")
_WORD_EDGES = "\"'“”‘’«»()[],.;:!?"
# "(dok. foto Humas KPU Kota Palu)" inside a paragraph, with more of the paragraph after it;
# at a paragraph's end the group is left to the credit tail (or kept)
_INLINE_CAPTION = re.compile(rf"\s*[(\[]\s*{sk.PHOTO_CAPTION_START}[^()\[\]\n]{{0,150}}[)\]](?![.!?]?\s*$)", re.I)
# the 2025 template's view line, when a body carries it inside a paragraph
_INLINE_VIEWS = re.compile(rf"\s*{sk.VIEW_LINE_2025}\.?", re.I)

# a bracketed group at the very end of the text
_TAIL = re.compile(r"[\(\[]\s*([^()\[\]\n]{1,90}?)\s*[\)\]]\s*\.?\s*$")
_CREDIT_WORDS = re.compile(r"humas|hupmas|\btim\b|admin|\bed\b|\bed\.|foto|redaksi|penulis|kontributor|/|\*|pos\b|news|kpu", re.I)
_ACRONYM = re.compile(r"^[A-Z0-9]{2,8}$")
_DAY_MONTH = re.compile(r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?")
_SENTENCE_ENDS = (".", "!", "?", '"', "”", "…", ":")


def _is_sentence_word(token: str) -> bool:
    """A lower-case word no title writes in lower case ("ini", "diikuti"); numbers, acronyms,
    capitalised and small words ("dan", "di", "se-Kota") are the words of titles."""
    word = token.strip(_WORD_EDGES)
    return bool(word) and word[0].islower() and word.lower() not in sk.TITLE_SMALL_WORDS \
        and not word.lower().startswith("se-")


def _read_also_title(text: str) -> int | None:
    """How many characters at the start of `text` (what follows a "Baca Juga:" label) are
    the linked article's title, or None when that can't be told.

    The flattened text shows no end of the title: "Baca Juga: KPU Kota Palu Tetapkan
    Rekapitulasi Data Pemilih Berkelanjutan Kegiatan ini diikuti 50 peserta ...". A quoted
    title ends at its closing quote; a title-case run up to the next full stop is all title;
    else the title ends before a common sentence starter that a lower-case word follows
    ("Kegiatan ini"). Anything else is left as it is: real body text is never cut on a guess."""
    quoted = _QUOTED_TITLE.match(text)
    if quoted:
        return quoted.end()
    span = _UP_TO_STOP.match(text).end()
    words = list(_WORD.finditer(text, 0, span))
    first_sentence_word = next((i for i, w in enumerate(words) if _is_sentence_word(w.group())), None)
    if first_sentence_word is None:
        return span  # all title (or a label with nothing after it)
    starter = first_sentence_word - 1
    if starter >= 1 and words[starter].group().strip(_WORD_EDGES).lower() in sk.SENTENCE_STARTERS:
        return words[starter].start()
    return None


def _without_read_also(paragraph: str) -> tuple[str, list[str]]:
    """`paragraph` without its inline "Baca Juga: <title>" links, and what was taken out."""
    removed, kept, at = [], [], 0
    for label in _INLINE_READ_ALSO.finditer(paragraph):
        if label.start() < at:
            continue  # inside a title already taken out
        title_length = _read_also_title(paragraph[label.end():])
        if title_length is None:
            continue
        end = label.end() + title_length
        kept.append(paragraph[at:label.start()])
        removed.append(paragraph[label.start():end].strip())
        at = end
    if not removed:
        return paragraph, removed
    kept.append(paragraph[at:])
    return collapse_spaces(" ".join(part.strip() for part in kept)), removed


def _is_view_counter(paragraph: str) -> bool:
    """A paragraph that is only a view count in one of the sites' wordings ("Dibaca 12 kali")."""
    return len(paragraph) <= 60 and any(p.fullmatch(paragraph) for p in sk.VIEW_PATTERNS)


@dataclass(frozen=True)
class CleanText:
    text: str  # paragraphs separated by a blank line
    credit: str | None  # "ADMIN", "Tim Hupmas KPU Kabupaten Serang", ...
    removed: tuple[str, ...]


def _credit_tail(text: str) -> tuple[str, str | None]:
    m = _TAIL.search(text)
    if not m:
        return text, None
    inner = m.group(1).strip()
    before = text[: m.start()]
    # "... hari ini, Sabtu (31/10)." and "... Mahkamah Konstitusi (MK).": the group closes a
    # sentence that goes on to its full stop, and a day of the month is no credit. Credits
    # follow the last sentence's own stop: "... berkelanjutan. (Tim Humas KPU ...)".
    if m.group(0).rstrip().endswith(".") and not before.rstrip().endswith(_SENTENCE_ENDS):
        return text, None
    if _DAY_MONTH.fullmatch(inner):
        return text, None
    # an acronym the body defined, "(DPB)", "(PPK)", is part of the sentence, not a credit
    if _ACRONYM.match(inner) and inner not in ("ADMIN", "TIM") and f"({inner})" in before:
        return text, None
    looks_like_credit = bool(_CREDIT_WORDS.search(inner)) or (len(inner) <= 12 and not inner.isdigit())
    if not looks_like_credit:
        return text, None
    return before.rstrip(), inner


def collapse_spaces(text: str) -> str:
    """text with every run of whitespace one space, trimmed: " ".join(text.split()). The
    spider stores paragraphs that way already (spiders/page_text.text_lines), so the common case
    returns text as it is: a printable str has no whitespace but the ASCII space, and then
    only a double or an edge space can need collapsing (split and join were ~9% of the
    articles step's CPU under py-spy, docs/performance-history.md, "The profile of 09:20")."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def clean_body(text: str) -> CleanText:
    """Remove share blocks, view counters, "Baca Juga" links, captions and the credit tail."""
    removed: list[str] = []
    paragraphs = []
    for para in (text or "").split("\n"):
        para = collapse_spaces(para)
        if not para:
            continue
        if _CHROME_PARAGRAPH.match(para) or _is_view_counter(para):
            removed.append(para)
            continue
        lowered = para.lower()
        # the substring tests skip the regex scans on the ~all paragraphs that have none
        if sk.READ_ALSO_WORDS in lowered:
            para, taken = _without_read_also(para)
            removed += taken
        for marker, pattern in (("foto", _INLINE_CAPTION), ("dilihat", _INLINE_VIEWS)):
            if marker in lowered:
                removed += [hit.group(0).strip() for hit in pattern.finditer(para)]
                para = pattern.sub("", para).strip()
        if para:
            paragraphs.append(para)
    credit = None
    if paragraphs:
        last, credit = _credit_tail(paragraphs[-1])
        if credit is not None:
            removed.append(f"({credit})")
            if last:
                paragraphs[-1] = last
            else:
                paragraphs.pop()
    return CleanText("\n\n".join(paragraphs), credit, tuple(removed))


_NOT_WORD = re.compile(r"[^\w\s]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


# every ASCII byte that is not a word character (\w) a space: bytes.translate + split gives the
# words of ASCII text at about half the cost of str.translate or a regex (1.8 against 3.2 us
# for a title and lead)
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() or chr(c) == "_" else ord(" ") for c in range(128)) + bytes(range(128, 256))


def ascii_words(text: str) -> list[str]:
    """The word-character (\\w) runs of an ASCII text, in order."""
    return text.encode("ascii").translate(_ASCII_NON_WORD).decode("ascii").split()


def normalise_title(title: str) -> str:
    """Casefolded, accents and punctuation dropped, spaces collapsed: for de-duplication."""
    text = title or ""
    if text.isascii():  # most titles: no quotes to straighten, no accents, casefold is lower
        return " ".join(ascii_words(text.lower()))
    text = text.translate(_QUOTES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


_SOURCE_PREFIX = re.compile(r"^\s*(?P<place>[A-Za-z .]{2,40}),\s*(?P<host>(?:[\w-]+\.)*kpu\.go\.id)\s*[-–—]", re.I)
_JAKARTA_DATELINE = re.compile(r"^\s*jakarta\s*,?\s*(?:\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)\s*)?[-–—]", re.I)
_KPU_RI = re.compile(r"\bKPU\s*(?:RI|Republik\s+Indonesia)\b|\bKomisi\s+Pemilihan\s+Umum\s+(?:\(KPU\)\s*)?(?:RI|Republik\s+Indonesia)\b", re.I)


_KPU_PREFIX = re.compile(r"^(KPU|KIP)\s+")


_LEVEL_PREFIX = re.compile(r"^(?:kabupaten|kota|provinsi)\s+", re.I)


def _bare_name(short_name: str) -> str:
    """"Sukoharjo" of "Kabupaten Sukoharjo": how a dateline names the place."""
    return _LEVEL_PREFIX.sub("", short_name)


def _squeezed(text: str) -> str:
    return "".join(text.lower().split())  # "Palangka Raya" and "Palangkaraya" alike


@functools.lru_cache(maxsize=4096)
def _short_name(satker_name: str) -> str:
    """"Kabupaten Serang" of "KPU Kabupaten Serang": once per satker, not once per article."""
    return _KPU_PREFIX.sub("", satker_name).strip()


def _signs_as(host: str, own: str) -> bool:
    """A source host that is the satker's own site, as satker write it: "kab-serang.kpu.go.id"
    and its "www." form (stripped by the caller), the words of the label in another order
    ("palu-kota" for kota-palu, kpu_sites.md section 1), or a subdomain of the site."""
    if not own:
        return False
    label, own_label = host.split(".")[0], own.split(".")[0]
    return host.endswith("." + own) or sorted(label.split("-")) == sorted(own_label.split("-"))


def detect_repost(*, title: str, body: str, satker_name: str, satker_host: str | None = None) -> str | None:
    """"kpu_ri" or "provinsi" when the article republishes another KPU office's news, else None.

    A satker reporting on its own part in a KPU RI event ("KPU Kabupaten Serang mengikuti
    Bimtek ... oleh KPU RI") is not a repost: the satker is the subject there.
    """
    start = (body or "")[:400]
    short_name = _short_name(satker_name or "")
    mentions_self = bool(short_name) and short_name.lower() in start.lower()
    m = _SOURCE_PREFIX.match(start)
    if m:
        host = site_host(m.group("host"))
        if _signs_as(host, site_host(satker_host or "")):
            return None
        if host == "kpu.go.id":
            # satker sign their own news "Sukoharjo, kpu.go.id -" too: KPU RI's is datelined
            # Jakarta, or is about no satker of this name
            place = m.group("place").lower()
            own_news = "jakarta" not in place and (mentions_self or _squeezed(place) == _squeezed(_bare_name(short_name)))
            return None if own_news else "kpu_ri"
        return "provinsi"
    if _JAKARTA_DATELINE.match(start) and "jakarta" not in (satker_name or "").lower() and not mentions_self:
        return "kpu_ri"
    if _KPU_RI.search(title or "") and not mentions_self and short_name.lower() not in (title or "").lower():
        lead = start[:160]
        if _KPU_RI.search(lead) or lead.lower().startswith("jakarta"):
            return "kpu_ri"
    return None
