"""The review loop on the demo warehouse: `review` lists flagged articles as a sheet, the
filled sheet goes back through `correct --file`, `train` learns from the corrections, and the
next build uses the new model. The report counts flagged articles and says how many remain."""
from __future__ import annotations

import csv
import json

import duckdb
import pytest

from kpu_berita import config
from kpu_berita.cli import main
from kpu_berita.pipelines.classify import CATEGORY_LABELS, store
from kpu_berita.warehouse.review import CORRECTION_COLUMNS

pytestmark = pytest.mark.slow
QUARTER = "2021Q3"
FLAGGED = 3  # articles the test marks needs_review (the shipped model is sure of every demo title)


def run_cli(*argv) -> int:
    return main([str(a) for a in argv])


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("review-home")
    assert run_cli("--home", home, "-q", "demo", "--satker", "kab-serang") == 0
    return home


def flag_some(home) -> list[str]:
    """Mark FLAGGED articles of the quarter needs_review in the published warehouse, as a build
    with an unsure model would have."""
    con = duckdb.connect(str(config.warehouse_path(home)))
    try:
        keys = [k for (k,) in con.execute("""
            SELECT article_key FROM report_articles WHERE satker_id = 'kab-serang' AND quarter = ?
            ORDER BY article_key LIMIT ?""", [QUARTER, FLAGGED]).fetchall()]
        con.execute("""UPDATE article_categories SET needs_review = true, second_category = 'audiensi',
                       second_confidence = 0.2 WHERE list_contains(?, article_key)""", [keys])
        # the build carries the flag into the report's rows (migration 008)
        con.execute("UPDATE report_articles SET needs_review = true WHERE list_contains(?, article_key)", [keys])
    finally:
        con.close()
    return keys


def report_json(home, capsys) -> dict:
    capsys.readouterr()
    assert run_cli("--home", home, "report", "--satker", "kab-serang", "--quarter", QUARTER, "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_review_correct_train_round_trip(demo_home, tmp_path, capsys):
    keys = flag_some(demo_home)
    report = report_json(demo_home, capsys)
    assert report["needs_review"] == FLAGGED
    assert sum(c["articles"] for c in report["categories"]) == report["total_articles"]  # counted under best code
    capsys.readouterr()
    assert run_cli("--home", demo_home, "report", "--satker", "kab-serang", "--quarter", QUARTER, "--format", "md") == 0
    assert f"{FLAGGED} artikel perlu diperiksa" in capsys.readouterr().out

    sheet = tmp_path / "review.csv"
    assert run_cli("--home", demo_home, "review", "--satker", "kab-serang", "--quarter", QUARTER, "--out", sheet) == 0
    with open(sheet, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["article_key"] for r in rows) == sorted(keys)
    assert set(CORRECTION_COLUMNS) <= set(rows[0])
    assert all(r["best_category"] and r["best_reason"] and r["second_category"] == "audiensi" and r["second_reason"]
               for r in rows)
    assert all(r["category"] == "" and r["note"] == "" for r in rows)

    rows[0]["category"], rows[0]["note"] = "audiensi", "kunjungan"  # the analyst decides one, leaves the rest
    with open(sheet, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert run_cli("--home", demo_home, "correct", "--file", sheet) == 0
    assert run_cli("--home", demo_home, "-q", "build") == 0

    capsys.readouterr()
    assert run_cli("--home", demo_home, "train") == 0
    out = capsys.readouterr().out
    (version,) = store.versions(demo_home)
    assert "+ 1 corrections" in out and version in out
    # a new model re-classifies the stored articles on a full rebuild (new ones get it anyway)
    assert run_cli("--home", demo_home, "-q", "build", "--full") == 0
    con = duckdb.connect(str(config.warehouse_path(demo_home)), read_only=True)
    try:
        corrected = con.execute("SELECT category, category_reason, needs_review FROM article_facts WHERE article_key = ?",
                                [rows[0]["article_key"]]).fetchone()
        versions = {v for (v,) in con.execute("SELECT DISTINCT model_version FROM article_categories").fetchall()}
    finally:
        con.close()
    assert corrected == ("audiensi", "correction", False)
    assert versions == {version}  # the build used the newest trained model


def test_review_sheet_as_excel_and_bad_requests(demo_home, tmp_path, capsys):
    import openpyxl

    keys = flag_some(demo_home)
    con = duckdb.connect(str(config.warehouse_path(demo_home)), read_only=True)
    try:  # an article an analyst already corrected is decided: the sheet leaves it out
        decided = {k for (k,) in con.execute("SELECT article_key FROM corrections").fetchall()}
    finally:
        con.close()
    out = tmp_path / "review.xlsx"
    assert run_cli("--home", demo_home, "review", "--satker", "kab-serang", "--quarter", QUARTER, "--out", out) == 0
    book = openpyxl.load_workbook(out)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 1 + len(set(keys) - decided)
    # the analyst picks the code from a list of the taxonomy's codes, explained on a second sheet
    category_column = openpyxl.utils.get_column_letter(header.index("category") + 1)
    [choice] = sheet.data_validations.dataValidation
    assert choice.type == "list" and str(choice.sqref) == f"{category_column}2:{category_column}{sheet.max_row}"
    codes = [r for r in book["kategori"].iter_rows(min_row=2, values_only=True)]
    assert choice.formula1 == f"=kategori!$A$2:$A${len(codes) + 1}"
    assert [c for c, *_ in codes] == list(CATEGORY_LABELS) and {c: label for c, label, *_ in codes}["audiensi"]
    sheet.cell(row=2, column=header.index("category") + 1, value="rapat")
    book.active = book["kategori"]  # saved while looking at the codes: `correct` still reads `review`
    book.save(out)
    capsys.readouterr()
    assert run_cli("--home", demo_home, "correct", "--file", out) == 0  # unfilled rows are skipped
    assert "recorded 1 correction(s)" in capsys.readouterr().err
    assert run_cli("--home", demo_home, "review", "--quarter", QUARTER) == 2
    assert "review needs --satker" in capsys.readouterr().err
    assert run_cli("--home", demo_home, "review", "--satker", "kab-serang", "--quarter", "2021Q5") == 2
    capsys.readouterr()
    assert run_cli("--home", demo_home, "review", "--satker", "kab-serangg", "--quarter", QUARTER) == 2
    assert "unknown satker 'kab-serangg'" in capsys.readouterr().err
    assert run_cli("--home", demo_home, "review", "--province", "Atlantis", "--quarter", QUARTER) == 2
    assert "unknown province 'Atlantis'" in capsys.readouterr().err
    bad = tmp_path / "filled.csv"
    bad.write_text("article_key,category,published_date,note\nkab-serang/id:1,rapatt,,\n", encoding="utf-8")
    assert run_cli("--home", demo_home, "correct", "--file", bad) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(f"{bad} row 2: unknown category 'rapatt'; choose one of "
                            "rapat, sosialisasi, bimtek, diskusi, audiensi, tahapan, seremoni, pengumuman, ucapan, "
                            "opini, lainnya")


def corrections_of(home, keys) -> dict:
    con = duckdb.connect(str(config.working_warehouse_path(home)), read_only=True)
    try:
        return {k: (c, d and d.isoformat(), n) for k, c, d, n in con.execute(
            "SELECT article_key, category, published_date, note FROM corrections WHERE list_contains(?, article_key)",
            [keys]).fetchall()}
    finally:
        con.close()


def test_corrections_as_analysts_send_them(demo_home, tmp_path, capsys):
    import datetime as dt

    import openpyxl

    con = duckdb.connect(str(config.warehouse_path(demo_home)), read_only=True)
    try:
        first, second, third = [k for (k,) in con.execute(
            "SELECT article_key FROM articles WHERE satker_id = 'kab-serang' ORDER BY article_key DESC LIMIT 3").fetchall()]
    finally:
        con.close()
    # a date corrected after the category keeps the category (the second replaced the first whole)
    assert run_cli("--home", demo_home, "correct", "--article", first, "--category", "bimtek", "--note", "pelatihan") == 0
    assert run_cli("--home", demo_home, "correct", "--article", first, "--date", "2021-07-03") == 0
    assert corrections_of(demo_home, [first]) == {first: ("bimtek", "2021-07-03", "pelatihan")}

    # a review sheet nobody filled: nothing to record, said so (it was a DuckDB traceback)
    empty = tmp_path / "empty.csv"
    empty.write_text("article_key,category,published_date,note\n", encoding="utf-8")
    capsys.readouterr()
    assert run_cli("--home", demo_home, "correct", "--file", empty) == 0
    assert "no correction in" in capsys.readouterr().err

    # one article twice in a file: which row is meant is the analyst's to say, nothing is stored
    twice = tmp_path / "twice.csv"
    twice.write_text(f"article_key,category\n{second},audiensi\n{third},rapat\n{second},bimtek\n", encoding="utf-8")
    assert run_cli("--home", demo_home, "correct", "--file", twice) == 2
    assert f"article '{second}' is in rows 2 and 4: keep one" in capsys.readouterr().err
    assert corrections_of(demo_home, [second, third]) == {}

    # Excel: a date typed as a date, a header typed "Category ", a blank row between the filled ones
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["article_key", "Category ", "published_date", "note"])
    sheet.append([second, "audiensi", dt.datetime(2021, 8, 2), None])
    sheet.append([None, None, None, None])
    sheet.append([third, None, dt.date(2021, 9, 1), "tanggal di judul"])
    book.save(tmp_path / "filled.xlsx")
    assert run_cli("--home", demo_home, "correct", "--file", tmp_path / "filled.xlsx") == 0
    assert "recorded 2 correction(s)" in capsys.readouterr().err
    assert corrections_of(demo_home, [second, third]) == {second: ("audiensi", "2021-08-02", ""),
                                                          third: (None, "2021-09-01", "tanggal di judul")}

    # a CSV's headers typed as in the Excel case ("Article_Key "): a pre-check on the raw names refused it
    typed = tmp_path / "typed.csv"
    typed.write_text(f"Article_Key ,Category\n{third},sosialisasi\n", encoding="utf-8")
    assert run_cli("--home", demo_home, "correct", "--file", typed) == 0
    assert corrections_of(demo_home, [third])[third][0] == "sosialisasi"

    # --remove counts the corrections it dropped, not the keys it was given
    assert run_cli("--home", demo_home, "correct", "--article", "kab-serang/id:999999", "--remove") == 0
    assert "removed 0 correction(s)" in capsys.readouterr().err
    assert run_cli("--home", demo_home, "correct", "--article", third, "--remove") == 0
    assert "removed 1 correction(s)" in capsys.readouterr().err


def test_the_kategori_sheet_says_what_each_code_covers(tmp_path):
    """The README promised it; the sheet had only code and label."""
    import csv
    from importlib import resources

    from openpyxl import load_workbook

    from kpu_berita.warehouse.review import write_sheet

    write_sheet([], tmp_path / "review.xlsx")
    book = load_workbook(tmp_path / "review.xlsx", read_only=True)
    try:
        rows = list(book["kategori"].iter_rows(values_only=True))
    finally:
        book.close()
    with (resources.files("kpu_berita") / "data" / "taxonomy.csv").open(encoding="utf-8") as f:
        taxonomy = [(r["code"], r["label"], r["description"]) for r in csv.DictReader(f)]
    assert rows[0] == ("code", "label", "description") and rows[1:] == taxonomy
    assert dict((code, description) for code, _, description in rows[1:])["audiensi"].startswith("audiensi, kunjungan")
