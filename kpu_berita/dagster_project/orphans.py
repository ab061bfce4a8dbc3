"""A Dagster step process stops when the run that started it is gone.

Dagster's multiprocess executor runs each step in a process of its own, the child of the
run's process (`dagster job execute`, or the run worker the daemon launches). Killed
outright (SIGKILL, the OOM killer), that process leaves its steps running as orphans: a
crawl shard went on fetching for the rest of the night with nobody to read its result, and
the next night's crawl of the same satker was refused while it held them. A step told to
stop by SIGTERM stops as when an operator terminates the run (Dagster raises its interrupt
in the step): the crawl stays open and resumes, a build leaves the published warehouse as it
was. A step that has not stopped a while after (blocked in a call the interrupt can't reach)
is killed: both a crawl and a build are safe to kill at any point, and an orphan that lingers
holds its satker from the next night."""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

# How often a step looks for its parent: the orphan's last requests are at most this late.
POLL_S = 1.0
# How long a step has to stop after SIGTERM before it is killed: longer than a crawl step
# gives its Scrapy process to stop gracefully (spiders.run.STOP_GRACE_S, 60 s: the requests in
# flight finish and the items file is closed); a build rolls back its transaction at once.
# Killed, the step's Scrapy process still gets its SIGTERM (PR_SET_PDEATHSIG, spiders/run.py).
STOP_GRACE_S = 90.0
_watching = threading.Event()


def stop_when_orphaned(poll_s: float = POLL_S, grace_s: float = STOP_GRACE_S) -> bool:
    """In a step process of Dagster's multiprocess executor, watch the parent from a daemon
    thread and SIGTERM this process once it has died, SIGKILL if it still runs `grace_s`
    later; True if watching.

    The parent is polled rather than asked for a death signal (prctl PR_SET_PDEATHSIG): that
    signal follows the thread that started the child, and which thread of the run starts a
    step is Dagster's affair. Processes not started by multiprocessing (the CLI's in-process
    runs, under a shell, nohup or cron) are left alone: their parent may exit on purpose."""
    if multiprocessing.parent_process() is None or _watching.is_set():
        return _watching.is_set()
    _watching.set()
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace_s)  # a daemon thread: the process that stops in time ends it too
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="kpu-berita-orphan-watch", daemon=True).start()
    return True
