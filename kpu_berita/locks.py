"""File locks (flock) that say who holds them: one process writes a home's warehouse, one
Scrapy process writes a crawl folder, one build makes a staged file at a time, and a rebuild
clears the staged files only while no build step is at work on them. Released
by the kernel when the holding process dies, however it dies."""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class Held(RuntimeError):
    """The lock is another process's; `holder` is what it wrote ("pid N")."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


def take(path: Path) -> TextIO:
    """The lock at `path`, taken without waiting, as the open file that holds it (closing
    it, in every process that shares it, releases it); it says "pid N" to whoever finds it
    held. Held if another process has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "another process"
        f.close()
        raise Held(holder)
    f.seek(0)
    f.truncate()
    f.write(f"pid {os.getpid()}")
    f.flush()
    return f


def live_holder(path: Path) -> str | None:
    """The "pid N" take() wrote at `path`, if that process is still alive; None otherwise.
    Reads only, so it never competes with a process about to take the lock (a pid reused
    after a crash would read as alive: the answer is a hint for people, not a lock)."""
    try:
        note = Path(path).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    if not note.startswith("pid ") or not note[4:].isdigit():
        return None
    try:
        os.kill(int(note[4:]), 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, another user's
        pass
    return note


def release(f: TextIO) -> None:
    """Let a lock from take() go, first blanking the "pid N" it wrote: the file outlives the
    holder (shared holders of the same path write nothing), and must not name one that has gone."""
    f.seek(0)
    f.truncate()
    fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def waited(path: Path, *, shared: bool = False) -> Iterator[None]:
    """The lock at `path` for the block, waiting while another process has it (shared: any
    number of shared holders at once, none beside an exclusive one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
