"""Staging: each finished crawl's raw JSON lines become Parquet files under
HOME/work/stage/<crawl_id>/, one set per crawl, written by DuckDB's own readers.

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

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from kpu_berita.spiders.items import ITEM_KINDS, item_columns, raw_columns
from kpu_berita.spiders.raw_store import ITEMS_DONE, ITEMS_OPEN
from kpu_berita.spiders.run import DONE, SPEC

# What each staged file holds: the fields of one kind of item (spiders/items.py), with the
# raw table's name for a field where it differs.
RENAMED = {"at": "failed_at"}
STAGED_KINDS = {"listing": "listing", "pages": "article", "errors": "error"}


def _staged_select(name: str) -> str:
    kind = STAGED_KINDS[name]
    columns = ", ".join(f'"{c}"' + (f' AS {RENAMED[c]}' if c in RENAMED else "")
                        for c in item_columns(ITEM_KINDS[kind]))
    keyed = " AND article_key IS NOT NULL" if kind != "error" else ""
    # every sighting is kept, also an article seen twice because the listing shifted while it
    # was read: derive takes its first position, views their highest count
    return f"SELECT {columns} FROM raw WHERE kind = '{kind}'{keyed}"


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


def write_atomically(con: duckdb.DuckDBPyConnection, select_sql: str, target: Path, params=None) -> None:
    """COPY (select) TO target as Parquet, through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    # small row groups: the writer buffers one per thread, and article bodies are large
    con.execute(f"COPY ({select_sql}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)",
                params or [])
    os.replace(tmp, target)


_SCRATCH: duckdb.DuckDBPyConnection | None = None


def memory_bounded_connection(memory_limit: str = "512MB") -> duckdb.DuckDBPyConnection:
    """A cursor on this process's in-memory DuckDB for staging: streams files through and
    spills instead of growing. One database per process (opening one costs ~50 ms)."""
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = duckdb.connect()
        _SCRATCH.execute(f"SET memory_limit = '{memory_limit}'")
        # an in-memory database spills only where it is told to (a 1M-article crawl does)
        spill = tempfile.mkdtemp(prefix="kpu-berita-duckdb-")
        atexit.register(shutil.rmtree, spill, True)
        _SCRATCH.execute(f"SET temp_directory = '{spill}'")
        _SCRATCH.execute("SET preserve_insertion_order = false")
    return _SCRATCH.cursor()


def _raw_files(crawl_dir: Path) -> list[str]:
    return [str(f) for f in (crawl_dir / ITEMS_DONE, crawl_dir / ITEMS_OPEN) if f.exists()]


def stage_crawl(crawl_dir: Path, home: Path) -> dict:
    """Stage one finished crawl's items as listing/pages/errors Parquet; return row counts."""
    out = stage_root(home) / crawl_dir.name
    files = _raw_files(crawl_dir)
    con = memory_bounded_connection()
    try:
        columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in raw_columns().items()) + "}"
        targets = {name: out / f"{name}.parquet" for name in STAGED_KINDS}
        if not all(t.exists() for t in targets.values()):
            # the JSON is parsed once, into a columnar file the three tables are cut from;
            # ignore_errors: a crawl killed mid-write leaves one torn line, the rest is good
            items = out / "items.parquet"
            write_atomically(con, f"""SELECT * FROM read_json({files!r}, format='newline_delimited',
                                      ignore_errors=true, columns={columns})""", items)
            con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM '{items}'")
            for name, target in targets.items():
                if not target.exists():
                    write_atomically(con, _staged_select(name), target)
            con.execute("DROP VIEW raw")
            items.unlink()
        counts = {name: con.execute(f"SELECT count(*) FROM '{t}'").fetchone()[0] for name, t in targets.items()}
    finally:
        con.close()
    return counts


def satker_without_listing_items(crawl_dir: Path, home: Path) -> list[str]:
    """The satker a crawl was asked for whose listing pages yielded no article."""
    listing = stage_root(home) / crawl_dir.name / "listing.parquet"
    con = memory_bounded_connection()
    try:
        seen = {s for (s,) in con.execute(f"SELECT DISTINCT satker_id FROM '{listing}'").fetchall()}
    finally:
        con.close()
    return [s["satker_id"] for s in crawl_spec(crawl_dir)["sites"] if s["satker_id"] not in seen]


def crawl_spec(crawl_dir: Path) -> dict:
    return json.loads((crawl_dir / SPEC).read_text(encoding="utf-8"))


def crawl_stats(crawl_dir: Path) -> dict:
    return json.loads((crawl_dir / DONE).read_text(encoding="utf-8"))["stats"]


def known_at_crawl(crawl_dir: Path) -> dict[str, str | None]:
    """article_key -> ISO date of the articles the warehouse held when the crawl started."""
    path = crawl_dir / "known.json"
    if not path.exists():
        return {}
    known = json.loads(path.read_text(encoding="utf-8"))
    # known.json holds {key: date} (older crawls) or {key: {"date": ..., "title": ...}}
    return {k: (v.get("date") if isinstance(v, dict) else v) for k, v in known.items()}


def mark_merged(home: Path, crawl_id: str) -> None:
    """After the writer committed a crawl: drop its staged files, keep a marker (the
    warehouse's `crawls` table is the record; the marker only spares re-staging it)."""
    folder = stage_root(home) / crawl_id
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.parquet"):
        f.unlink()
    (folder / MERGED).touch()


def clear_stage(home: Path) -> None:
    """A full rebuild stages every crawl again, with the current rules and model."""
    shutil.rmtree(stage_root(home), ignore_errors=True)
