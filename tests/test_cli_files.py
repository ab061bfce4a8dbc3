"""Files the commands are pointed at: an output that can't be written and a warehouse that
can't be opened are one line naming the file, exit 2, never a traceback; a failed write
leaves no partial or temporary file, and the warehouse is left as it was."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kpu_berita import config
from kpu_berita.cli import main
from kpu_berita.user_files import FileProblem, written_whole
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.merge import recompute_all


@pytest.fixture
def home(tmp_path):
    """A home whose published warehouse holds two articles of KPU Kabupaten Serang in 2021Q3."""
    home = tmp_path / "home"
    con = connect(config.warehouse_path(home))
    con.execute("""INSERT INTO satker VALUES
        ('kab-serang', 'KPU Kabupaten Serang', 'kabupaten', 'Banten', '36.04', 'https://kab-serang.kpu.go.id')""")
    con.execute("INSERT INTO categories VALUES ('rapat', 'Rapat & Koordinasi', 1)")
    for key, day in (("a", "2021-07-02"), ("b", "2021-08-09")):
        con.execute("""INSERT INTO articles (article_key, satker_id, url, title, title_normalised, published_date, body,
                       is_repost) VALUES (?, 'kab-serang', ?, ?, ?, ?, '', false)""",
                    [key, f"https://kab-serang.kpu.go.id/{key}", f"Rapat {key}", f"rapat {key}", day])
        con.execute("INSERT INTO article_categories (article_key, category, confidence, reason, topics) "
                    "VALUES (?, 'rapat', 0.99, 'rule', [])", [key])
    recompute_all(con)
    con.execute("INSERT INTO satker_last_crawl VALUES ('kab-serang', TIMESTAMPTZ '2021-10-05 01:00:00+07')")
    con.close()
    return home


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_written_whole_renames_on_success_and_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "laporan.md"
    target.write_text("yesterday's", encoding="utf-8")
    with pytest.raises(RuntimeError), written_whole(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("the renderer failed half-way")
    assert target.read_text(encoding="utf-8") == "yesterday's" and list(tmp_path.iterdir()) == [target]
    with written_whole(target) as tmp:
        tmp.write_text("today's", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "today's" and list(tmp_path.iterdir()) == [target]


def test_written_whole_names_the_target_of_a_failed_write_and_only_then(tmp_path):
    target = tmp_path / ("x" * 300 + ".md")  # longer than a file name may be: the open fails
    with pytest.raises(FileProblem, match=r"cannot write .*xxx\.md: File name too long"):
        with written_whole(target) as tmp:
            tmp.write_text("text", encoding="utf-8")
    # an error about another file (one the block reads) is not this file's: it stays what it was
    with pytest.raises(FileNotFoundError), written_whole(tmp_path / "out.md"):
        (tmp_path / "missing-input.csv").read_text()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["report", "--satker", "kab-serang", "--quarter", "2021Q3", "--out", "{long}.md"],
    ["report", "--satker", "kab-serang", "--quarter", "2021Q3", "--out", "{long}.docx"],
    ["report", "--province", "Banten", "--quarter", "2021Q3", "--out", "{long}.docx"],
    ["export", "--mart", "mart_quarterly_satker", "--out", "{long}.csv"],
    ["export", "--mart", "mart_quarterly_satker", "--out", "{long}.xlsx"],
])
def test_an_output_that_cannot_be_written_is_one_line_and_leaves_nothing(home, tmp_path, capsys, command):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    # a name the file system takes (255 bytes), but not with the temporary file's dot and .tmp
    long = str(out_dir / ("laporan-" * 31)[:255 - len(command[-1].format(long=""))])
    assert main(["--home", str(home), *[part.format(long=long) for part in command]]) == 2
    err = one_line_error(capsys)
    assert "cannot write" in err and "File name too long" in err
    assert list(out_dir.iterdir()) == []


@pytest.fixture
def warehouse_held_for_writing(home):
    """Another program (an analyst's duckdb without -readonly) holds the published file for writing."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                               "sys.stdin.read()", str(config.warehouse_path(home))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    yield holder.pid
    holder.communicate("")


@pytest.mark.parametrize("command", [
    ["report", "--satker", "kab-serang", "--quarter", "2021Q3", "--format", "md"],
    ["export", "--mart", "mart_quarterly_satker", "--out", "{tmp}/q.csv"],
    ["sql", "SELECT count(*) FROM articles"],
    ["status"],
])
def test_a_warehouse_another_program_writes_is_named_with_its_pid(home, tmp_path, capsys, warehouse_held_for_writing,
                                                                   command):
    assert main(["--home", str(home), *[part.format(tmp=tmp_path) for part in command]]) == 2
    err = one_line_error(capsys)
    assert f"{config.warehouse_path(home)} is open for writing in another program (pid {warehouse_held_for_writing})" in err
    assert not (tmp_path / "q.csv").exists()


def test_a_warehouse_file_duckdb_cannot_read_is_named_and_left_as_it_was(home, tmp_path, capsys):
    published = config.warehouse_path(home)
    published.write_bytes(b"not a database")
    for command in (["report", "--satker", "kab-serang", "--quarter", "2021Q3", "--format", "md"],
                    ["export", "--mart", "mart_quarterly_satker", "--out", str(tmp_path / "q.csv")],
                    ["sql", "SELECT 1"],
                    ["review", "--satker", "kab-serang", "--quarter", "2021Q3", "--out", str(tmp_path / "r.csv")]):
        assert main(["--home", str(home), *command]) == 2, command
        assert f"cannot open {published} as a DuckDB warehouse" in one_line_error(capsys)
    assert published.read_bytes() == b"not a database"


def test_a_query_of_comments_only_is_named(home, capsys):
    # DuckDB runs nothing and returns no result: it printed "'NoneType' object has no attribute 'description'"
    for query in ("-- only a comment", ";"):
        assert main(["--home", str(home), "sql", query]) == 2
        assert f"the query {query!r} holds no statement" in one_line_error(capsys)
    assert main(["--home", str(home), "sql", "SELECT count(*) AS n FROM articles; -- the two"]) == 0
    assert capsys.readouterr().out.split()[-1] == "2"


def test_a_report_file_named_for_another_format_is_refused(home, tmp_path, capsys):
    report = ["--home", str(home), "report", "--satker", "kab-serang", "--quarter", "2021Q3"]
    assert main([*report, "--out", str(tmp_path / "laporan.pdf")]) == 2  # it wrote Markdown into the .pdf
    assert f"--out {tmp_path / 'laporan.pdf'}: report writes Word, JSON or Markdown" in one_line_error(capsys)
    assert not (tmp_path / "laporan.pdf").exists()
    # Markdown is text: a .txt or a name without a suffix still takes it, and --format is obeyed as given
    for name, argv in (("laporan.txt", []), ("laporan", []), ("laporan.pdf", ["--format", "md"])):
        assert main([*report, *argv, "--out", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith("#")


def test_a_period_past_the_last_crawl_is_said_to_be_not_crawled_yet(home, capsys):
    # an empty 2030Q1 report looked like "nothing published" when nothing had been crawled yet
    report = ["--home", str(home), "report", "--satker", "kab-serang", "--format", "json"]
    assert main([*report, "--quarter", "2021Q3"]) == 0  # crawled after the quarter: nothing to say
    out, err = capsys.readouterr()
    assert err == "" and '"crawled_until": "2021-10-05"' in out
    assert main([*report, "--quarter", "2030Q1"]) == 0
    assert capsys.readouterr().err.strip() == ("note: kab-serang was last crawled on 2021-10-05: what it published "
                                               "after that day (to 2030-03-31) is not in the report yet")
    con = connect(config.warehouse_path(home))
    con.execute("DELETE FROM satker_last_crawl")
    con.close()
    assert main([*report, "--quarter", "2021Q3"]) == 0
    assert "note: kab-serang has not been crawled yet" in capsys.readouterr().err


@pytest.mark.parametrize("row, message", [
    ("kab-serang/id:404,rapat,,", "koreksi.csv row 3: unknown article 'kab-serang/id:404': not in the warehouse"),
    ("b,,2030-01-01,", "koreksi.csv row 3: 2030-01-01 is a day still to come"),
])
def test_a_correction_file_names_the_row_of_a_key_or_date_it_cannot_take(home, tmp_path, capsys, row, message):
    sheet = tmp_path / "koreksi.csv"
    sheet.write_text(f"article_key,category,published_date,note\na,rapat,,\n{row}\n", encoding="utf-8")
    assert main(["--home", str(home), "correct", "--file", str(sheet)]) == 2
    assert message in one_line_error(capsys)
    con = connect(config.warehouse_path(home), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0  # all or none
    finally:
        con.close()
