"""The nightly as Dagster runs it: `dagster job execute` with the default multiprocess
executor and a DAGSTER_HOME of its own, configured from the environment, on two nights
of the demo network. The second night's sites have new articles, a title corrected on
the site and an old article pinned on top of page 1."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kpu_berita.demo_network import DEFAULT_AS_OF, DemoNetwork, build_demo_sites
from kpu_berita.demo_network.content import edit_site
from kpu_berita.warehouse.db import connect

pytestmark = pytest.mark.slow
SATKER = ("kab-serang", "kota-palu")
NEW_PER_SITE = 3
SECOND_NIGHT = DEFAULT_AS_OF + dt.timedelta(days=7)
CORRECTED_TITLE = "Rapat Pleno Terbuka Rekapitulasi DPB (judul diperbaiki)"


def second_night_sites():
    sites = {s.satker_id: s for s in build_demo_sites(as_of=SECOND_NIGHT, new_per_site=NEW_PER_SITE)
             if s.satker_id in SATKER}
    serang = sites["kab-serang"]
    retitled = next(a for a in serang.articles if a.published < DEFAULT_AS_OF - dt.timedelta(days=20))
    palu = sites["kota-palu"]
    pinned = next(a for a in palu.articles if a.published.year == 2021)
    sites["kab-serang"] = edit_site(serang, retitle={retitled.article_id: CORRECTED_TITLE})
    sites["kota-palu"] = edit_site(palu, pin=pinned.article_id)
    return list(sites.values()), retitled, pinned


def dagster_nightly(tmp: Path, sites, crawl_date: dt.date) -> tuple[subprocess.CompletedProcess, list]:
    with DemoNetwork(sites, as_of=crawl_date - dt.timedelta(days=1)) as network:
        registry = network.write_registry(tmp / "registry.csv")
        run_config = tmp / "run_config.yaml"
        # loopback delays through settings (the resource's profile), never another code path
        run_config.write_text(yaml.safe_dump({"resources": {"kpu": {"config": {
            "profile": "loopback", "crawl_date": crawl_date.isoformat(), "crawl_processes": 2}}}}))
        env = {**os.environ, "DAGSTER_HOME": str(tmp / "dagster_home"), "KPU_BERITA_HOME": str(tmp / "home"),
               "KPU_BERITA_REGISTRY": str(registry)}
        (tmp / "dagster_home").mkdir(exist_ok=True)
        done = subprocess.run([str(Path(sys.executable).with_name("dagster")), "job", "execute",
                               "-m", "kpu_berita.dagster_project.definitions", "-j", "nightly", "-c", str(run_config)],
                              env=env, capture_output=True, text=True, timeout=600)
        return done, list(network.request_log)


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dagster-nightly")
    first_sites = [s for s in build_demo_sites(as_of=DEFAULT_AS_OF) if s.satker_id in SATKER]
    first, first_log = dagster_nightly(tmp, first_sites, DEFAULT_AS_OF + dt.timedelta(days=1))
    sites, retitled, pinned = second_night_sites()
    second, second_log = dagster_nightly(tmp, sites, SECOND_NIGHT + dt.timedelta(days=1))
    return tmp / "home", (first, first_log), (second, second_log), sites, retitled, pinned


def article_paths(log) -> list[str]:
    return [path for _, _, path, _ in log if "/blog/read/" in path or "/berita/baca/" in path]


def query(home: Path, sql: str, params=None):
    con = connect(home / "warehouse.duckdb", read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_both_nights_run_green_under_the_multiprocess_executor_without_lock_errors(two_nights):
    _, (first, _), (second, _), *_ = two_nights
    for run in (first, second):
        output = run.stdout + run.stderr
        assert run.returncode == 0, output[-3000:]
        assert "RUN_SUCCESS" in output and "Could not set lock" not in output
        assert "multiprocess" in output.lower()  # Dagster's default executor, steps in their own processes


def test_first_night_on_an_empty_home_is_the_full_crawl(two_nights):
    home, (_, first_log), _, _, _, _ = two_nights
    first_sites = [s for s in build_demo_sites(as_of=DEFAULT_AS_OF) if s.satker_id in SATKER]
    fetched = article_paths(first_log)
    assert len(fetched) == len(set(fetched)) == sum(len(s.articles) for s in first_sites)


def test_second_night_fetches_only_new_and_retitled_pages(two_nights):
    _, _, (_, second_log), sites, retitled, pinned = two_nights
    new = {a.path for s in sites for a in s.articles if a.published > DEFAULT_AS_OF}
    assert len(new) >= NEW_PER_SITE * len(SATKER)
    assert sorted(article_paths(second_log)) == sorted(new | {retitled.path})
    assert pinned.path not in article_paths(second_log)


def test_warehouse_holds_each_article_once_with_the_sites_current_title(two_nights):
    home, _, _, sites, retitled, _ = two_nights
    assert query(home, "SELECT count(*), count(DISTINCT article_key) FROM articles")[0] == \
        (sum(len(s.articles) for s in sites),) * 2
    key = f"kab-serang/id:{retitled.article_id}"
    assert query(home, "SELECT title FROM articles WHERE article_key = ?", [key]) == [(CORRECTED_TITLE,)]
    assert query(home, "SELECT title FROM report_articles WHERE article_key = ?", [key]) == [(CORRECTED_TITLE,)]
    assert query(home, "SELECT count(*) FROM report_articles WHERE title = ?", [retitled.title]) == [(0,)]


def test_pinned_old_article_keeps_its_date_and_dates_no_neighbour(two_nights):
    home, _, _, sites, _, pinned = two_nights
    rows = query(home, "SELECT published_date FROM articles WHERE url LIKE ?", [f"%{pinned.path}"])
    assert rows == [(pinned.published,)]
    new_dates = query(home, "SELECT min(published_date) FROM articles WHERE published_date > ?", [DEFAULT_AS_OF])
    assert new_dates[0][0] is not None and new_dates[0][0] > DEFAULT_AS_OF
    published = {a.path: a.published for s in sites for a in s.articles}
    stored = dict(query(home, "SELECT url, published_date FROM articles"))
    wrong = [u for u, d in stored.items() if any(u.endswith(p) for p in [u[u.index('/', 8):]]) and
             published.get(u[u.index('/', 8):]) not in (None, d)]
    assert not wrong, wrong[:5]


def test_marts_match_articles_after_the_second_night(two_nights):
    home, *_ = two_nights
    mart, dated = query(home, """SELECT (SELECT sum(articles) FROM mart_quarterly_satker),
                                        (SELECT count(*) FROM articles WHERE published_date IS NOT NULL)""")[0]
    assert mart == dated
    assert query(home, "SELECT count(*) FROM view_snapshots")[0][0] == \
        query(home, "SELECT count(*) FROM (SELECT DISTINCT article_key, crawl_id, source FROM view_snapshots)")[0][0]
