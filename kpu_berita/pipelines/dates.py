"""Indonesian dates as KPU sites write them (kpu_sites.md section 7), parsed with compiled
regexes and the project's own month table.

Why not dateparser on the hot path: it costs ~1 ms a call and guesses; here the forms are
few and known, and a year-less "(28/1)" must be resolved against the article's own
context (listing neighbours, crawl date), never against today.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTH_LABELS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                   "September", "Oktober", "November", "Desember")
INDONESIAN_MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(MONTH_LABELS_ID, start=1)}
INDONESIAN_MONTHS.update({
    "jan": 1, "feb": 2, "peb": 2, "pebruari": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "ags": 8,
    "agst": 8, "agus": 8, "agust": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "nop": 11, "nopember": 11, "des": 12,
    # English names appear in meta tags and some templates
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "oct": 10, "december": 12, "dec": 12, "aug": 8,
})
_MONTH = "|".join(sorted(INDONESIAN_MONTHS, key=len, reverse=True))

# Each pattern names d, m (number or name) and optionally y. Order doesn't matter: the
# earliest match in the text wins.
_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"),
    # "14 Juli 2024", "13-14 Juli 2024" and "13 s.d 14 Juli 2024" (the first day: when it
    # began), "29 April Tahun 2016", and with hyphens, "03-Sep-2026"
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:\s*(?:[–—-]|s\.?\s*[/.]?\s*d\.?|sampai\s+dengan|hingga|dan)\s*\d{{1,2}})?"
               rf"(?:\s+(?P<m>{_MONTH})\.?,?\s+(?:tahun\s+)?|-(?P<m2>{_MONTH})-)(?P<y>\d{{4}})\b", re.I),
    # one separator throughout: "08/12/2025", "8-12-2025", "8.12.25"; never a time range
    # ("pukul 10.05-12.00" is no 10 May 2012)
    re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})(?![\d/])"),
    # year-less forms: a dateline's named month before its dash ("Palu, 13 Oktober - KPU
    # ..."; not a range "13 Oktober - 14 November 2025"), and numbers only inside
    # parentheses: "(28/1)", "Kamis, (1/06)"
    re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})\.?(?=\s*[–—-](?!\s*\d))", re.I),
    re.compile(r"\(\s*(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*\)"),
)
# A dateline sits at the very start of the body ("Serang (28/1) -", "Palu, 13 Oktober 2025 -").
DATELINE_CHARS = 160
BODY_SCAN_CHARS = 600
EARLIEST_YEAR = 2010  # the KPU satker sites carry nothing older
# date_flag of a year-less date that no listing neighbour with a written year bounded: its
# year is the latest that puts it before the crawl (build_articles)
YEAR_FROM_CRAWL_DATE = "year_from_crawl_date"


@dataclass(frozen=True)
class DateFinding:
    date: dt.date | None
    raw: str  # the text it came from
    source: str  # header | meta | dateline | sentence | reference
    year_inferred: bool
    flag: str | None  # e.g. "implausible_year:2028"


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return INDONESIAN_MONTHS.get(text.lower().rstrip("."))


def _infer_year(day: int, month: int, reference: dt.date) -> dt.date | None:
    """The latest day/month that is not after reference + 7 days (posts trail events)."""
    limit = reference + dt.timedelta(days=7)
    for year in (limit.year, limit.year - 1, limit.year - 2):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # 29/2 in a non-leap year: try the year before
        if candidate <= limit:
            return candidate
    return None


# A page can't have been published after it was fetched; the slack covers a crawl resumed
# days after its crawl date and the sites' clocks and time zones.
FUTURE_SLACK = dt.timedelta(days=2)


def _after_fetch(day: dt.date, reference: dt.date | None) -> bool:
    return reference is not None and day > reference + FUTURE_SLACK


def _implausible(year: int, reference: dt.date | None) -> bool:
    if year < EARLIEST_YEAR:
        return True
    return reference is not None and year > reference.year + 1


# Every numeric pattern above can only start where a run of digits starts (its \b or its
# look-behind rules out a digit before it), and the parenthesised one at a "(". A test checks
# _matches against scanning with every pattern (tests/test_dates.py), also for a new one.
_NUMERIC_PATTERNS, _PAREN_PATTERN = _PATTERNS[:4], _PATTERNS[4]
_DIGIT_RUN_START = re.compile(r"(?<!\d)\d")


def _matches(text: str) -> Iterator[re.Match]:
    """Every pattern's matches (non-overlapping per pattern, as finditer gives them), the
    earliest first, the longer first where two start together. The numeric patterns are
    tried only where a run of digits starts: scanning all of a body's first 600 characters
    with each of them was most of the quarter of the cleaning's CPU that dates took
    (docs/performance-history.md, "The profile of 09:20"). Lazily, in text order: callers
    stop at the first valid date, mostly the dateline at the body's start, and the rest of
    the text is never tried."""
    parens = _PAREN_PATTERN.finditer(text) if "(" in text else iter(())
    paren = next(parens, None)
    free_from = [0] * len(_NUMERIC_PATTERNS)  # finditer goes on after a match's end
    for digits in _DIGIT_RUN_START.finditer(text):
        start = digits.start()
        # a "(" never starts where digits do: the parenthesised matches before this start go first
        while paren is not None and paren.start() < start:
            yield paren
            paren = next(parens, None)
        here = []
        for i, pattern in enumerate(_NUMERIC_PATTERNS):
            if start >= free_from[i] and (m := pattern.match(text, start)) is not None:
                here.append(m)
                free_from[i] = m.end()
        if len(here) > 1:
            here.sort(key=lambda m: -len(m.group(0)))  # stable: pattern order where equally long
        yield from here
    if paren is not None:  # the parenthesised matches after the last run of digits
        yield paren
        yield from parens


def _finding(m: re.Match, reference: dt.date | None, source: str) -> DateFinding | None:
    groups = m.groupdict()
    # m2: the month of the hyphenated form ("03-Sep-2026"; a group name can't repeat)
    day, month = int(groups["d"]), _month(groups["m"] or groups.get("m2") or "")
    if month is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    raw = m.group(0).strip()
    year_text = groups.get("y")
    flag = None
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if not _implausible(year, reference):
            try:
                written = dt.date(year, month, day)
            except ValueError:
                return None  # 31/2/2022: not a date
            if not _after_fetch(written, reference):
                return DateFinding(written, raw, source, False, None)
            # "30 November 2027" on a page fetched on 2 December 2026: a mistyped year, which
            # would put the article in a quarter to come and hide a satker gone silent
            flag = f"future_date:{written.isoformat()}"
        else:
            flag = f"implausible_year:{year}"
    if reference is None:
        return DateFinding(None, raw, source, True, flag) if flag else None
    inferred = _infer_year(day, month, reference)
    if inferred is None:
        return None
    return DateFinding(inferred, raw, source, True, flag)


def parse_date_expression(text: str | None, reference: dt.date | None = None, source: str = "sentence") -> DateFinding | None:
    """The first valid date expression in `text`, in any of the forms KPU sites use."""
    if not text or not isinstance(text, str):
        return None
    for m in _matches(text):
        finding = _finding(m, reference, source)
        if finding is not None and finding.date is not None:
            return finding
    return None


def find_published_date(*, header: str | None = None, meta: str | None = None, body: str | None = None,
                        reference: dt.date | None = None) -> DateFinding | None:
    """The article's date: header line > meta tag > body dateline > first date in the body's start."""
    for text, source in ((header, "header"), (meta, "meta")):
        found = parse_date_expression(text, reference, source)
        if found:
            return found
    if body and isinstance(body, str):
        start = body[:BODY_SCAN_CHARS]
        for m in _matches(start):
            source = "dateline" if m.start() < DATELINE_CHARS else "sentence"
            finding = _finding(m, reference, source)
            if finding is not None and finding.date is not None:
                return finding
    return None


BODY_SOURCES = ("dateline", "sentence")


def decide_article_date(*, header: str | None, meta: str | None, body: str | None, listing_date_text: str | None,
                        reference: dt.date | None) -> DateFinding | None:
    """The one decision of an article's published date, made when its page is fetched and
    stored with the page: header line > meta tag > the listing's own date > body dateline >
    a date in the body's first sentences. A dateline without a year is resolved against
    `reference` (the crawl's date; later, the listing neighbours' dates) and says so."""
    found = find_published_date(header=header, meta=meta, body=body, reference=reference)
    if listing_date_text and (found is None or found.source in BODY_SOURCES):
        listed = parse_date_expression(listing_date_text, reference, "listing")
        if listed is not None and listed.date is not None:
            return listed
    return found


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


def parse_quarter(text: str) -> tuple[dt.date, dt.date]:
    """'2021Q3' (or 2021-Q3, 2021q3) -> (2021-07-01, 2021-09-30)."""
    m = _QUARTER.match(text or "")
    if not m:
        raise ValueError(f"malformed quarter {text!r}: write it as YYYYQn, e.g. 2021Q3")
    year, q = int(m.group(1)), int(m.group(2))
    if not 1 <= year < 9999:  # the day after the quarter must exist
        raise ValueError(f"malformed quarter {text!r}: the year is out of range")
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - dt.timedelta(days=1)
    return start, end
