"""`kpu-berita classify | eval | train` without a warehouse: the CSV contract, one clear line
and exit 2 for bad input, both evaluation parts, a versioned model under the home."""
from __future__ import annotations

import csv
import re

import pytest

from kpu_berita import categories
from kpu_berita.cli import main
from kpu_berita.pipelines.classify import store
from kpu_berita.pipelines.classify.labelled import shipped_rows


def run_cli(*argv) -> int:
    return main([str(a) for a in argv])


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_classify_keeps_every_column_and_adds_four(tmp_path):
    source = write(tmp_path / "in.csv", "id,title,body,extra\n"
                                        "007,Rapat Pleno Terbuka Rekapitulasi DPB,,x\n"
                                        "abc,Zzz qqq,,y\n")
    out = tmp_path / "out.csv"
    assert run_cli("--home", tmp_path / "home", "classify", "--input", source, "--output", out) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["id", "title", "body", "extra", "category", "confidence", "needs_review", "reason"]
    assert [r["id"] for r in rows] == ["007", "abc"]  # as given, leading zero kept
    assert rows[0]["category"] == "rapat" and rows[0]["needs_review"] == "false"
    assert {r["needs_review"] for r in rows} <= {"true", "false"}
    assert all(0 < float(r["confidence"]) <= 1 and r["reason"] for r in rows)
    # its own output classified again: the four columns written anew, not twice
    again = tmp_path / "again.csv"
    assert run_cli("--home", tmp_path / "home", "classify", "--input", out, "--output", again) == 0
    with open(again, newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == rows


def test_a_semicolon_file_from_excel_is_read_and_written_back_as_it_came(tmp_path):
    # Excel in an Indonesian locale saves "CSV" with ";" (the decimal mark takes ","); it was
    # refused as "missing column title (columns: id;judul...)"
    source = tmp_path / "in.csv"
    source.write_bytes("\ufeffid;title;catatan\r\n7;Rapat Pleno Terbuka Rekapitulasi DPB;a, b\r\n".encode("utf-8"))
    out = tmp_path / "out.csv"
    assert run_cli("--home", tmp_path / "home", "classify", "--input", source, "--output", out) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert list(rows[0]) == ["id", "title", "catatan", "category", "confidence", "needs_review", "reason"]
    assert rows[0]["id"] == "7" and rows[0]["catatan"] == "a, b" and rows[0]["category"] == "rapat"
    # that Excel reads "0.97" as text: the confidence has its decimal comma
    assert re.fullmatch(r"[01],\d\d", rows[0]["confidence"]), rows[0]["confidence"]


def test_a_comma_file_keeps_the_decimal_point(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,title\n7,Rapat Pleno Terbuka Rekapitulasi DPB\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run_cli("--home", tmp_path / "home", "classify", "--input", source, "--output", out) == 0
    with open(out, newline="", encoding="utf-8") as f:
        assert re.fullmatch(r"[01]\.\d\d", next(csv.DictReader(f))["confidence"])


@pytest.mark.parametrize("content, message", [
    ("id,judul\n1,Rapat Pleno\n", "missing column title"),
    ("", "empty"),
    ("id,title\n", "no rows"),
    # the user's own labels would have been overwritten by the output's column
    ("title,category\nRapat Pleno,rapat\n", "has column(s) category, which classify writes: rename them"),
])
def test_classify_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, message):
    source = write(tmp_path / "in.csv", content)
    assert run_cli("--home", tmp_path, "classify", "--input", source, "--output", tmp_path / "out.csv") == 2
    err = capsys.readouterr().err.strip()
    assert message in err and str(source) in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("command", ["train", "eval"])
def test_a_label_outside_the_codes_names_file_and_row(tmp_path, capsys, command):
    bad = write(tmp_path / "labels.csv", "satker,title,category\nkab-a,Rapat Pleno,rapat\nkab-b,Senam Pagi,olahraga\n")
    assert run_cli("--home", tmp_path, command, "--labeled", bad) == 2
    err = capsys.readouterr().err.strip()
    assert f"{bad} row 3: unknown category 'olahraga'" in err  # as Excel shows it: the header is row 1 and len(err.splitlines()) == 1
    assert not store.versions(tmp_path)


def test_eval_report_has_the_cv_and_the_frozen_part():
    rows = shipped_rows()[::2]  # half the rows, two folds: the shape of the report, quickly
    text = categories.two_part_report(rows, None, folds=2)
    for heading in ("== cross-validation on the open part ==", "== frozen part (satker never seen) ==",
                    "== rules on the frozen part ==", "calibration (accuracy per confidence band)", "needs_review"):
        assert heading in text
    assert text.count("macro-F1") >= 2


@pytest.mark.slow
def test_train_saves_a_version_that_classify_then_uses(tmp_path, capsys):
    assert run_cli("--home", tmp_path, "train") == 0
    out = capsys.readouterr().out
    (version,) = store.versions(tmp_path)
    assert f"trained model {version}" in out and "0 corrections" in out and "newest " + version in out
    source = write(tmp_path / "in.csv", "title\nRapat Pleno Terbuka\n")
    assert run_cli("--home", tmp_path, "classify", "--input", source, "--output", tmp_path / "out.csv") == 0
    assert run_cli("--home", tmp_path, "eval") == 0
    report = capsys.readouterr().out
    assert "== saved models on the frozen part ==" in report and version in report


@pytest.mark.parametrize("command, rows, message", [
    (["eval"], "", "no labelled rows to score"),
    (["eval", "--satker", "kab-nowhere"], "Rapat Pleno,rapat,kab-x\n", "no labelled rows to score"),
    (["eval", "--cv"], "Rapat Pleno,rapat,kab-x\nSosialisasi Pemilih,sosialisasi,kab-x\n",
     "too few labelled rows to cross-validate: 2 rows from 1 satker"),
    (["train"], "Rapat Pleno,rapat,kab-x\nSosialisasi Pemilih,sosialisasi,kab-y\nBimtek PPK,bimtek,kab-z\n",
     "too few labelled rows to train: 3 rows from 3 satker"),
])
def test_too_little_labelled_data_is_one_line(tmp_path, capsys, command, rows, message):
    # each was a traceback from sklearn ("Found empty input array", "n_splits=1", "empty vocabulary")
    labelled = write(tmp_path / "few.csv", "title,category,satker\n" + rows)
    argv = ["--home", tmp_path / "home", command[0], "--labeled", labelled, *command[1:]]
    if command[0] == "train":
        argv.append("--no-corrections")
    assert run_cli(*argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "home" / "models").exists()


def test_labelled_titles_without_a_body_can_be_cross_validated(tmp_path, capsys):
    # the seed documents' titles (four satker, no article text): the lead block had no term in
    # any fold and sklearn refused the fit, "cannot cross-validate ...: empty vocabulary"
    from importlib import resources

    titles_only = resources.files("kpu_berita") / "data" / "labeled_dev.csv"
    assert run_cli("--home", tmp_path, "eval", "--labeled", titles_only, "--cv") == 0
    report = capsys.readouterr().out
    assert "rows 95" in report and "macro-F1" in report


def test_a_code_typed_in_any_case_is_the_code():
    # "Opini" and " RAPAT " typed into the sheet were refused while "opini " was taken
    rows = [{"article_key": "kab-x/id:1", "category": "Opini"}, {"article_key": "kab-x/id:2", "category": " RAPAT "}]
    applied = categories.corrections_to_apply(rows, "filled.csv", remove=False)
    assert [r["category"] for r in applied] == ["opini", "rapat"]
    with pytest.raises(categories.InputError, match="filled.csv row 2: unknown category 'rapatt'"):
        categories.corrections_to_apply([{"article_key": "kab-x/id:1", "category": "Rapatt"}], "filled.csv",
                                        remove=False)
