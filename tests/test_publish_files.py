"""The publish renames the checked working file over the published one and copies it back
for the next build without waiting for the disk; the next build makes that copy durable, or
makes it again when the machine went down in between."""
from __future__ import annotations

import duckdb
import pytest

from kpu_berita.warehouse import publish as publishing
from kpu_berita.warehouse.db import connect


@pytest.fixture
def built(tmp_path):
    working, published = tmp_path / "work" / "warehouse.duckdb", tmp_path / "warehouse.duckdb"
    connect(working).close()
    return working, published


def history(path) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [b for (b,) in con.execute("SELECT build_id FROM _publications ORDER BY build_id").fetchall()]
    finally:
        con.close()


def test_publish_leaves_the_same_file_at_both_paths(built):
    working, published = built
    assert publishing.publish(working, published)["build_id"] == 1
    assert published.read_bytes() == working.read_bytes()
    assert publishing._unsynced_marker(working).read_text() == publishing._boot_id()
    assert publishing.publish(working, published)["build_id"] == 2
    assert history(published) == [1, 2]


def test_the_next_build_makes_the_copy_durable_and_keeps_it(built):
    working, published = built
    publishing.publish(working, published)
    inode = working.stat().st_ino
    publishing.ensure_working_copy(working, published)
    assert not publishing._unsynced_marker(working).exists()
    assert working.stat().st_ino == inode


def test_a_copy_from_before_a_restart_is_made_again(built):
    working, published = built
    publishing.publish(working, published)
    publishing._unsynced_marker(working).write_text("another-boot")
    working.write_bytes(b"\0" * 4096)  # what a power cut may leave of unwritten pages
    publishing.ensure_working_copy(working, published)
    assert working.read_bytes() == published.read_bytes()
    assert not publishing._unsynced_marker(working).exists()


def test_a_kill_between_rename_and_copy_leaves_a_working_file_to_make(built):
    working, published = built
    publishing.publish(working, published)
    working.unlink()
    publishing._unsynced_marker(working).unlink()
    publishing.ensure_working_copy(working, published)
    assert working.read_bytes() == published.read_bytes()


def test_a_stamp_of_a_publish_killed_before_its_rename_is_not_history(built):
    working, published = built
    publishing.publish(working, published)
    con = connect(working)
    con.execute("INSERT INTO _publications VALUES (2, now(), 0)")  # stamped, then killed
    con.close()
    assert publishing.publish(working, published)["build_id"] == 2
    assert history(published) == [1, 2]
