"""Publish the analysts' copy of the warehouse atomically.

The nightly build writes a private working file (HOME/work/warehouse.duckdb). When it is
done and checked, the working file itself is stamped, fsynced and renamed over the published
path, and a copy of it becomes the next build's working file. Readers keep a stable path
(HOME/warehouse.duckdb) that the writer never opens, so a read-only analyst can never make the
build fail with "Could not set lock on file", and a reader sees either the previous build or
the new one, never half of one: a connection opened before the rename keeps reading the old
file (POSIX keeps the unlinked inode).

The copy for the next build is not fsynced: at 1M articles that wait was most of the publish
(4-5 s for 1.3 GB). The build that opens it first makes it durable (`ensure_working_copy`),
long after the kernel has written it back; a copy whose machine went down before that is
made again from the published file, which then still holds everything it held.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from kpu_berita.sql_literal import quoted_path
from kpu_berita.warehouse.db import connect, fsync_file, transaction

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _boot_id() -> str:
    return BOOT_ID.read_text().strip() if BOOT_ID.exists() else "unknown"


def _unsynced_marker(working: Path) -> Path:
    return working.with_name(f".{working.name}.unsynced")


def _copy_for_next_build(published: Path, working: Path) -> None:
    """Copy the published file to the working path without waiting for the disk; the marker
    (durable before the copy is renamed into place) names the boot the copy was made in."""
    working.parent.mkdir(parents=True, exist_ok=True)
    tmp = working.with_name(f".{working.name}.copying")  # a kill mid-copy leaves no half file
    shutil.copyfile(published, tmp)
    marker = _unsynced_marker(working)
    marker.write_text(_boot_id())
    fsync_file(marker)
    os.replace(tmp, working)


def ensure_working_copy(working: Path, published: Path) -> None:
    """Before a build writes: a working file that is durable and whole.

    A missing one is copied from the published file (the first build after an upgrade from a
    single-file warehouse, or after a kill between the publish's rename and its copy), so
    analysts' corrections and history carry over. A copy made without fsync is made durable
    now, or made again if the machine restarted since (its unwritten pages may be lost)."""
    marker = _unsynced_marker(working)
    if marker.exists() and working.exists():
        if marker.read_text().strip() == _boot_id():
            fsync_file(working)
        else:
            working.unlink()
    if not working.exists() and published.exists():
        _copy_for_next_build(published, working)
        fsync_file(working)
    marker.unlink(missing_ok=True)


@contextmanager
def _swapped_in_copy(source: Path, published: Path, suffix: str):
    """A migrated connection to a private copy of `source`; when the block ends, the copy is
    checkpointed, fsynced and renamed over `published` (an exception leaves it untouched)."""
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(f".{published.name}.{suffix}")
    shutil.copyfile(source, tmp)
    con = connect(tmp)
    try:
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()
    fsync_file(tmp)
    os.replace(tmp, published)


def publish(working: Path, published: Path) -> dict:
    """Stamp the working file with a build id, fsync it, rename it over `published` and copy
    it back for the next build. Only the working file is opened, so an analyst's open
    connection to the published file is never disturbed, and a kill leaves the old published
    file in place (and the next build makes the working file again if the kill took it)."""
    published.parent.mkdir(parents=True, exist_ok=True)
    con = connect(working)  # migrated: _publications is migration 002
    try:
        previous = published.exists()
        if previous:  # the history is the published file's, plus this build
            con.execute(f"ATTACH '{quoted_path(published)}' AS previous (READ_ONLY)")
        with transaction(con):
            if previous:
                # a row stamped by a publish killed before its rename is not history
                con.execute("DELETE FROM _publications WHERE build_id NOT IN (SELECT build_id FROM previous._publications)")
                con.execute("INSERT OR IGNORE INTO _publications SELECT * FROM previous._publications")
            build_id = con.execute("SELECT coalesce(max(build_id), 0) + 1 FROM _publications").fetchone()[0]
            # each article once: a second copy (published twice, articles.duplicate_of) is not one
            articles = con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
            now = dt.datetime.now(dt.timezone.utc)
            con.execute("INSERT INTO _publications VALUES (?, ?, ?)", [build_id, now, articles])
        if previous:
            con.execute("DETACH previous")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    fsync_file(working)
    os.replace(working, published)
    _copy_for_next_build(published, working)
    return {"build_id": build_id, "articles": articles, "published_at": now.isoformat(timespec="seconds"),
            "bytes": published.stat().st_size}


def republish_table(working: Path, published: Path, table: str) -> None:
    """Make a table an operator just wrote into the working copy visible to readers now.

    The working copy may be half-way through a build, so it is not published as is: a copy
    of the published file takes the table from the working copy and is renamed over the
    published path. The next build publishes the table anyway (builds never write it)."""
    if not published.exists():
        publish(working, published)
        return
    # migrated, so a published file from before the table's migration gets it
    with _swapped_in_copy(published, published, "republishing") as con:
        con.execute(f"ATTACH '{quoted_path(working)}' AS working (READ_ONLY)")
        with transaction(con):
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM working.{table}")
        con.execute("DETACH working")
