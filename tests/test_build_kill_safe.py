"""A build killed at any point (SIGKILL) leaves the published warehouse as it was, and the
next build completes the work: no article lost or doubled, no view snapshot counted twice.
`build --full` gives the same warehouse as the nightly merges that led to it."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

from kpu_berita.cli import main
from kpu_berita.demo_network import DEFAULT_AS_OF, DemoNetwork, build_demo_sites
from kpu_berita.warehouse.db import connect

pytestmark = pytest.mark.slow
LATER = DEFAULT_AS_OF + dt.timedelta(days=7)
FIGURES = {
    "articles": "SELECT count(*), count(DISTINCT article_key) FROM articles",
    "snapshots": "SELECT count(*), count(DISTINCT (article_key, crawl_id, source)) FROM view_snapshots",
    "crawl_views": "SELECT count(*), sum(gained) FROM article_crawl_views",
    "marts": "SELECT sum(articles), sum(views), sum(views_gained) FROM mart_period_satker_category",
    "report": "SELECT count(*), sum(views) FROM report_articles",
    "last_crawl": "SELECT string_agg(satker_id || last_crawled_at, ',' ORDER BY satker_id) FROM satker_last_crawl",
    "titles": "SELECT md5(string_agg(article_key || title || coalesce(published_date::VARCHAR, ''), ',' ORDER BY article_key)) FROM articles",
}


def figures(home) -> dict:
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        return {name: con.execute(sql).fetchall()[0] for name, sql in FIGURES.items()}
    finally:
        con.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def second_night_crawled(demo_home, tmp_path_factory):
    """The demo home plus a second night's crawl (new articles), not yet built."""
    home = tmp_path_factory.mktemp("kill") / "home"
    shutil.copytree(demo_home, home)
    sites = build_demo_sites(as_of=LATER, new_per_site=4)
    with DemoNetwork(sites, as_of=LATER) as network:
        registry = network.write_registry(home / "demo_registry.csv")
        assert main(["--home", str(home), "-q", "crawl", "--registry", str(registry), "--profile", "loopback"]) == 0
    return home, registry


@pytest.fixture(scope="module")
def second_night_built(second_night_crawled, tmp_path_factory):
    """A copy of the second night's crawl built once, uninterrupted: the reference both tests
    compare with."""
    crawled, registry = second_night_crawled
    home = tmp_path_factory.mktemp("built") / "home"
    shutil.copytree(crawled, home)
    done = subprocess.run(build_command(home, registry), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return home, figures(home)


def build_command(home, registry, *extra):
    return [sys.executable, "-m", "kpu_berita.cli", "--home", str(home), "-q", "build", "--registry", str(registry),
            *extra]


def test_killed_builds_leave_the_published_file_and_the_next_build_completes(second_night_crawled,
                                                                             second_night_built, tmp_path):
    crawled, registry = second_night_crawled
    _, reference = second_night_built

    home = tmp_path / "killed"
    shutil.copytree(crawled, home)
    published = home / "warehouse.duckdb"
    before = digest(published)
    killed = 0
    for delay in (1.0, 2.5, 4.0, 5.5, 7.0):
        proc = subprocess.Popen(build_command(home, registry), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        if proc.returncode == 0:
            break
        if digest(published) != before:  # killed after its atomic publish: the new build, whole
            assert figures(home) == reference, f"a build killed after {delay} s published half a build"
            break
    assert killed >= 1
    assert subprocess.run(build_command(home, registry), capture_output=True).returncode == 0
    assert figures(home) == reference


def test_a_full_rebuild_gives_the_same_warehouse_as_the_nightly_merges(second_night_crawled, second_night_built,
                                                                      tmp_path):
    _, registry = second_night_crawled
    built, merged = second_night_built
    home = tmp_path / "rebuilt"
    shutil.copytree(built, home)  # the nightly merges' warehouse, rebuilt in a copy
    done = subprocess.run(build_command(home, registry, "--full"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert figures(home) == merged
    # reports find an article's body by its satker's row groups: the rebuild keeps the staged
    # files' satker order (each crawl's winners satker by satker), so a satker's rows are at
    # most one run per crawl
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        runs, satker, crawls = con.execute("""
            SELECT count(*) FILTER (WHERE satker_id IS DISTINCT FROM before), count(DISTINCT satker_id),
                   (SELECT count(*) FROM crawls)
            FROM (SELECT satker_id, lag(satker_id) OVER (ORDER BY rowid) AS before FROM articles)""").fetchone()
    finally:
        con.close()
    assert satker > 1 and runs <= satker * crawls
