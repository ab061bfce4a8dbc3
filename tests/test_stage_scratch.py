"""Staging's scratch DuckDB spills to a temporary folder that only exists while it is needed:
processes that never close the database (derive workers, Dagster's step processes) must
not leave one behind each, night after night."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# prints its pid and how many files its scratch folder holds, then ends as a worker ends:
# no atexit, no close
SCRIPT = """
import os, sys
from pathlib import Path
from kpu_berita.warehouse.stage import memory_bounded_connection
con = memory_bounded_connection(sys.argv[1])
con.execute("SET threads = 1")  # a sort's working memory per thread: two threads ran out at this limit
con.execute(sys.argv[2]).fetchall()
folder = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
print(os.getpid(), len(list(folder.iterdir())) if folder.exists() else 0)
os._exit(0)
"""


def run(memory_limit: str, query: str) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, memory_limit, query],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def scratch_folders(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"kpu-berita-duckdb-{pid}-*"))


def test_a_process_that_never_spilled_leaves_no_folder():
    pid, _ = run("512MB", "SELECT 42")
    assert scratch_folders(pid) == []


def test_a_sort_bigger_than_memory_spills_into_the_process_folder():
    pid, spilled_files = run("64MB", "SELECT count(*) FROM (SELECT range, random() AS r FROM range(8000000) ORDER BY r)")
    assert spilled_files > 0
    for folder in scratch_folders(pid):  # killed while spilling, a process leaves its files
        shutil.rmtree(folder)


def _spill_in_a_worker(_) -> tuple[int, bool]:
    from kpu_berita.warehouse.stage import memory_bounded_connection

    con = memory_bounded_connection("64MB")
    con.execute("SET threads = 1")
    con.execute("SELECT count(*) FROM (SELECT range, random() AS r FROM range(8000000) ORDER BY r)").fetchall()
    folder = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
    return os.getpid(), folder.exists()


def test_a_derive_worker_that_spilled_leaves_no_folder_when_it_ends():
    # derive's workers end through multiprocessing, which runs no atexit handler: each 1M
    # rebuild left an empty folder per worker that had spilled
    from kpu_berita.warehouse import worker_pool

    with worker_pool.pool(1) as pool:
        pid, spilled = pool.submit(_spill_in_a_worker, None).result()
    assert spilled
    assert scratch_folders(pid) == []


def test_a_process_that_spilled_and_exits_normally_leaves_no_folder():
    # the interpreter's own exit, as a Dagster step process or the CLI ends (a profiling
    # script that ran derive's _assemble in-process and spilled left its folder before)
    script = SCRIPT.replace("os._exit(0)", "")
    out = subprocess.run([sys.executable, "-c", script, "64MB",
                          "SELECT count(*) FROM (SELECT range, random() AS r FROM range(8000000) ORDER BY r)"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert int(out[1]) > 0
    assert scratch_folders(int(out[0])) == []
