"""End to end: `kpu-berita demo` crawls the demo network through the Dagster assets into
DuckDB, and the report reproduces seed 000's article list (section II.B.1)."""
from __future__ import annotations

import json
import re

import docx
import pytest

from kpu_berita.cli import main
from tests.report_samples import seed_000_titles

pytestmark = pytest.mark.slow
def run_cli(*argv) -> int:
    return main([str(a) for a in argv])


def report_json(home, capsys, *extra) -> dict:
    capsys.readouterr()
    assert run_cli("--home", home, "report", "--satker", "kab-serang", "--quarter", "2021Q3", "--format", "json", *extra) == 0
    return json.loads(capsys.readouterr().out)


def test_report_lists_exactly_seed_000(demo_home, capsys):
    report = report_json(demo_home, capsys)
    expected = seed_000_titles()
    assert report["total_articles"] == 36
    assert [m["month"] for m in report["months"]] == list(expected)
    for month in report["months"]:
        assert [a["title"] for a in month["articles"]] == expected[month["month"]]
        assert all(a["published_date"].startswith(month["month"]) for a in month["articles"])
    assert report["satker_name"] == "KPU Kabupaten Serang"
    assert report["period"] == {"start": "2021-07-01", "end": "2021-09-30"}
    assert sum(c["articles"] for c in report["categories"]) == 36
    assert len({a["category"] for m in report["months"] for a in m["articles"]}) >= 4


def test_seed_002_views_reach_the_warehouse(demo_home, capsys):
    capsys.readouterr()
    assert run_cli("--home", demo_home, "sql",
                   "SELECT title, views FROM report_articles WHERE satker_id = 'kab-serang' "
                   "AND published_date BETWEEN DATE '2022-01-19' AND DATE '2022-01-31' ORDER BY views") == 0
    out = capsys.readouterr().out
    for views in (60, 78, 79, 90, 101, 301):
        assert re.search(rf"\s{views}\s*$", out, re.M), f"views {views} missing in\n{out}"


def test_markdown_and_docx_reports(demo_home, tmp_path, capsys, soffice):
    capsys.readouterr()
    assert run_cli("--home", demo_home, "report", "--satker", "kab-serang", "--quarter", "2021Q3", "--format", "md") == 0
    md = capsys.readouterr().out
    assert "telah mengunggah sebanyak 36 artikel" in md
    out = tmp_path / "serang.docx"
    assert run_cli("--home", demo_home, "report", "--satker", "kab-serang", "--quarter", "2021Q3",
                   "--format", "docx", "--out", out) == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    for titles in seed_000_titles().values():
        for title in titles:
            assert title in text
    if soffice:
        assert soffice(out, timeout=180).stat().st_size > 1000


def test_demo_twice_gives_identical_counts(demo_home, capsys):
    query = ("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_categories), "
             "(SELECT sum(articles) FROM mart_quarterly_satker), (SELECT count(DISTINCT article_key) FROM view_snapshots)")

    def counts():
        capsys.readouterr()
        assert run_cli("--home", demo_home, "sql", query) == 0
        return capsys.readouterr().out

    first_report = report_json(demo_home, capsys)
    before = counts()
    assert run_cli("--home", demo_home, "demo") == 0
    assert counts() == before
    second_report = report_json(demo_home, capsys)
    first_report.pop("generated_at"), second_report.pop("generated_at")
    assert second_report == first_report


@pytest.mark.parametrize("argv, message", [
    (["report", "--satker", "kab-nowhere", "--quarter", "2021Q3"], "unknown satker"),
    (["report", "--satker", "kab-serang", "--quarter", "2021Q5"], "2021Q5"),
    (["crawl", "--satker", "kab-nowhere"], "unknown satker"),
    (["classify", "--input", "/nonexistent.csv", "--output", "/tmp/x.csv"], "/nonexistent.csv"),
])
def test_bad_input_is_one_clear_line(demo_home, capsys, argv, message):
    capsys.readouterr()
    assert run_cli("--home", demo_home, *argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_missing_warehouse_is_named(tmp_path, capsys):
    assert run_cli("--home", tmp_path / "empty", "report", "--satker", "kab-serang", "--quarter", "2021Q3") == 2
    assert "no warehouse at" in capsys.readouterr().err


def test_correction_survives_rebuilds_and_shows_in_the_report(demo_home, capsys):
    before = report_json(demo_home, capsys)
    first = before["months"][0]["articles"][0]
    capsys.readouterr()
    assert run_cli("--home", demo_home, "sql",
                   f"SELECT article_key FROM articles WHERE title = '{first['title']}'") == 0
    key = capsys.readouterr().out.splitlines()[-1].strip()
    new_category = "audiensi" if first["category"] != "audiensi" else "rapat"
    assert run_cli("--home", demo_home, "correct", "--article", key, "--category", new_category,
                   "--date", "2021-07-03", "--note", "test") == 0
    for _ in range(2):  # the override holds on every rebuild
        assert run_cli("--home", demo_home, "build") == 0
        after = report_json(demo_home, capsys)
        moved = [a for a in after["months"][0]["articles"] if a["title"] == first["title"]]
        assert moved and moved[0]["category"] == new_category and moved[0]["published_date"] == "2021-07-03"
    assert run_cli("--home", demo_home, "correct", "--article", key, "--remove") == 0
    assert run_cli("--home", demo_home, "build") == 0
    restored = report_json(demo_home, capsys)
    restored.pop("generated_at"), before.pop("generated_at")
    assert restored == before


def test_correction_with_unknown_category_is_refused(demo_home, capsys):
    assert run_cli("--home", demo_home, "correct", "--article", "kab-serang/id:1", "--category", "rapatt") == 2
    assert "unknown category 'rapatt'" in capsys.readouterr().err


def test_bad_corrections_file_and_export_are_one_clear_line(demo_home, tmp_path, capsys):
    bad = tmp_path / "corrections.csv"
    bad.write_text("article_key,published_date\nkab-serang/id:1000,31-13-2021\n", encoding="utf-8")
    capsys.readouterr()
    assert run_cli("--home", demo_home, "correct", "--file", bad) == 2
    assert f"{bad} row 2: not a date" in capsys.readouterr().err
    assert run_cli("--home", demo_home, "export", "--mart", "articles", "--out", tmp_path / "x.csv") == 2
    assert "unknown mart 'articles'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
    assert run_cli("--home", demo_home, "export", "--mart", "mart_quarterly_satker", "--quarter", "2021Q3",
                   "--satker", "kab-serang", "--out", tmp_path / "q.csv") == 0
    rows = (tmp_path / "q.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith("2021Q3,kab-serang,") and ",36,36," in rows[1]


def test_export_filter_naming_no_satker_or_province_is_refused(demo_home, tmp_path, capsys):
    # a typo would otherwise write an empty file that reads as "no articles"
    out = tmp_path / "x.csv"
    assert run_cli("--home", demo_home, "export", "--mart", "mart_quarterly_satker", "--satker", "kab-serang",
                   "--satker", "kab-serangg", "--out", out) == 2
    assert "unknown satker 'kab-serangg': not in the warehouse" in capsys.readouterr().err
    assert run_cli("--home", demo_home, "export", "--mart", "mart_quarterly_province", "--province", "Atlantis",
                   "--out", out) == 2
    assert "unknown province 'Atlantis'" in capsys.readouterr().err
    assert not out.exists()
    assert run_cli("--home", demo_home, "export", "--mart", "mart_quarterly_province", "--province", "banten",
                   "--out", out) == 0  # provinces match in any case, as the filter does


def test_export_quarter_and_month_are_read_as_the_report_reads_them(demo_home, tmp_path, capsys):
    # "2021-q3" is a quarter to `report` and `review`; the export filtered on it as text and
    # wrote an empty file. A month that is no month wrote one too.
    out = tmp_path / "q.csv"
    assert run_cli("--home", demo_home, "export", "--mart", "mart_quarterly_satker", "--quarter", "2021-q3",
                   "--satker", "kab-serang", "--out", out) == 0
    assert ",36,36," in out.read_text(encoding="utf-8").splitlines()[1]
    for option, value, message in (("--quarter", "2021Q5", "malformed quarter '2021Q5'"),
                                   ("--month", "2021-13", "malformed month '2021-13'")):
        with pytest.raises(SystemExit) as exit_:
            main(["--home", str(demo_home), "export", "--mart", "mart_monthly_satker", option, value,
                  "--out", str(tmp_path / "m.csv")])
        assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "m.csv").exists()
    assert run_cli("--home", demo_home, "export", "--mart", "mart_monthly_satker", "--month", "2021-7",
                   "--satker", "kab-serang", "--out", out) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("2021-07,kab-serang,")


def test_output_in_a_new_folder_is_written_and_a_folder_is_refused(demo_home, tmp_path, capsys):
    # each command that writes a file: a folder that does not exist yet is made (it was a
    # traceback), and a folder given as the file is one line, exit 2, before any work
    writes = {"report": ["report", "--satker", "kab-serang", "--quarter", "2021Q3", "--format", "docx", "--out"],
              "export": ["export", "--mart", "mart_quarterly_satker", "--out"],
              "review": ["review", "--province", "Banten", "--quarter", "2021Q3", "--out"]}
    for name, args in writes.items():
        target = tmp_path / "laporan" / name / f"{name}.{'docx' if name == 'report' else 'csv'}"
        assert run_cli("--home", demo_home, *args, target) == 0, name
        assert target.stat().st_size > 0
        with pytest.raises(SystemExit) as exit_:
            main(["--home", str(demo_home), *args, str(tmp_path)])
        assert exit_.value.code == 2 and f"{tmp_path} is a folder: give a file name" in capsys.readouterr().err
    titles = tmp_path / "titles.csv"
    titles.write_text("id,title\n1,Rapat Pleno Terbuka Rekapitulasi DPB\n", encoding="utf-8")
    assert main(["classify", "--input", str(titles), "--output", str(tmp_path / "new" / "out.csv")]) == 0
    assert "Rapat Pleno" in (tmp_path / "new" / "out.csv").read_text(encoding="utf-8")


def test_satker_and_province_are_read_however_typed(demo_home, tmp_path, capsys):
    # "KAB-SERANG" or " kab-serang" was an unknown satker, " Banten " an unknown province
    as_typed = report_json(demo_home, capsys)
    capsys.readouterr()
    assert run_cli("--home", demo_home, "report", "--satker", " KAB-Serang ", "--quarter", "2021Q3", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["total_articles"] == as_typed["total_articles"] == 36
    assert run_cli("--home", demo_home, "report", "--province", " banten ", "--quarter", "2021Q3", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["province"] == "Banten"
    assert run_cli("--home", demo_home, "export", "--mart", "mart_quarterly_satker", "--satker", "KAB-SERANG",
                   "--quarter", "2021Q3", "--out", tmp_path / "q.csv") == 0
    assert ",36,36," in (tmp_path / "q.csv").read_text(encoding="utf-8").splitlines()[1]


def test_the_out_name_chooses_the_format_and_a_contradiction_is_refused(demo_home, tmp_path, capsys):
    # `--out laporan.docx` without --format wrote Markdown into a file Word can't open
    out = tmp_path / "laporan.docx"
    assert run_cli("--home", demo_home, "report", "--satker", "kab-serang", "--quarter", "2021Q3", "--out", out) == 0
    assert "telah mengunggah sebanyak 36 artikel" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert run_cli("--home", demo_home, "report", "--satker", "kab-serang", "--quarter", "2021Q3",
                   "--out", tmp_path / "r.json") == 0
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["total_articles"] == 36
    capsys.readouterr()
    for extra, message in ((["--format", "json", "--out", tmp_path / "x.docx"], "--format json writes json, but --out"),
                           (["--full", "--out", tmp_path / "x.json"], "--template and --full write docx"),
                           (["--full", "--format", "md"], "leave out --format md")):
        assert run_cli("--home", demo_home, "report", "--satker", "kab-serang", "--quarter", "2021Q3", *extra) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.json").exists()


def published_count(home, table: str) -> int:
    import duckdb

    from kpu_berita import config

    con = duckdb.connect(str(config.warehouse_path(home)), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_a_later_build_on_the_demo_home_keeps_its_satker(demo_home, tmp_path, monkeypatch, capsys):
    # `correct && build`, as the README says, replaced the demo's 7 satker with the shipped 552:
    # the demo home now remembers its registry (HOME/registry.csv)
    import shutil

    from kpu_berita import config

    monkeypatch.delenv(config.REGISTRY_ENV, raising=False)
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    assert config.default_registry(home) == str(home / "registry.csv")
    assert run_cli("--home", home, "-q", "build") == 0
    assert published_count(home, "satker") == 7


def test_a_home_whose_path_has_an_apostrophe_builds(demo_home, tmp_path):
    # paths went into SQL string literals unquoted: "Parser Error: unterminated string literal"
    import shutil

    home = tmp_path / "kpu's home"
    home.mkdir()
    shutil.copytree(demo_home / "raw", home / "raw")
    shutil.copy(demo_home / "registry.csv", home / "registry.csv")
    assert run_cli("--home", home, "-q", "build") == 0
    assert published_count(home, "articles") == 868


def test_the_crawl_counts_every_view_snapshot_the_warehouse_stores(demo_home):
    # the crawl table counted listing views only: kota-palu, whose listing shows none, said 0
    import duckdb

    from kpu_berita import config
    from kpu_berita.spiders.raw_store import crawl_counts

    con = duckdb.connect(str(config.warehouse_path(demo_home)), read_only=True)
    try:
        stored = con.execute("SELECT crawl_id, satker_id, count(*) FROM view_snapshots GROUP BY ALL").fetchall()
    finally:
        con.close()
    crawls = {crawl_id for crawl_id, _, _ in stored}
    assert len(crawls) >= 2  # the demo's crawl, in a shard per CPU (at most 2); other tests may crawl again
    counted = {(crawl_id, satker_id): c.view_snapshots
               for crawl_id in crawls for satker_id, c in crawl_counts(demo_home / "raw" / crawl_id).items()
               if c.view_snapshots}
    assert counted == {(crawl_id, satker_id): n for crawl_id, satker_id, n in stored}
    assert any(satker_id == "kota-palu" for _, satker_id in counted)
