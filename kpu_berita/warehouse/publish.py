"""Publish the analysts' copy of the warehouse atomically.

The nightly build writes a private working file (HOME/work/warehouse.duckdb). When it is
done, the file is checkpointed, copied next to the published path and renamed over it.
Readers keep a stable path (HOME/warehouse.duckdb) that the writer never opens, so a
read-only analyst can never make the build fail with "Could not set lock on file", and a
reader sees either the previous build or the new one, never half of one: a connection
opened before the rename keeps reading the old file (POSIX keeps the unlinked inode).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from kpu_berita.warehouse.db import connect, transaction


def ensure_working_copy(working: Path, published: Path) -> None:
    """First build after an upgrade from a single-file warehouse: start from the published
    file, so analysts' corrections and history carry over."""
    if not working.exists() and published.exists():
        working.parent.mkdir(parents=True, exist_ok=True)
        tmp = working.with_name(f".{working.name}.copying")  # a kill mid-copy leaves no half file
        shutil.copyfile(published, tmp)
        os.replace(tmp, working)


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
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, published)


def publish(working: Path, published: Path) -> dict:
    """Copy the working file, stamp the copy with a build id, fsync and atomically rename
    it over `published`. Only the private copy is opened, so an analyst's open connection
    to the published file is never disturbed, and a kill leaves the old file in place."""
    with _swapped_in_copy(working, published, "publishing") as con:  # migrated: _publications is migration 002
        if published.exists():  # the publication history lives in the published file
            con.execute(f"ATTACH '{published}' AS previous (READ_ONLY)")
            con.execute("""INSERT OR IGNORE INTO _publications SELECT * FROM previous._publications""")
            con.execute("DETACH previous")
        build_id = con.execute("SELECT coalesce(max(build_id), 0) + 1 FROM _publications").fetchone()[0]
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        now = dt.datetime.now(dt.timezone.utc)
        con.execute("INSERT INTO _publications VALUES (?, ?, ?)", [build_id, now, articles])
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
        con.execute(f"ATTACH '{str(working).replace(chr(39), chr(39) * 2)}' AS working (READ_ONLY)")
        with transaction(con):
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM working.{table}")
        con.execute("DETACH working")
