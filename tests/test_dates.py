"""Every real date form of kpu_sites.md section 7, with its expected date."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from kpu_berita.pipelines import dates
from kpu_berita.pipelines.dates import find_published_date, parse_date_expression, parse_quarter, quarter_of

D = dt.date


@pytest.mark.parametrize("text, reference, expected", [
    # with hyphens, a named month: a header "Tanggal: 03-Sep-2026"
    ("Tanggal: 03-Sep-2026", None, D(2026, 9, 3)),
    ("12-Desember-2025 10:00", None, D(2025, 12, 12)),
    # Place (d/m) -
    ("Serang (28/1) -", D(2022, 1, 31), D(2022, 1, 28)),
    ("Sleman (13/09) -", D(2025, 9, 20), D(2025, 9, 13)),
    ("Semarang … Kamis (2/10).", D(2025, 10, 3), D(2025, 10, 2)),
    # weekday + (d/m/yyyy)
    ("Kamis (31/3/2022)", None, D(2022, 3, 31)),
    ("Rabu (09/10/2024)", None, D(2024, 10, 9)),
    ("Jumat (09/02/2024)", None, D(2024, 2, 9)),
    ("Selasa (27/6/2023)", None, D(2023, 6, 27)),
    ("Senin (2/6/2025)", None, D(2025, 6, 2)),
    ("(25/07/2025)", None, D(2025, 7, 25)),
    ("Rabu (16/11/2016)", None, D(2016, 11, 16)),
    ("Kamis sore (15/02/2018)", None, D(2018, 2, 15)),
    # weekday + (d/m) only: the year comes from the reference
    ("Senin (31/1)", D(2022, 2, 2), D(2022, 1, 31)),
    ("Selasa (24/3)", D(2015, 3, 30), D(2015, 3, 24)),
    ("Jumat (17/4)", D(2015, 4, 20), D(2015, 4, 17)),
    ("Minggu (17/02)", D(2019, 2, 20), D(2019, 2, 17)),
    ("Senin (21/8)", D(2023, 8, 25), D(2023, 8, 21)),
    ("Kamis, (1/06)", D(2023, 6, 5), D(2023, 6, 1)),
    ("Jumad (01/10)", D(2021, 10, 4), D(2021, 10, 1)),
    # Place, d/m/yyyy.
    ("Sukadana, (30/9/2021).", None, D(2021, 9, 30)),
    ("Sukadana 22/9/2021.", None, D(2021, 9, 22)),
    ("Sukadana, 20/1/2026.", None, D(2026, 1, 20)),
    # Place, d Month yyyy –
    ("Serang, 3 Juli 2025 –", None, D(2025, 7, 3)),
    ("Palu, 13 Oktober 2025 -", None, D(2025, 10, 13)),
    ("MAKASSAR, 30 Oktober 2025 –", None, D(2025, 10, 30)),
    ("Wamena, 22 Januari 2026 —", None, D(2026, 1, 22)),
    ("Jayawijaya, 13–14 Juli 2024 –", None, D(2024, 7, 13)),
    # in sentence
    ("pada Senin, 08 Desember 2025", None, D(2025, 12, 8)),
    ("Rabu, 25 September 2025", None, D(2025, 9, 25)),
    ("Jumat, 25 Juli 2025", None, D(2025, 7, 25)),
    ("pada Selasa, 13 September 2022 pukul 10.00 WIB", None, D(2022, 9, 13)),
    ("Senin 03 Juni 2025", None, D(2025, 6, 3)),
    ("Rabu 2 Juli 2025", None, D(2025, 7, 2)),
    ("(01-10-2025)", None, D(2025, 10, 1)),
    # header
    ("Ditulis Oleh: ADMIN Tanggal: 15 September 2021", None, D(2021, 9, 15)),
    # meta
    ("2021-09-15T10:00:00+07:00", None, D(2021, 9, 15)),
])
def test_real_date_forms(text, reference, expected):
    found = parse_date_expression(text, reference)
    assert found is not None and found.date == expected


def test_typo_year_is_flagged_not_trusted():
    found = parse_date_expression("Senin, (27/10/2028)", D(2025, 10, 30))
    assert found.date == D(2025, 10, 27)
    assert found.flag == "implausible_year:2028" and found.year_inferred


def test_a_day_after_the_page_was_fetched_is_flagged_not_trusted():
    # "30 November 2027" on a page fetched on 2 December 2026 put the article in 2027Q4: the
    # satker looked fresh in `status` and a report of a quarter to come counted it
    found = parse_date_expression("Tanggal: 30 November 2027", D(2026, 12, 2))
    assert (found.date, found.flag, found.year_inferred) == (D(2026, 11, 30), "future_date:2027-11-30", True)
    # a day or two ahead is a site's clock or a crawl resumed the next day, not a typo
    assert parse_date_expression("Tanggal: 3 Desember 2026", D(2026, 12, 2)).flag is None


def test_year_inference_crosses_a_year_boundary():
    assert parse_date_expression("Serang (28/12) -", D(2022, 1, 3)).date == D(2021, 12, 28)


def test_invalid_day_is_skipped_for_the_next_expression():
    assert parse_date_expression("(31/2/2022) lalu Kamis (3/3/2022)").date == D(2022, 3, 3)


def test_header_wins_over_body_and_body_dateline_is_named():
    found = find_published_date(header="Ditulis Oleh: ADMIN Tanggal: 15 September 2021",
                                body="Pada Rabu (14/09/21) KPU ...", reference=D(2025, 1, 1))
    assert (found.date, found.source) == (D(2021, 9, 15), "header")
    found = find_published_date(body="Serang (28/1) - KPU Kabupaten Serang ...", reference=D(2022, 2, 1))
    assert (found.date, found.source, found.year_inferred) == (D(2022, 1, 28), "dateline", True)
    assert find_published_date(body="Tanpa tanggal apa pun.") is None


@pytest.mark.parametrize("text, start, end", [
    ("2021Q3", D(2021, 7, 1), D(2021, 9, 30)), ("2024-q1", D(2024, 1, 1), D(2024, 3, 31)),
    ("2025Q4", D(2025, 10, 1), D(2025, 12, 31))])
def test_quarters(text, start, end):
    assert parse_quarter(text) == (start, end)
    assert quarter_of(start) == quarter_of(end) == text.upper().replace("-", "")


@pytest.mark.parametrize("bad", ["2021Q5", "Q3 2021", "", "2021-07"])
def test_bad_quarter_names_the_input(bad):
    with pytest.raises(ValueError, match="malformed quarter"):
        parse_quarter(bad)


def test_matches_tried_at_digit_runs_equal_every_pattern_scanned_everywhere():
    """_matches tries the numeric patterns only where a run of digits starts; that must give
    what scanning the whole text with each pattern gives, on text built to trip it up."""
    def scanned_everywhere(text):
        found = [m for pattern in dates._PATTERNS for m in pattern.finditer(text)]
        return sorted(found, key=lambda m: (m.start(), -len(m.group(0))))

    def spans(matches):
        return [(m.re.pattern, m.span()) for m in matches]

    pieces = ["2021", "07", "15", "1", "-", "/", ".", " ", "(", ")", "Juli", "Agt.", "ab", "_", "T10:00", "Z",
              "+07:00", "–", ",", "\n", "2025-10-01", "28/1", "(1/06)", "13 Oktober 2025", "x12/07/2021"]
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert spans(dates._matches(text)) == spans(scanned_everywhere(text)), text
