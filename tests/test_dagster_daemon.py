"""The nightly as the schedule starts it: `dagster-daemon run` with a DAGSTER_HOME of its own
ticks `nightly_schedule` (its cron set to every minute through KPU_BERITA_NIGHTLY_CRON), the
run queue launches the run in its own process, and Dagster's default multiprocess executor
runs the steps, against the demo network. Everything the run knows comes from the
environment, as on a server: no run config."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from kpu_berita.dagster_project.schedules import UNFINISHED
from kpu_berita.demo_network import DemoNetwork, build_demo_sites
from kpu_berita.warehouse.db import connect

pytestmark = pytest.mark.slow
SATKER = ("kab-serang", "kota-palu")
DEFINITIONS = ["-m", "kpu_berita.dagster_project.definitions"]
# the first tick comes on the next minute, up to 60 s after the daemon starts; a run of two demo sites takes ~30 s
RUN_TIMEOUT_S = 300


def _dagster(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _runs(dagster_home: Path) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        return list(instance.get_runs(dg.RunsFilter(job_name="nightly")))


def _wait_for(condition, what: str, daemon: subprocess.Popen, timeout: float = RUN_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        assert daemon.poll() is None, f"dagster-daemon exited ({daemon.returncode}) while waiting for {what}"
        time.sleep(1)
    raise AssertionError(f"no {what} within {timeout} s")


@pytest.fixture(scope="module")
def scheduled_night(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dagster-daemon")
    dagster_home = tmp / "dagster_home"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    sites = [s for s in build_demo_sites() if s.satker_id in SATKER]
    with DemoNetwork(sites) as network:
        env = {**os.environ, "DAGSTER_HOME": str(dagster_home), "KPU_BERITA_HOME": str(tmp / "home"),
               "KPU_BERITA_REGISTRY": str(network.write_registry(tmp / "registry.csv")),
               "KPU_BERITA_PROFILE": "loopback", "KPU_BERITA_NIGHTLY_CRON": "* * * * *"}
        subprocess.run([_dagster("dagster"), "schedule", "start", "nightly_schedule", *DEFINITIONS],
                       env=env, check=True, capture_output=True, timeout=120)
        log = (tmp / "daemon.log").open("w")
        daemon = subprocess.Popen([_dagster("dagster-daemon"), "run", *DEFINITIONS], env=env, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            first = _wait_for(lambda: [r for r in _runs(dagster_home) if r.status not in UNFINISHED],
                              "finished nightly run", daemon)[0]
        finally:
            # the daemon, its code server and any run they launched since (a tick in the last
            # second): they are all in the daemon's session
            os.killpg(daemon.pid, signal.SIGTERM)
            daemon.wait(timeout=60)
            log.close()
        with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
            logs = instance.all_logs(first.run_id)
        yield tmp, first, logs, network.request_log


def test_the_schedule_launches_the_nightly_and_it_runs_green(scheduled_night):
    tmp, run, logs, _ = scheduled_night
    failures = [e.message for e in logs if e.is_dagster_event and e.dagster_event.is_step_failure]
    assert run.status == dg.DagsterRunStatus.SUCCESS, (failures, (tmp / "daemon.log").read_text()[-3000:])
    assert run.tags.get("dagster/schedule_name") == "nightly_schedule"
    assert not any("Could not set lock" in (e.message or "") for e in logs)


def test_the_run_used_the_default_multiprocess_executor(scheduled_night):
    _, _, logs, _ = scheduled_night
    workers = [e for e in logs if e.is_dagster_event
               and e.dagster_event.event_type == dg.DagsterEventType.STEP_WORKER_STARTED]
    assert len(workers) >= 6  # a process per step: crawl, stage, articles, categories, views, warehouse, publish


def test_the_scheduled_run_crawled_the_environments_registry_into_the_environments_home(scheduled_night):
    tmp, _, _, request_log = scheduled_night
    assert {satker for satker, *_ in request_log} == set(SATKER)
    con = connect(tmp / "home" / "warehouse.duckdb", read_only=True)
    try:
        satker, articles, distinct = con.execute(
            "SELECT count(DISTINCT satker_id), count(*), count(DISTINCT article_key) FROM articles").fetchone()
    finally:
        con.close()
    assert satker == len(SATKER)
    assert articles == distinct > 0
    crawls = list((tmp / "home" / "raw").iterdir())  # a shard per CPU, at most 2
    assert crawls and all(json.loads((crawl / "spec.json").read_text())["profile"] == "loopback"  # KPU_BERITA_PROFILE
                          for crawl in crawls)
