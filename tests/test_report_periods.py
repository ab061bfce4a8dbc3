"""Report periods: every option form, labels as the seed reports write them, months of the period."""
from __future__ import annotations

import datetime as dt

import pytest

from kpu_berita.reports.make import ReportProblem, parse_period_options
from kpu_berita.reports.periods import (months_of, parse_period, period_label, quarter_period, range_label,
                                        range_period, semester_period, year_period)


def test_quarter_label_and_cover_range_as_seed_000():
    period = quarter_period("2021Q3")
    assert (period.start, period.end) == (dt.date(2021, 7, 1), dt.date(2021, 9, 30))
    assert period_label(period) == "Triwulan III Tahun 2021"
    assert range_label(period) == "(01 JULI 2021 - 30 SEPTEMBER 2021)"


def test_march_to_june_range_is_labelled_as_seed_001():
    period = range_period("2021-03-01..2021-06-30")
    assert period_label(period) == "Periode Maret - Juni 2021"
    assert [label for _, label in months_of(period)] == ["Maret 2021", "April 2021", "Mei 2021", "Juni 2021"]


@pytest.mark.parametrize("text, label", [
    ("2021-11-01..2022-02-28", "Periode November 2021 - Februari 2022"),
    ("2021-07-01..2021-07-31", "Periode Juli 2021"),
    ("2021-07-05..2021-08-20", "Periode 5 Juli 2021 - 20 Agustus 2021"),
    ("2024-02-29..2024-02-29", "Periode 29 Februari 2024"),  # one day, not "29 Februari 2024 - 29 Februari 2024"
])
def test_range_labels_across_years_single_month_and_partial_months(text, label):
    assert period_label(range_period(text)) == label


def test_semester_and_year():
    first, second = semester_period("2021S1"), semester_period("2021s2")
    assert (first.start, first.end, period_label(first)) == (dt.date(2021, 1, 1), dt.date(2021, 6, 30),
                                                             "Semester I Tahun 2021")
    assert (second.start, second.end, period_label(second)) == (dt.date(2021, 7, 1), dt.date(2021, 12, 31),
                                                                "Semester II Tahun 2021")
    year = year_period("2021")
    assert period_label(year) == "Tahun 2021" and len(months_of(year)) == 12


def test_month_names_do_not_follow_the_locale(monkeypatch):
    import locale

    monkeypatch.setattr(locale, "getlocale", lambda *a: ("en_US", "UTF-8"))
    assert range_label(quarter_period("2024Q2")) == "(01 APRIL 2024 - 30 JUNI 2024)"


@pytest.mark.parametrize("text", ["2021-06-30..2021-03-01", "2021-02-30..2021-03-01", "2021-03-01", "2021Q5", "21S1",
                                  "0001-01-01..9999-12-31", "9999Q4", "1800"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_exactly_one_period_option():
    assert parse_period_options({"quarter": None, "semester": "2021S1", "year": None, "period": None}).key == "2021S1"
    with pytest.raises(ReportProblem, match="exactly one"):
        parse_period_options({"quarter": "2021Q3", "semester": None, "year": "2021", "period": None})
    with pytest.raises(ReportProblem, match="malformed semester"):
        parse_period_options({"quarter": None, "semester": "2021S3", "year": None, "period": None})
