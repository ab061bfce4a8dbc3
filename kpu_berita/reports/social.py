"""Social-media figures from the operator's CSV (satker_id, period, platform, posts,
followers[, content_type]): validated by a pure function, row by row, before anything is
stored, so one bad row keeps the whole file out."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kpu_berita.reports.periods import quarter_period, range_period
from kpu_berita.user_csv import sheet_row

COLUMNS = ("satker_id", "period", "platform", "posts", "followers")


class BadSocialRow(ValueError):
    """One line: the file, the row and what is wrong with it."""


@dataclass(frozen=True)
class SocialFigure:
    satker_id: str
    period_key: str
    period_start: dt.date
    period_end: dt.date
    platform: str
    content_type: str
    posts: int
    followers: int | None
    source_row: int

    @property
    def key(self) -> tuple:
        return (self.satker_id, self.period_start, self.period_end, self.platform, self.content_type)


# "4.926" (or "4,926") is how the reports write thousands; a group after the separator of
# other than 3 digits ("1.5", "1,5" in a ";" file, "12.34") is a decimal, not a count
WHOLE_NUMBER = re.compile(r"[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+")


def _count(text: str | None, column: str, where: str, *, required: bool) -> int | None:
    value = (text or "").strip()
    if not value and not required:
        return None
    if not WHOLE_NUMBER.fullmatch(value):
        raise BadSocialRow(f"{where}: {column} {text!r} is not a whole number")
    return int(value.replace(".", "").replace(",", ""))


def _period(text: str, where: str):
    text = (text or "").strip()
    try:
        return range_period(text) if ".." in text else quarter_period(text)
    except ValueError:
        raise BadSocialRow(f"{where}: malformed period {text!r}: write 2021Q3 or YYYY-MM-DD..YYYY-MM-DD")


# The platforms as the Bakohumas reports spell them (the seeds: "Youtube", "Tiktok"); another
# platform keeps the spelling it was imported with (warehouse/social.py matches any case).
PLATFORMS = ("Facebook", "Instagram", "Twitter", "X", "Youtube", "Tiktok", "Whatsapp", "Threads")


def canonical_platform(text: str) -> str:
    """ "facebook ", "FACEBOOK" -> "Facebook": one platform is one row of the report, however
    each month's file typed it."""
    name = " ".join(text.split())
    return next((p for p in PLATFORMS if p.casefold() == name.casefold()), name)


def parse_figure(row: dict, n: int, source: str, known_satker: set[str]) -> SocialFigure:
    where = f"{source} row {sheet_row(n)}"
    satker_id = (row.get("satker_id") or "").strip()
    if satker_id not in known_satker:
        raise BadSocialRow(f"{where}: unknown satker {satker_id!r}")
    period = _period(row.get("period"), where)
    platform = canonical_platform(row.get("platform") or "")
    if not platform:
        raise BadSocialRow(f"{where}: platform is empty")
    return SocialFigure(satker_id, period.key, period.start, period.end, platform,
                        " ".join((row.get("content_type") or "").split()),
                        _count(row.get("posts"), "posts", where, required=True),
                        _count(row.get("followers"), "followers", where, required=False), sheet_row(n))


def parse_figures(rows: list[dict], source: str, known_satker: set[str]) -> list[SocialFigure]:
    """Every row validated (BadSocialRow on the first bad one). One key twice in the file
    ("Facebook" and "facebook", or 2021Q4 and 2021-10-01..2021-12-31, for one satker) with
    other figures is refused: which row the operator meant is theirs to say. The same
    figures twice (a row pasted twice) are one row."""
    figures: dict[tuple, SocialFigure] = {}
    for n, row in enumerate(rows, start=1):
        figure = parse_figure(row, n, source, known_satker)
        before = figures.get(figure.key)
        if before is not None and (before.posts, before.followers) != (figure.posts, figure.followers):
            raise BadSocialRow(f"{source} rows {before.source_row} and {figure.source_row}: {figure.platform} "
                               f"{figure.content_type + ' ' if figure.content_type else ''}of {figure.satker_id} for "
                               f"{figure.period_start:%Y-%m-%d}..{figure.period_end:%Y-%m-%d} twice, with other figures "
                               f"({before.posts} and {figure.posts} posts): keep one")
        figures.setdefault(figure.key, figure)
    return list(figures.values())
