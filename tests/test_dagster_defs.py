"""The Definitions load, and their asset, check, job and schedule lists are what operators
expect; the schedule skips a tick while a nightly is unfinished, unless that run is dead."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import dagster as dg

from kpu_berita.dagster_project.definitions import defs
from kpu_berita.dagster_project.schedules import PRESUMED_DEAD_AFTER, nightly_request


def test_definitions_load_with_expected_assets_and_checks():
    repo = defs.get_repository_def()
    assets = sorted(key.to_user_string() for key in repo.asset_graph.get_all_asset_keys())
    assert assets == ["article_categories", "articles", "published_warehouse", "raw_crawl",
                      "staged_crawl_items", "view_snapshots", "warehouse"]
    checks = sorted(key.name for key in repo.asset_graph.asset_check_keys)
    assert checks == ["articles_have_dates", "categories_cover_articles", "listing_not_empty", "marts_match_articles",
                      "satker_fresh", "sites_answered"]


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


def test_a_tick_while_a_nightly_is_unfinished_is_skipped(tmp_path):
    """The first crawl of a national home takes hours: the next tick must not start a second
    crawl of the same sites beside it, and the night after it ends runs as usual."""
    schedule = defs.get_schedule_def("nightly_schedule")
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        def tick():
            return schedule.evaluate_tick(dg.build_schedule_context(instance=instance))

        assert len(tick().run_requests) == 1
        running = instance.add_run(dg.DagsterRun(job_name="nightly", status=dg.DagsterRunStatus.STARTED))
        skipped = tick()
        assert not skipped.run_requests
        assert running.run_id in skipped.skip_message
        instance.report_run_failed(running)
        assert len(tick().run_requests) == 1


def test_a_nightly_left_unfinished_by_a_power_loss_does_not_stop_the_nights_after_it(tmp_path):
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        dead = instance.add_run(dg.DagsterRun(job_name="nightly", status=dg.DagsterRunStatus.STARTED))
        created = instance.get_run_record_by_id(dead.run_id).create_timestamp
        assert isinstance(nightly_request(instance, now=created + dt.timedelta(hours=1)), dg.SkipReason)
        later = created + PRESUMED_DEAD_AFTER + dt.timedelta(minutes=1)
        assert isinstance(nightly_request(instance, now=later), dg.RunRequest)


def test_sites_answered_names_the_satker_whose_listing_never_answered():
    from kpu_berita.dagster_project.crawl import sites_answered

    rows = [{"satker": "kab-a", "stop": "end_of_listing"}, {"satker": "kab-b", "stop": "site_unreachable"},
            {"satker": "kab-c", "stop": "listing_error"}, {"satker": "kab-d", "stop": "no_new_urls"}]
    result = sites_answered(raw_crawl={"rows": rows})
    assert not result.passed and result.severity.value == "WARN"
    assert result.metadata["satker_unanswered"].value == "kab-b (site_unreachable), kab-c (listing_error)"
    assert sites_answered(raw_crawl={"rows": rows[:1]}).passed


def test_the_rebuild_job_leaves_the_crawl_check_out():
    # it reads the crawl's output, which a rebuild (no crawl) does not have
    from kpu_berita.dagster_project.definitions import defs

    assert "raw_crawl_sites_answered" in defs.resolve_job_def("nightly").graph.node_dict
    assert "raw_crawl_sites_answered" not in defs.resolve_job_def("rebuild").graph.node_dict


def test_an_unknown_crawl_profile_fails_as_the_resource_is_set_up():
    # "loopbak" in run config or KPU_BERITA_PROFILE passed validation and failed in every crawl
    # shard after planning, a traceback each; an EnvVar is checked once Dagster has read it
    import pydantic
    import pytest

    from kpu_berita.dagster_project.resources import KpuBerita

    with pytest.raises(pydantic.ValidationError, match="unknown crawl profile 'loopbak'; choose one of loopback, polite"):
        KpuBerita(profile="loopbak")
    assert KpuBerita(profile=dg.EnvVar("KPU_BERITA_PROFILE")).profile == "KPU_BERITA_PROFILE"  # resolved at launch
    assert KpuBerita(profile="loopback").profile == "loopback"
