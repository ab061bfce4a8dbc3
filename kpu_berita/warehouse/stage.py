"""Staging: each finished crawl's items as Parquet files under HOME/work/stage/<crawl_id>/,
one set per crawl: the crawl's columnar raw files (spiders/raw_store.py), linked in, or
written first from its JSON lines by DuckDB's own reader for a crawl from before them.

The steps before the warehouse writer only ever write here, never the DuckDB file, so a
Dagster run can execute them in parallel processes without any lock on the warehouse.
Every file is written to a temporary name and renamed, so a killed step leaves either the
complete file or none; a step re-run redoes only what is missing.

    listing.parquet   one row per listing observation        (staged_crawl_items)
    pages.parquet     one row per fetched article page        (staged_crawl_items)
    errors.parquet    one row per request that failed for good (staged_crawl_items)
    articles.parquet  cleaned, dated articles of the pages    (articles)
    categories.parquet the articles' categories               (article_categories)
    views.parquet     views per article and source            (view_snapshots)
    merged            marker: the writer has merged this crawl (warehouse)
"""
from __future__ import annotations

import json
import multiprocessing.util
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import duckdb

from kpu_berita import locks
from kpu_berita.spiders import raw_store
from kpu_berita.spiders.run import DONE, SPEC
from kpu_berita.sql_literal import quoted_path

MERGED = "merged"


def stage_root(home: Path) -> Path:
    return Path(home) / "work" / "stage"


def finished_crawls(raw_dir: Path) -> list[Path]:
    """Crawl folders whose crawl finished (done.json written), oldest first. An unfinished
    crawl is resumed by the next crawl and staged once it finishes."""
    return sorted(p for p in Path(raw_dir).glob("*") if (p / DONE).exists() and (p / SPEC).exists())


def pending_crawls(raw_dir: Path, home: Path) -> list[Path]:
    """Finished crawls the warehouse writer has not merged yet, oldest first."""
    root = stage_root(home)
    return [c for c in finished_crawls(raw_dir) if not (root / c.name / MERGED).exists()]


_SCRATCH: duckdb.DuckDBPyConnection | None = None


def memory_bounded_connection(memory_limit: str = "512MB") -> duckdb.DuckDBPyConnection:
    """A cursor on this process's in-memory DuckDB for staging: streams files through and
    spills instead of growing. One database per process (opening one costs ~50 ms)."""
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = duckdb.connect()
        _SCRATCH.execute(f"SET memory_limit = '{memory_limit}'")
        # an in-memory database spills only where it is told to (a 1M-article crawl does).
        # DuckDB makes the folder when it first spills and removes it when the database
        # closes; a folder made here would outlive every process that never closes it
        # (derive workers, Dagster's step processes), one empty folder each.
        spill = Path(tempfile.gettempdir()) / f"kpu-berita-duckdb-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        _SCRATCH.execute(f"SET temp_directory = '{quoted_path(spill)}'")
        _SCRATCH.execute("SET preserve_insertion_order = false")
        # Closed as the process ends, so a folder it spilled into goes too: a derive worker
        # ends through multiprocessing (no atexit, but its finalizers run), a step process
        # or the CLI through atexit, which runs the same finalizers. Only a killed process
        # leaves its folder (each 1M rebuild left one per worker that spilled).
        multiprocessing.util.Finalize(None, _close_scratch, exitpriority=0)
    return _SCRATCH.cursor()


def _close_scratch() -> None:
    global _SCRATCH
    if _SCRATCH is not None:
        _SCRATCH.close()
        _SCRATCH = None


def stage_crawl(crawl_dir: Path, home: Path) -> dict:
    """Stage one finished crawl's items as listing/pages/errors Parquet; return row counts."""
    out = stage_root(home) / crawl_dir.name
    con = memory_bounded_connection()
    try:
        with held(out / "staged"):  # two builds staging one crawl: the second waits, then finds it
            if not raw_store.columnar_is_current(crawl_dir, con):
                raw_store.write_columnar(crawl_dir, con)
            counts = {}
            for name, source in raw_store.columnar_files(crawl_dir).items():
                target = out / f"{name}.parquet"
                if not target.exists():
                    _link_or_copy(source, target)
                counts[name] = con.execute(f"SELECT count(*) FROM '{quoted_path(target)}'").fetchone()[0]
    finally:
        con.close()
    return counts


def held(target: Path):
    """An exclusive lock for making `target` (a file beside it, `.<name>.lock`), waited for.
    Two builds of one home (a schedule's and an operator's) derive the same staged files
    with the same temporary names: the second crashed on the first's rename. Now it waits,
    then finds the file made. Only the warehouse writer refuses a second build at once."""
    return locks.waited(target.with_name(f".{target.name}.lock"))


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs nothing and the staged name can be unlinked (mark_merged) without
    touching the raw file; a stage on another file system gets a copy. Both via a temporary
    name, so a kill leaves the whole file or none."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def satker_without_listing_items(crawl_dir: Path, home: Path) -> list[str]:
    """The satker a crawl was asked for whose listing pages yielded no article."""
    listing = stage_root(home) / crawl_dir.name / "listing.parquet"
    con = memory_bounded_connection()
    try:
        seen = {s for (s,) in con.execute(f"SELECT DISTINCT satker_id FROM '{quoted_path(listing)}'").fetchall()}
    finally:
        con.close()
    return [s["satker_id"] for s in crawl_spec(crawl_dir)["sites"] if s["satker_id"] not in seen]


def crawl_spec(crawl_dir: Path) -> dict:
    return json.loads((crawl_dir / SPEC).read_text(encoding="utf-8"))


def crawl_stats(crawl_dir: Path) -> dict:
    return json.loads((crawl_dir / DONE).read_text(encoding="utf-8"))["stats"]


def known_at_crawl(crawl_dir: Path) -> dict[str, str | None]:
    """article_key -> ISO date of the articles the warehouse held when the crawl started
    (None where that date's year was only guessed from a crawl's date: no bound for others)."""
    path = crawl_dir / "known.json"
    if not path.exists():
        return {}
    known = json.loads(path.read_text(encoding="utf-8"))
    # known.json holds {key: date} (older crawls) or {key: {"date": ..., "title": ...[, "firm": ...]}}
    return {k: ((v.get("date") if v.get("firm", True) else None) if isinstance(v, dict) else v)
            for k, v in known.items()}


def mark_merged(home: Path, crawl_id: str) -> None:
    """After the writer committed a crawl: drop its staged files, keep a marker (the
    warehouse's `crawls` table is the record; the marker only spares re-staging it)."""
    folder = stage_root(home) / crawl_id
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.parquet"):
        f.unlink()
    (folder / MERGED).touch()


class StageInUse(RuntimeError):
    """Another build's step is reading or writing the staged files."""


def _stage_lock(home: Path) -> Path:
    return Path(home) / "work" / "stage.lock"


def in_use(home: Path):
    """Held, shared, by each build step for as long as it reads or writes the staged files,
    so that a rebuild (clear_stage) never deletes them under another build's step."""
    return locks.waited(_stage_lock(home), shared=True)


def clear_stage(home: Path) -> None:
    """A full rebuild stages every crawl again, with the current rules and model. Refused at
    once while a step of another build is at work on the staged files (a nightly's derive
    would fail on files deleted under it); between its steps it holds nothing, and its next
    step finds the crawls staged again."""
    try:
        lock = locks.take(_stage_lock(home))
    except locks.Held:
        raise StageInUse(f"another build is using the staged files in {stage_root(home)}; "
                         "try again when it has finished")
    with lock:
        shutil.rmtree(stage_root(home), ignore_errors=True)
        locks.release(lock)
