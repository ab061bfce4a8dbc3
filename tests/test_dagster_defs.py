"""The Definitions load, and their asset, check, job and schedule lists are what operators expect."""
from __future__ import annotations

import os
import subprocess
import sys

from kpu_berita.dagster_project.definitions import defs


def test_definitions_load_with_expected_assets_and_checks():
    repo = defs.get_repository_def()
    assets = sorted(key.to_user_string() for key in repo.asset_graph.get_all_asset_keys())
    assert assets == ["article_categories", "articles", "published_warehouse", "raw_crawl",
                      "staged_crawl_items", "view_snapshots", "warehouse"]
    checks = sorted(key.name for key in repo.asset_graph.asset_check_keys)
    assert checks == ["articles_have_dates", "categories_cover_articles", "listing_not_empty", "marts_match_articles",
                      "satker_fresh"]


def test_nightly_schedule_runs_in_jakarta_time():
    schedule = defs.get_schedule_def("nightly_schedule")
    assert schedule.execution_timezone == "Asia/Jakarta"
    assert schedule.cron_schedule == "0 1 * * *"
    assert schedule.job_name == "nightly"


def test_the_nightly_cron_comes_from_the_environment_and_a_bad_one_is_named():
    def load(cron: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "from kpu_berita.dagster_project.definitions import defs; "
                               "print(defs.get_schedule_def('nightly_schedule').cron_schedule)"],
                              env={**os.environ, "KPU_BERITA_NIGHTLY_CRON": cron}, capture_output=True, text=True)

    assert load("30 2 * * *").stdout.split() == ["30", "2", "*", "*", "*"]
    bad = load("61 * * *")
    assert bad.returncode != 0
    assert "KPU_BERITA_NIGHTLY_CRON='61 * * *' is not a cron schedule" in bad.stderr
