"""`kpu-berita status`: what a home holds, read without writing anything."""
from __future__ import annotations

import json
import shutil

import pytest

from kpu_berita import config
from kpu_berita.cli import main
from kpu_berita.warehouse.stage import MERGED, stage_root


def _crawl(home, crawl_id: str, satker: list[str], *, finished: bool, merged: bool) -> None:
    folder = config.raw_dir(home) / crawl_id
    folder.mkdir(parents=True)
    (folder / "spec.json").write_text(json.dumps({"sites": [{"satker_id": s, "base_url": ""} for s in satker]}))
    if finished:
        (folder / "done.json").write_text(json.dumps({"stats": {"finish_reason": "finished"}}))
    if merged:
        (stage_root(home) / crawl_id).mkdir(parents=True)
        (stage_root(home) / crawl_id / MERGED).touch()


def test_every_crawl_state_is_told_apart_before_anything_is_built(tmp_path, capsys):
    _crawl(tmp_path, "20260101T010000Z", ["kab-serang", "kota-palu"], finished=True, merged=True)
    _crawl(tmp_path, "20260102T010000Z", ["kab-serang"], finished=True, merged=False)
    _crawl(tmp_path, "20260103T010000Z", ["kota-palu"], finished=False, merged=False)
    assert main(["--home", str(tmp_path), "status", "--crawls", "2"]) == 0
    out = capsys.readouterr().out
    assert "published warehouse: none yet" in out
    assert "crawls: 1 merged, 1 waiting for `kpu-berita build`, 1 unfinished" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("2026")]
    assert [(r[0], r[1], r[-1]) for r in rows] == [("20260103T010000Z", "unfinished", "1"),
                                                   ("20260102T010000Z", "waiting", "1")]  # newest first, 2 shown
    assert "1 older crawl(s) not shown" in out


def test_a_crawl_whose_process_lives_is_running_not_unfinished(tmp_path, capsys):
    import os
    import subprocess
    import sys

    from kpu_berita import locks

    _crawl(tmp_path, "20260101T010000Z", ["kab-serang"], finished=False, merged=False)
    _crawl(tmp_path, "20260102T010000Z", ["kota-palu"], finished=False, merged=False)
    lock = locks.take(config.raw_dir(tmp_path) / "20260102T010000Z" / "crawl.lock")  # as run_crawl holds it
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (config.raw_dir(tmp_path) / "20260101T010000Z" / "crawl.lock").write_text(f"pid {gone.stdout.strip()}")  # killed
    try:
        assert main(["--home", str(tmp_path), "status"]) == 0
    finally:
        lock.close()
    out = capsys.readouterr().out
    assert "1 unfinished (the same crawl resumes it), 1 running" in out
    assert f"running (pid {os.getpid()})" in out


def test_a_missing_home_or_an_unreadable_warehouse_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["--home", str(tmp_path / "nowhere"), "status"]) == 2
    assert f"no kpu-berita home at {tmp_path / 'nowhere'}" in capsys.readouterr().err
    config.warehouse_path(tmp_path).write_bytes(b"not a database")
    assert main(["--home", str(tmp_path), "status"]) == 2
    err = capsys.readouterr().err
    assert f"cannot open {config.warehouse_path(tmp_path)} as a DuckDB warehouse" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert config.warehouse_path(tmp_path).read_bytes() == b"not a database"  # read, never written
    # a file given as the home (`--home medsos.csv`) is not a home with nothing in it yet; every
    # command says so (crawl said "[Errno 20] Not a directory", build "nothing crawled yet")
    for argv in (["status"], ["crawl", "--satker", "kab-serang"], ["build"], ["sql", "SELECT 1"],
                 ["report", "--satker", "kab-serang", "--quarter", "2021Q3"]):
        assert main(["--home", str(config.warehouse_path(tmp_path)), *argv]) == 2, argv
        err = capsys.readouterr().err
        assert "is a file, not a kpu-berita home (a folder): give --home the folder" in err, argv
        assert len(err.strip().splitlines()) == 1, err
    assert config.warehouse_path(tmp_path).read_bytes() == b"not a database"


@pytest.mark.slow  # the demo home
def test_the_demo_homes_figures(demo_home, tmp_path, capsys):
    import duckdb

    shutil.copy(config.warehouse_path(demo_home), config.warehouse_path(tmp_path))
    con = duckdb.connect(str(config.warehouse_path(tmp_path)), read_only=True)
    try:  # other tests of this worker may have crawled its demo home again: its own figures, not constants
        articles, satker, newest, flagged = con.execute(
            "SELECT count(*), count(DISTINCT satker_id), max(published_date), count(*) FILTER (WHERE needs_review) "
            "FROM article_facts").fetchone()
        silent = con.execute("SELECT count(*) FROM mart_satker_activity WHERE silent_30d").fetchone()[0]
    finally:
        con.close()
    assert main(["--home", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert articles >= 868 and satker == 7
    assert f"{articles} articles of 7 satker, newest published {newest}; {flagged} flagged needs_review" in out
    # the mirrored sites stop at the end of 2025: the freshness check's satker, counted as the mart counts them
    assert silent > 0 and f"silent for more than 30 days by their last crawl: {silent} satker" in out


def test_output_piped_into_head_ends_quietly(tmp_path):
    """`kpu-berita status | head -1`: the reader goes after one line; before, a BrokenPipeError
    traceback followed on stderr."""
    import subprocess
    import sys

    for n in range(3000):  # ~150 KB of rows: more than a pipe's buffer (64 KiB) holds
        _crawl(tmp_path, f"2026{n:04d}T010000Z", ["kab-serang"], finished=True, merged=True)
    program = [sys.executable, "-c", "import sys; from kpu_berita.cli import main; sys.exit(main())",
               "--home", str(tmp_path), "status", "--crawls", "3000"]
    writer = subprocess.Popen(program, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert writer.stdout.readline().startswith(b"home: ")
    writer.stdout.close()  # as head does after its line
    _, err = writer.communicate(timeout=60)
    assert writer.returncode in (0, 141) and b"Traceback" not in err, err.decode()


def test_a_build_names_the_crawls_it_left_because_they_stopped_midway(tmp_path, capsys):
    # two crawls killed midway, then `build`: "0 articles (0 new, 0 updated from 0 crawl(s))", exit 0, no more
    _crawl(tmp_path, "20260103T010000Z", ["kota-palu"], finished=False, merged=False)
    _crawl(tmp_path, "20260104T010000Z", ["kab-serang"], finished=False, merged=False)
    assert main(["--home", str(tmp_path), "-q", "build"]) == 0
    err = capsys.readouterr().err
    assert ("note: 2 crawl(s) stopped before their end and are not in the warehouse (20260104T010000Z, "
            "20260103T010000Z): run the same `kpu-berita crawl` again to resume them") in err


def test_a_satker_option_status_does_not_read_is_said_to_be_left_out(tmp_path, capsys):
    # `status --satker nope` gave the whole home's status, exit 0, without a word
    assert main(["--home", str(tmp_path), "status", "--satker", "nope"]) == 0
    captured = capsys.readouterr()
    assert "note: `kpu-berita status` reads no --satker; it was left out" in captured.err
    assert "published warehouse: none yet" in captured.out


def test_an_unfinished_crawl_a_later_one_covered_is_not_waiting_to_be_resumed(tmp_path):
    """A nightly stopped on a quarter's last day: the next night's request has another refresh
    window, so nothing resumes it, yet status and every build said "the same crawl resumes it"."""
    from kpu_berita.spiders.run import DONE, SPEC
    from kpu_berita.warehouse.status import SUPERSEDED, UNFINISHED, crawl_states

    def crawl(crawl_id: str, satker: list[str], finished: bool) -> None:
        folder = tmp_path / "raw" / crawl_id
        folder.mkdir(parents=True)
        (folder / SPEC).write_text(json.dumps({"sites": [{"satker_id": s} for s in satker]}), encoding="utf-8")
        if finished:
            (folder / DONE).write_text("{}", encoding="utf-8")

    crawl("20261231T180000000000Z", ["kab-serang", "kota-serang"], finished=False)
    crawl("20261230T180000000000Z", ["kab-lebak"], finished=False)  # nobody crawled kab-lebak since
    crawl("20270101T180000000000Z", ["kab-serang", "kota-serang", "banten"], finished=True)
    states = {s.crawl_id: s.state for s in crawl_states(tmp_path / "raw", tmp_path)}
    assert states["20261231T180000000000Z"] == SUPERSEDED
    assert states["20261230T180000000000Z"] == UNFINISHED
