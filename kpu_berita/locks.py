"""File locks (flock) that say who holds them: one process writes a home's warehouse, one
Scrapy process writes a crawl folder, one build makes a staged file at a time, and a rebuild
clears the staged files only while no build step is at work on them. Released
by the kernel when the holding process dies, however it dies."""
from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class Held(RuntimeError):
    """The lock is another process's; `holder` is what it wrote ("pid N")."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


_HOLDER_NOTE = "pid "  # what take() writes into the lock file, before the holder's pid


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
    f.write(f"{_HOLDER_NOTE}{os.getpid()}")
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
    pid = note.removeprefix(_HOLDER_NOTE)
    if pid == note or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
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


# --- one lock per key in one file ------------------------------------------------------
# Byte-range (POSIX) locks: one file holds a lock per key (a satker a crawl is fetching),
# where a file per key would keep hundreds open in a national crawl and in the Scrapy process
# that inherits them. POSIX locks belong to the process and all go when it closes any
# descriptor of the file, so each file is opened once per process and kept open; threads
# of one process (the CLI's shards) hold disjoint keys.
_KEYED_FILES: dict[Path, int] = {}
_KEYED_GUARD = threading.Lock()
_KEY_SPACE = 2 ** 40  # byte offsets: two keys share one only by a hash collision


def _offset(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % _KEY_SPACE


def _keyed_file(path: Path) -> int:
    path = Path(path).resolve()
    with _KEYED_GUARD:
        if path not in _KEYED_FILES:
            path.parent.mkdir(parents=True, exist_ok=True)
            _KEYED_FILES[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        return _KEYED_FILES[path]


def take_keys(path: Path, keys: list[str]) -> list[str]:
    """Lock each of `keys` in the file at `path` without waiting; return the keys another
    process holds (none taken then) or [] (all taken, until release_keys or this process ends)."""
    fd, taken, held = _keyed_file(path), [], []
    for key in keys:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _offset(key))
            taken.append(key)
        except OSError:
            held.append(key)
    if held:
        release_keys(path, taken)
    return held


def release_keys(path: Path, keys: list[str]) -> None:
    fd = _keyed_file(path)
    for key in keys:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _offset(key))


class KeysHeld(RuntimeError):
    """Another process holds some of the keys asked for; `keys` are those."""

    def __init__(self, keys: list[str]):
        super().__init__(", ".join(keys))
        self.keys = keys


@contextmanager
def keys_held(path: Path, keys: list[str]) -> Iterator[None]:
    """The keys locked for the block (take_keys, then release_keys); KeysHeld, with nothing
    taken, if another process holds any of them."""
    held = take_keys(path, keys)
    if held:
        raise KeysHeld(held)
    try:
        yield
    finally:
        release_keys(path, keys)
