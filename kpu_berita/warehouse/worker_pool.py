"""Worker processes for derive's large crawls (derive.py), safe to start from a process
whose DuckDB already runs threads: they come from the forkserver, which imported the code
once and forks each worker, never from the calling process. Each worker exits when the
process that asked for the pool dies (a killed build leaves no worker behind)."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Each worker adds a few hundred MB (350-400 MB with larger tasks than derive gives it now):
# with 2, a 1M-article full rebuild's derive steps peak at ~1.7 GB for the build and its
# workers together, under its writer's 1.8 GB (the 2 GB budget); more are an operator's choice.
MAX_PROCESSES = 2


def default_processes() -> int:
    """One per CPU this process may use, at most MAX_PROCESSES."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_PROCESSES))


_PRELOAD = ["kpu_berita.warehouse.derive", "kpu_berita.pipelines.classify.classifier"]
# what the pool was given for every worker (the classifier), as each worker unpickled it
state: dict = {}


def _preload() -> list[str]:
    """What the forkserver imports once, before it forks workers. Each worker also runs the
    parent's main module again (multiprocessing's rule) unless the forkserver preloaded it:
    a main run as a script it preloads itself, a main run with -m only if named here."""
    main_name = getattr(getattr(sys.modules.get("__main__"), "__spec__", None), "name", None)
    ran_with_m = [main_name] if main_name and not main_name.endswith("__main__") else []
    return ["__main__", *ran_with_m, *_PRELOAD]


def pool(processes: int, shared: dict | None = None) -> ProcessPoolExecutor:
    """Workers from the forkserver: a fresh process that imported derive and the classifier
    once, then forks each worker, cheaply and without this process's threads. `shared` is
    pickled once and unpickled into each worker's `state`."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_preload())  # no effect once the forkserver runs
    return ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker,
                               initargs=(pickle.dumps(shared or {}, protocol=pickle.HIGHEST_PROTOCOL), os.getpid(),
                                         _started(os.getpid())))


def stop_workers() -> None:
    """Stop the forkserver, if a pool started one: its imports hold about 200 MB, which the
    `warehouse` step after the derive steps should not carry (the CLI runs every step in one
    process). A later parallel derive starts a new one."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # private, present since Python 3.8
    if stop is not None:
        stop()


def _started(pid: int) -> str | None:
    """When process pid started (None: gone, or a zombie), to tell it from a later one with its pid."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def _start_worker(shared: bytes, parent: int, parent_started: str | None) -> None:
    def exit_with_parent() -> None:
        # A worker's parent is the forkserver, which outlives a killed step while any worker
        # runs (workers hold its liveness pipe): watch the step's own process instead.
        while _started(parent) == parent_started if parent_started else _pid_exists(parent):
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    state.update(pickle.loads(shared))


def _pid_exists(pid: int) -> bool:  # where there is no /proc
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
