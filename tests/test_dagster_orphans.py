"""A run killed outright (SIGKILL, the OOM killer) takes its steps with it: under Dagster's
multiprocess executor each step is a child of the run's process, and before, a crawl step
went on fetching as an orphan after `dagster job execute` was killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kpu_berita.demo_network import DemoNetwork, build_demo_sites
from kpu_berita import config
from kpu_berita.dagster_project.orphans import stop_when_orphaned
from kpu_berita.warehouse.status import UNFINISHED, crawl_states


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc: no psutil here)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # an orphan that exited waits, a zombie, for init to reap it


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_process_not_started_by_multiprocessing_is_left_alone():
    # the CLI's in-process runs: under nohup or cron their parent may exit on purpose
    assert stop_when_orphaned() is False


STUBBORN_STEP = """
import multiprocessing, pathlib, signal, sys, time
from kpu_berita.dagster_project.orphans import stop_when_orphaned

def step(pid_file):
    assert stop_when_orphaned(poll_s=0.1, grace_s=1.0)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a step blocked where the interrupt can't reach it
    pathlib.Path(pid_file).write_text(str(multiprocessing.current_process().pid))
    while True:
        time.sleep(1)

if __name__ == "__main__":
    multiprocessing.Process(target=step, args=(sys.argv[1],)).start()
    while True:
        time.sleep(1)
"""


def test_a_step_that_does_not_stop_on_sigterm_is_killed(tmp_path):
    script, pid_file = tmp_path / "run.py", tmp_path / "step.pid"
    script.write_text(STUBBORN_STEP)
    run = subprocess.Popen([sys.executable, str(script), str(pid_file)])
    step = None
    try:
        assert wait_until(lambda: pid_file.exists() and pid_file.read_text(), 30)
        step = int(pid_file.read_text())
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert wait_until(lambda: not alive(step), 15), "the step ignored SIGTERM and was never killed"
    finally:
        for pid in (run.pid, step):
            try:
                os.kill(pid, signal.SIGKILL)
            except (OSError, TypeError):
                pass


@pytest.mark.slow
def test_killing_the_run_stops_its_crawl_step_and_leaves_the_crawl_to_resume(tmp_path):
    site = next(s for s in build_demo_sites() if s.satker_id == "kab-serang")
    home = tmp_path / "home"
    with DemoNetwork([site]) as network:
        registry = network.write_registry(tmp_path / "registry.csv")
        # the polite profile: a request a second, so the crawl is still at work when the run is killed
        run_config = tmp_path / "run_config.yaml"
        run_config.write_text(yaml.safe_dump({"resources": {"kpu": {"config": {"crawl_processes": 1}}}}))
        (tmp_path / "dagster_home").mkdir()
        env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home"), "KPU_BERITA_HOME": str(home),
               "KPU_BERITA_REGISTRY": str(registry)}
        run = subprocess.Popen([str(Path(sys.executable).with_name("dagster")), "job", "execute",
                                "-m", "kpu_berita.dagster_project.definitions", "-j", "nightly", "-c", str(run_config)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        steps: set[int] = set()
        try:
            fetching = lambda: len([r for r in network.request_log if "/blog/read/" in r[2]]) >= 3  # noqa: E731
            assert wait_until(fetching, 120), "the crawl never started fetching articles"
            steps = descendants(run.pid)
            assert steps
            run.send_signal(signal.SIGKILL)
            run.wait()
            requests_at_kill = len(network.request_log)
            assert wait_until(lambda: not any(alive(pid) for pid in steps), 30), \
                f"still running after the run was killed: {[pid for pid in steps if alive(pid)]}"
            # nothing fetches any more
            time.sleep(2)
            assert len(network.request_log) <= requests_at_kill + 3
        finally:  # a failed test leaves no process behind
            for pid in {run.pid, *steps, *descendants(run.pid)}:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
    # the crawl stopped where it was, to be resumed: no process holds it
    [state] = crawl_states(config.raw_dir(home), home)
    assert state.state == UNFINISHED
