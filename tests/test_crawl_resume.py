"""kill -9 at random points, resume, and end with exactly the articles of an uninterrupted crawl."""
from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from kpu_berita.demo_network import DemoNetwork, build_demo_sites

pytestmark = pytest.mark.slow
SATKER = ("kab-serang", "kota-palu")
CRAWL = """
import json, sys
from kpu_berita.spiders.run import run_crawl
sites = json.loads(sys.argv[2])
result = run_crawl(sys.argv[1], sites, profile="loopback", crawl_date="2026-01-05")
sys.exit(0 if result.finished else 3)
"""


def article_keys(home) -> list[str]:
    """Article keys of every article page stored in any crawl of `home` (with repeats)."""
    keys = []
    for crawl_dir in sorted((home / "raw").iterdir()):
        for name in ("items.jsonl.gz", "items.jsonl"):
            path = crawl_dir / name
            if not path.exists():
                continue
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                for line in f:
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue  # the line a kill tore
                    if item["kind"] == "article":
                        keys.append(item["article_key"])
    return keys


def crawl(home, sites, kill_after: float | None = None) -> int | None:
    proc = subprocess.Popen([sys.executable, "-c", CRAWL, str(home), json.dumps(sites)], start_new_session=True)
    if kill_after is None:
        return proc.wait(timeout=300)
    try:
        return proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and the Scrapy child, no clean-up
        proc.wait()
        return None


@pytest.fixture(scope="module")
def network():
    sites = [s for s in build_demo_sites() if s.satker_id in SATKER]
    with DemoNetwork(sites, latency_s=0.01) as net:
        yield [{"satker_id": s.satker_id, "base_url": net.base_url(s.satker_id)} for s in sites]


def test_kill_9_and_resume_loses_and_duplicates_nothing(network, tmp_path):
    reference = tmp_path / "uninterrupted"
    assert crawl(reference, network) == 0
    expected = article_keys(reference)
    assert len(expected) == len(set(expected)) > 100

    interrupted = tmp_path / "interrupted"
    rng = random.Random(7)
    kills = 0
    for _ in range(12):
        returncode = crawl(interrupted, network, kill_after=rng.uniform(1.0, 3.5))
        if returncode == 0:
            break
        kills += 1
    else:
        assert crawl(interrupted, network) == 0
    assert kills >= 2, "the crawl finished before it could be killed: slow the network down"
    got = article_keys(interrupted)
    assert set(got) == set(expected)
    assert len(got) == len(set(got))  # a page is fetched again only if its line was torn (and skipped)
    crawls = [d for d in (interrupted / "raw").iterdir() if (d / "spec.json").exists()]
    assert len(crawls) == 1  # resumed, not restarted
    # the run's table counts the whole crawl's pages, not only its last process's (it showed those)
    from kpu_berita.spiders.raw_store import crawl_counts

    counts = crawl_counts(crawls[0])
    assert set().union(*(c.fetched for c in counts.values())) == set(expected) and set(counts) == set(SATKER)
    (uninterrupted,) = (reference / "raw").iterdir()  # and its view snapshots, as the table shows them
    assert {s: c.view_snapshots for s, c in counts.items()} == \
        {s: c.view_snapshots for s, c in crawl_counts(uninterrupted).items()}


def _started(home, timeout: float = 60.0):
    """The crawl folder, once its Scrapy process has begun storing items."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        folders = [d for d in (home / "raw").glob("*") if (d / "items.jsonl").exists()] if (home / "raw").exists() else []
        if folders:
            return folders[0]
        time.sleep(0.1)
    raise AssertionError("the crawl did not start")


def _scrapy_children(crawl_dir) -> list[int]:
    pids = []
    for proc in os.listdir("/proc"):
        if proc.isdigit():
            try:
                cmdline = open(f"/proc/{proc}/cmdline", "rb").read().split(b"\0")
            except OSError:
                continue
            if b"kpu_berita.spiders.run" in cmdline and str(crawl_dir).encode() in cmdline:
                pids.append(int(proc))
    return pids


def test_a_second_run_of_a_running_crawl_is_refused(network, tmp_path):
    # it resumed the live folder: two spiders appended to one items file and crawled every
    # host twice at once (1,000 article records for 868 articles)
    from kpu_berita.spiders.run import CrawlBusy, run_crawl

    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-c", CRAWL, str(home), json.dumps(network)], start_new_session=True)
    try:
        crawl_dir = _started(home)
        # the running crawl holds its satker (and its folder): refused before a folder is made
        with pytest.raises(CrawlBusy, match="another crawl is fetching"):
            run_crawl(home, network, profile="loopback", crawl_date="2026-01-05")
    finally:
        assert proc.wait(timeout=300) == 0
    keys = article_keys(home)
    assert len(keys) == len(set(keys)) > 100 and [d.name for d in (home / "raw").glob("2*")] == [crawl_dir.name]


def test_a_killed_parent_stops_its_scrapy_child_and_the_next_run_resumes(network, tmp_path):
    # `kill PID` of the CLI or a Dagster step left the Scrapy child crawling as an orphan
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-c", CRAWL, str(home), json.dumps(network)], start_new_session=True)
    crawl_dir = _started(home)
    assert _scrapy_children(crawl_dir)
    proc.kill()  # the parent only
    proc.wait()
    deadline = time.monotonic() + 30
    while _scrapy_children(crawl_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _scrapy_children(crawl_dir) == []
    assert not (crawl_dir / "done.json").exists()  # stopped before its end: open for the next run
    assert crawl(home, network) == 0
    keys = article_keys(home)
    assert len(keys) == len(set(keys)) > 100


def _started_all(home, count: int, timeout: float = 60.0) -> list:
    """The crawl folders, once `count` Scrapy processes have begun storing items."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        folders = sorted(d for d in (home / "raw").glob("*") if (d / "items.jsonl").exists()) if (home / "raw").exists() else []
        if len(folders) >= count:
            return folders
        time.sleep(0.1)
    raise AssertionError(f"{count} crawls did not start")


def test_the_cli_crawls_its_shards_side_by_side_stops_them_on_sigterm_and_resumes_both(network, tmp_path):
    # `crawl --processes 2` ran its shards one after another (the in-process executor runs
    # one step at a time), and SIGTERM printed "error: ...DagsterExecutionInterruptedError", exit 2
    home, registry = tmp_path / "home", tmp_path / "registry.csv"
    provinces = {"kab-serang": "Banten", "kota-palu": "Sulawesi Tengah"}  # one shard each
    registry.write_text("satker_id,name,level,province,kode_wilayah,base_url\n" + "".join(
        f"{s['satker_id']},KPU {s['satker_id']},kabupaten,{provinces[s['satker_id']]},36.{n:02d},{s['base_url']}\n"
        for n, s in enumerate(network, start=1)), encoding="utf-8")
    command = [sys.executable, "-m", "kpu_berita.cli", "--home", str(home), "-q", "crawl",
               "--registry", str(registry), "--profile", "loopback", "--processes", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    folders = _started_all(home, 2)  # both shards crawling at once
    proc.terminate()
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err and "run the same command again" in err
    assert "Traceback" not in err and "Dagster" not in err
    assert not any(_scrapy_children(f) for f in folders)  # both stopped before the CLI went
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "(resumed)" in again.stdout, again.stderr
    runs = [json.loads((f / "done.json").read_text(encoding="utf-8"))["stats"] for f in folders]
    assert runs[0]["start_time"] < runs[1]["finish_time"] and runs[1]["start_time"] < runs[0]["finish_time"]
    keys = article_keys(home)
    assert len(keys) == len(set(keys)) > 100
    assert {k.split("/")[0] for k in keys} == set(provinces)


def test_a_shard_asked_to_stop_before_its_crawl_began_starts_nothing(tmp_path):
    # a step interrupted while one shard's thread was still reading the warehouse must not
    # start that shard's crawl afterwards (the step would wait for it to the end)
    import threading

    from kpu_berita.spiders.run import CrawlStopped, run_crawl

    stop = threading.Event()
    stop.set()
    with pytest.raises(CrawlStopped):
        run_crawl(tmp_path, [{"satker_id": "kab-x", "base_url": "http://127.0.0.1:9"}], profile="loopback", stop=stop)
    assert not (tmp_path / "raw").exists()


HOLD_SATKER = """
import sys, time
from pathlib import Path
from kpu_berita import locks
assert locks.take_keys(Path(sys.argv[1]) / "work" / "crawling.locks", sys.argv[2].split(",")) == []
print("held", flush=True)
time.sleep(60)
"""


def test_a_crawl_of_a_satker_another_crawl_is_fetching_is_refused(tmp_path):
    """A province re-crawled while the nightly runs: another request, the same hosts. Two
    Scrapy processes on one site would double its requests (the per-host spacing is per process)."""
    from kpu_berita.spiders.run import CrawlBusy, run_crawl

    home = tmp_path / "home"
    sites = [{"satker_id": s, "base_url": f"http://127.0.0.{n}:9"} for n, s in enumerate(("kab-serang", "kota-serang"), 5)]
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SATKER, str(home), "kab-serang,bali"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CrawlBusy, match=r"^another crawl is fetching kab-serang \(1 of the 2 satker asked for"):
            run_crawl(home, sites, profile="loopback", crawl_date="2026-01-05")
        assert not list((home / "raw").glob("2*"))  # nothing to resume later
        # what the refusal took (kota-serang) it gave back; the holder's are still held
        assert _held_elsewhere(home, "kota-serang,kab-serang") == ["kab-serang"]
    finally:
        holder.kill()
        holder.wait()
    assert _held_elsewhere(home, "kab-serang,kota-serang") == []  # the holder gone (killed), its satker are free


def _held_elsewhere(home, satker: str) -> list[str]:
    """The satker another process (a fresh one: POSIX locks never conflict within one) finds held."""
    probe = ("import sys; from pathlib import Path; from kpu_berita import locks; "
             "print(','.join(locks.take_keys(Path(sys.argv[1]) / 'work' / 'crawling.locks', sys.argv[2].split(','))))")
    out = subprocess.run([sys.executable, "-c", probe, str(home), satker], capture_output=True, text=True, check=True)
    return [s for s in out.stdout.strip().split(",") if s]


def _registry(path, sites: list[dict]):
    provinces = {"kab-serang": "Banten", "kota-palu": "Sulawesi Tengah"}
    path.write_text("satker_id,name,level,province,kode_wilayah,base_url\n" + "".join(
        f"{s['satker_id']},KPU {s['satker_id']},kabupaten,{provinces[s['satker_id']]},00.00,{s['base_url']}\n"
        for s in sites), encoding="utf-8")
    return path


def test_a_run_of_shards_is_refused_before_any_starts_when_a_satker_is_busy(tmp_path):
    # each shard refused only for itself, after the free shard had crawled to its end: hours on a
    # national home, and then exit 2 with its table never printed
    from kpu_berita import runner
    from kpu_berita.dagster_project.resources import KpuBerita

    home = tmp_path / "home"
    sites = [{"satker_id": s, "base_url": f"http://127.0.0.{n}:9"} for n, s in enumerate(SATKER, 5)]
    kpu = KpuBerita(home=str(home), registry=str(_registry(tmp_path / "registry.csv", sites)), profile="loopback",
                    crawl_processes=2)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SATKER, str(home), "kota-palu"], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(runner.RunFailed, match=r"another crawl is fetching kota-palu \(1 of the 2 satker"):
            runner.materialize(kpu, runner.CRAWL)
    finally:
        holder.kill()
        holder.wait()
    assert not list((home / "raw").glob("2*"))  # neither shard began
    assert _held_elsewhere(home, "kab-serang,kota-palu") == []  # the check gave back what it probed


def test_a_finished_crawl_no_build_published_is_known_to_the_next_crawl(network, tmp_path):
    # the build after a crawl failed (killed, a blocking check, `crawl && build` stopped): the
    # next crawl only knew the published warehouse, so it crawled every article again
    from kpu_berita import runner
    from kpu_berita.dagster_project.resources import KpuBerita
    from kpu_berita.warehouse.db import connect

    home = tmp_path / "home"
    kpu = KpuBerita(home=str(home), registry=str(_registry(tmp_path / "registry.csv", network)), profile="loopback",
                    crawl_date="2026-01-05")
    first = runner.metadata_of(runner.materialize(kpu, runner.CRAWL), "raw_crawl")
    second = runner.metadata_of(runner.materialize(kpu, runner.CRAWL), "raw_crawl")
    assert first["fetched"] == first["new_articles"] > 100 and not first["incremental"]
    assert second["incremental"] and second["fetched"] == second["new_articles"] == 0
    assert second["requests"] < first["requests"] / 5  # listing pages of the refresh window and robots.txt
    runner.materialize(kpu, runner.DOWNSTREAM_OF_CRAWL)  # the build merges both
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT article_key) FROM articles").fetchone() == \
            (first["fetched"], first["fetched"])
    finally:
        con.close()
