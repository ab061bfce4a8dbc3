"""Bad input to crawl and build is one line naming it, exit 2, and nothing stored is touched."""
from __future__ import annotations

import os

import pytest

from kpu_berita.cli import main
from kpu_berita.warehouse.merge import writer_lock


def test_unknown_province_is_named(tmp_path, capsys):
    assert main(["--home", str(tmp_path), "crawl", "--province", "Atlantis"]) == 2
    assert "unknown province 'Atlantis'" in capsys.readouterr().err
    assert not (tmp_path / "raw").exists()


def test_unknown_satker_is_named(tmp_path, capsys):
    assert main(["--home", str(tmp_path), "crawl", "--satker", "kab-nowhere"]) == 2
    assert "unknown satker 'kab-nowhere'" in capsys.readouterr().err


def test_registry_without_a_column_is_named(tmp_path, capsys):
    registry = tmp_path / "registry.csv"
    registry.write_text("satker_id,name,base_url\nkab-x,KPU X,http://127.0.0.1:1\n", encoding="utf-8")
    assert main(["--home", str(tmp_path), "crawl", "--registry", str(registry)]) == 2
    err = capsys.readouterr().err
    assert f"registry {registry} lacks columns" in err and "province" in err


def test_a_home_another_build_is_writing_is_refused(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    with writer_lock(tmp_path):  # another build holds the home
        assert main(["--home", str(tmp_path), "-q", "build"]) == 2
    err = capsys.readouterr().err
    assert "another build is writing" in err and str(tmp_path) in err
    assert f"(pid {os.getpid()})" in err  # which process holds it
    assert (tmp_path / "work" / "build.lock").read_text() == ""  # released: it names no holder that has gone
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_rebuild_does_not_clear_the_staged_files_under_another_builds_step(tmp_path, capsys):
    from kpu_berita.warehouse import stage

    staged = stage.stage_root(tmp_path) / "20260101T000000Z" / "pages.parquet"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"PAR1")
    (tmp_path / "raw").mkdir()
    with stage.in_use(tmp_path):  # a nightly's derive step is reading them
        assert main(["--home", str(tmp_path), "-q", "build", "--full"]) == 2
    assert "another build is using the staged files" in capsys.readouterr().err
    assert staged.read_bytes() == b"PAR1"
    # once that step is done, the rebuild may clear them (nothing is crawled here: it builds nothing)
    assert main(["--home", str(tmp_path), "-q", "build", "--full"]) == 0
    assert not staged.exists()


def test_processes_must_be_a_positive_number(tmp_path, capsys):
    try:
        main(["--home", str(tmp_path), "crawl", "--processes", "0"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "not a positive whole number" in capsys.readouterr().err


def test_bench_without_the_dev_dependencies_says_how_to_install_them(tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if the dev extra were not installed
    assert main(["--home", str(tmp_path), "bench", "--only", "pipeline", "--out", str(tmp_path / "b.json")]) == 2
    err = capsys.readouterr().err
    assert "trafilatura" in err and "pip install -e '.[dev]'" in err
    assert not (tmp_path / "b.json").exists()


def test_an_empty_query_is_named(tmp_path, capsys):
    # it printed DuckDB's "'NoneType' object has no attribute 'description'"
    assert main(["--home", str(tmp_path), "sql", "  "]) == 2
    assert "the query is empty" in capsys.readouterr().err


def test_an_output_folder_that_cannot_be_written_is_named_before_any_work(tmp_path, capsys, monkeypatch):
    # a read-only file system: access() says no even to root, which chmod can't show here.
    # `bench` measured for minutes, then died with a traceback at the write.
    import os

    real_access = os.access
    read_only = tmp_path / "ro"
    read_only.mkdir()
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path) == str(read_only) else real_access(path, mode))
    try:
        main(["--home", str(tmp_path), "bench", "--only", "pipeline", "--out", str(read_only / "b.json")])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("bench ran with an unwritable --out")
    assert f"cannot write in the folder {read_only}: not writable" in capsys.readouterr().err


def test_a_failed_blocking_check_is_named_with_its_symptom(demo_home, tmp_path, capsys):
    # the build said only "error: warehouse: categories_cover_articles,marts_match_articles"
    # under Dagster's stack trace; the symptom (which articles) was never shown
    import shutil

    import duckdb

    from kpu_berita import config

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    published = config.warehouse_path(home).read_bytes()
    con = duckdb.connect(str(config.working_warehouse_path(home)))
    con.execute("INSERT INTO article_categories SELECT * FROM article_categories LIMIT 1")
    con.close()
    capsys.readouterr()
    assert main(["--home", str(home), "-q", "build"]) == 2
    err = capsys.readouterr().err
    assert "CHECK FAILED categories_cover_articles: " in err and "articles_categorised_twice=1" in err
    assert "Traceback" not in err and "dagster" not in err.lower()
    assert "the published warehouse was left as it was" in err and not err.rstrip().endswith(":")
    assert config.warehouse_path(home).read_bytes() == published  # analysts keep yesterday's


def test_a_registry_without_a_crawled_satker_is_named_before_anything_is_merged(demo_home, tmp_path, capsys):
    # a first build with a registry other than the crawl's left the satker's articles out of
    # every report, and said only "CHECK FAILED marts_match_articles: mart_articles=774 ..."
    import shutil

    from kpu_berita import config

    home = tmp_path / "home"
    shutil.copytree(demo_home / "raw", home / "raw")
    crawled_with = (demo_home / "registry.csv").read_text(encoding="utf-8").splitlines()
    partial = tmp_path / "partial.csv"
    partial.write_text("\n".join(line for line in crawled_with if not line.startswith("kota-serang,")) + "\n",
                       encoding="utf-8")
    capsys.readouterr()
    assert main(["--home", str(home), "-q", "build", "--registry", str(partial)]) == 2
    err = capsys.readouterr().err
    assert f"the crawls fetched 1 satker that {partial} does not list (kota-serang)" in err
    assert "CHECK FAILED" not in err and not config.warehouse_path(home).exists()
    assert main(["--home", str(home), "-q", "build", "--registry", str(demo_home / "registry.csv")]) == 0


def test_a_build_with_another_registry_than_the_crawls_is_refused(demo_home, tmp_path, capsys, monkeypatch):
    # `build` without the --registry the crawl had: the shipped 552 list the same ids, so the
    # satker table quietly took their real-site addresses for the loopback crawl's
    import shutil

    from kpu_berita import config

    monkeypatch.delenv("KPU_BERITA_REGISTRY", raising=False)
    home = tmp_path / "home"
    shutil.copytree(demo_home / "raw", home / "raw")  # no registry.csv of its own: the shipped one
    capsys.readouterr()
    assert main(["--home", str(home), "-q", "build"]) == 2
    err = capsys.readouterr().err
    assert "the crawls fetched 7 satker from other addresses than the shipped registry gives" in err
    assert "http://127." in err and ".kpu.go.id" in err and "nothing was merged" in err
    assert not config.warehouse_path(home).exists()
    assert main(["--home", str(home), "-q", "build", "--registry", str(demo_home / "registry.csv")]) == 0


def test_only_each_satkers_newest_crawl_is_held_against_the_registry(tmp_path):
    # a site that moved was crawled at its old address before: a full rebuild reads those crawls too
    import json

    from kpu_berita.warehouse.merge import satker_elsewhere

    def crawl(crawl_id: str, sites: dict) -> object:
        folder = tmp_path / crawl_id
        folder.mkdir()
        (folder / "spec.json").write_text(json.dumps({"sites": [{"satker_id": s, "base_url": u}
                                                                for s, u in sites.items()]}))
        return folder

    newer = crawl("20260201T000000Z", {"kab-a": "https://kab-a.kpu.go.id/", "kab-b": "http://127.0.0.9:80"})
    older = crawl("20260101T000000Z", {"kab-a": "https://old.kab-a.go.id", "kab-b": "http://127.0.0.9:80"})
    unaddressed = crawl("20260301T000000Z", {"kab-c": ""})  # a spec a generator wrote: nothing to compare
    registry = [{"satker_id": "kab-a", "base_url": "https://KAB-A.kpu.go.id"},
                {"satker_id": "kab-b", "base_url": "https://kab-b.kpu.go.id"},
                {"satker_id": "kab-c", "base_url": "https://kab-c.kpu.go.id"}]
    assert satker_elsewhere([newer, older, unaddressed], registry) == [
        ("kab-b", "http://127.0.0.9:80", "https://kab-b.kpu.go.id")]


def test_after_a_build_stopped_between_merge_and_marks_status_and_build_count_right(demo_home, tmp_path, capsys):
    # a build killed after the writer committed but before it marked the crawls merged (or a
    # full rebuild stopped after clearing the marks): status said "waiting for build", and the
    # next build counted the crawls as merged again ("868 articles (577 new ...) from 2 crawl(s)")
    import shutil

    from kpu_berita.warehouse.stage import stage_root

    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    crawls = sorted(p.name for p in (home / "raw").iterdir())
    shutil.rmtree(stage_root(home))
    capsys.readouterr()
    assert main(["--home", str(home), "status"]) == 0
    assert f"crawls: {len(crawls)} merged, 0 waiting" in capsys.readouterr().out
    assert main(["--home", str(home), "-q", "build"]) == 0
    out = capsys.readouterr().out
    assert f"(0 new, 0 updated from 0 crawl(s); {len(crawls)} more a stopped build had merged)" in out


@pytest.mark.parametrize("argv, named", [
    (["correct", "--article", "k", "--date", "2021-02-30"], "argument --date: not a date (YYYY-MM-DD): '2021-02-30'"),
    # the article would leave every report, and a satker gone silent would look fresh (as --file refuses it)
    (["correct", "--article", "k", "--date", "2030-01-01"], "argument --date: '2030-01-01' is a day still to come"),
    (["export", "--mart", "m", "--quarter", "2021Q5", "--out", "x.csv"], "argument --quarter: malformed quarter '2021Q5'"),
    (["demo", "--as-of", "2026-13-01"], "argument --as-of: not a date (YYYY-MM-DD): '2026-13-01'"),
    (["status", "--crawls", "0"], "argument --crawls: not a positive whole number: '0'"),
    # every listing walk would stop at its first page: a crawl of next to nothing, exit 0
    (["crawl", "--since", "2099-01-01"], "argument --since: '2099-01-01' is in the future"),
    (["export", "--out", "x.csv"], "the following arguments are required: --mart"),
])
def test_an_option_argparse_refuses_is_one_line(tmp_path, capsys, argv, named):
    # argparse printed its usage block above the line naming the problem (and, for --as-of,
    # Python's "invalid fromisoformat value")
    with pytest.raises(SystemExit) as stopped:
        main(["--home", str(tmp_path), *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and named in err and "usage:" not in err, err


@pytest.mark.parametrize("content, code, message", [
    ("", 2, "the file is empty (no header row)"),
    ("title\n", 2, "missing column(s) article_key"),  # both were "no correction in ...", exit 0
    ("title,category\nRapat Pleno,rapat\n", 2, "missing column(s) article_key"),
    ("article_key,category,published_date,note\n", 0, "no correction in"),  # a sheet nobody has filled yet
])
def test_a_corrections_file_without_its_key_column_is_named(tmp_path, capsys, content, code, message):
    sheet = tmp_path / "corrections.csv"
    sheet.write_text(content, encoding="utf-8")
    assert main(["--home", str(tmp_path), "correct", "--file", str(sheet)]) == code
    err = capsys.readouterr().err
    assert message in err and str(sheet) in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "warehouse.duckdb").exists() and not (tmp_path / "work").exists()
