"""Report periods: a quarter, semester, year or any date range, with the labels the
Bakohumas reports write ("Triwulan III Tahun 2021", "Periode Maret - Juni 2021",
"(01 JULI 2021 - 30 SEPTEMBER 2021)"). Month names come from the project's own table,
never from the system locale (a server's locale is usually English or C)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kpu_berita.pipelines.dates import MONTH_LABELS_ID, parse_quarter

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_SEMESTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Ss]([12])\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
FIRST_YEAR, LAST_YEAR = 1900, 2099  # wider than any KPU website's archive
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Period:
    """A closed range of days and what kind of period the operator asked for."""

    start: dt.date
    end: dt.date
    kind: str  # quarter | semester | year | range
    key: str  # 2021Q3 | 2021S1 | 2021 | 2021-03-01..2021-06-30

    def __post_init__(self):
        # a report's months are walked one by one: 0001-01-01..9999-12-31 ran past the calendar
        if not (FIRST_YEAR <= self.start.year and self.end.year <= LAST_YEAR):
            raise ValueError(f"period {self.key!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")

    @property
    def quarter(self) -> str | None:
        return self.key if self.kind == "quarter" else None


def quarter_period(text: str) -> Period:
    start, end = parse_quarter(text)
    return Period(start, end, "quarter", f"{start.year}Q{(start.month - 1) // 3 + 1}")


def semester_period(text: str) -> Period:
    m = _SEMESTER.match(text or "")
    if not m:
        raise ValueError(f"malformed semester {text!r}: write it as YYYYS1 or YYYYS2, e.g. 2021S1")
    year, half = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 1 if half == 1 else 7, 1)
    end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
    return Period(start, end, "semester", f"{year}S{half}")


def year_period(text: str) -> Period:
    m = _YEAR.match(str(text or ""))
    if not m:
        raise ValueError(f"malformed year {text!r}: write it as YYYY, e.g. 2021")
    year = int(m.group(1))
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year))


def range_period(text: str) -> Period:
    m = _RANGE.match(text or "")
    if not m:
        raise ValueError(f"malformed period {text!r}: write it as YYYY-MM-DD..YYYY-MM-DD, e.g. 2021-03-01..2021-06-30")
    try:
        start, end = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
    except ValueError:
        raise ValueError(f"malformed period {text!r}: not a calendar date")
    if end < start:
        raise ValueError(f"malformed period {text!r}: the end is before the start")
    return Period(start, end, "range", f"{start.isoformat()}..{end.isoformat()}")


PARSERS = {"quarter": quarter_period, "semester": semester_period, "year": year_period, "period": range_period}


def parse_period(text: str) -> Period:
    """Any of the forms: 2021Q3, 2021S1, 2021, 2021-03-01..2021-06-30 (a social CSV's period column)."""
    for parse in (range_period, quarter_period, semester_period, year_period):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueError(f"malformed period {text!r}: write 2021Q3, 2021S1, 2021 or YYYY-MM-DD..YYYY-MM-DD")


def month_label(day: dt.date) -> str:
    return f"{MONTH_LABELS_ID[day.month - 1]} {day.year}"


def long_date(day: dt.date) -> str:
    """'1 Juli 2021'."""
    return f"{day.day} {MONTH_LABELS_ID[day.month - 1]} {day.year}"


def weekday_date(day: dt.date) -> str:
    """'Rabu, 8 September 2021'."""
    return f"{WEEKDAYS_ID[day.weekday()]}, {long_date(day)}"


def date_id(iso: str) -> str:
    return long_date(dt.date.fromisoformat(iso))


def months_of(period: Period) -> list[tuple[str, str]]:
    """('2021-07', 'Juli 2021') for every month the period touches, empty ones included."""
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append((day.strftime("%Y-%m"), month_label(day)))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _whole_months(period: Period) -> bool:
    next_day = period.end + dt.timedelta(days=1)
    return period.start.day == 1 and next_day.day == 1


def month_span(period: Period) -> str:
    """'Maret - Juni 2021'; across years 'November 2021 - Februari 2022'; one month 'Juli 2021'."""
    first, last = period.start, period.end
    if (first.year, first.month) == (last.year, last.month):
        return month_label(first)
    if first.year == last.year:
        return f"{MONTH_LABELS_ID[first.month - 1]} - {month_label(last)}"
    return f"{month_label(first)} - {month_label(last)}"


def period_label(period: Period) -> str:
    """'Triwulan III Tahun 2021', 'Semester I Tahun 2021', 'Tahun 2021', 'Periode Maret - Juni 2021'."""
    year = period.start.year
    if period.kind == "quarter":
        return f"Triwulan {ROMAN[(period.start.month - 1) // 3 + 1]} Tahun {year}"
    if period.kind == "semester":
        return f"Semester {'I' if period.start.month == 1 else 'II'} Tahun {year}"
    if period.kind == "year":
        return f"Tahun {year}"
    if _whole_months(period):
        return f"Periode {month_span(period)}"
    if period.start == period.end:
        return f"Periode {long_date(period.start)}"
    return f"Periode {long_date(period.start)} - {long_date(period.end)}"


def period_with_dates(period: Period) -> str:
    """'Triwulan III Tahun 2021 periode 1 Juli 2021 sampai dengan 30 September 2021', as seed 000's
    BAB I writes it; a date range's label already is a "Periode ...", so it is not said twice:
    'Periode 1 November 2025 sampai dengan 31 Januari 2026'."""
    dates = f"{long_date(period.start)} sampai dengan {long_date(period.end)}"
    return f"Periode {dates}" if period.kind == "range" else f"{period_label(period)} periode {dates}"


def label_names_its_months(period: Period) -> bool:
    """A range of whole months is labelled by them ("Periode Juli 2021"): its months need no
    second mention."""
    return period.kind == "range" and _whole_months(period)


def range_label(period: Period) -> str:
    """'(01 JULI 2021 - 30 SEPTEMBER 2021)', as the cover of seed 000 writes it."""
    def upper(day: dt.date) -> str:
        return f"{day.day:02d} {MONTH_LABELS_ID[day.month - 1].upper()} {day.year}"
    return f"({upper(period.start)} - {upper(period.end)})"
