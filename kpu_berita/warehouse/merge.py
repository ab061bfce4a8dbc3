"""The warehouse writer: merge staged crawls into the working DuckDB file, then refresh the
marts for the periods the merges touched.

This is the only code that writes the warehouse during a build (see docs/operations.md,
"One writer"). Each crawl is merged in one transaction together with its row in `crawls`,
so a build killed at any point leaves every crawl merged exactly once or not at all; the
next build merges what is left. An article is replaced only by a newer fetch of its page,
so re-merging, or merging crawls of one satker from several processes, never goes back.
"""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa

from kpu_berita import locks
from kpu_berita.sql_literal import quoted_path
from kpu_berita.warehouse.db import create_marts, sql_text, transaction
from kpu_berita.warehouse.stage import crawl_spec, crawl_stats, stage_root


class WriterBudget(NamedTuple):
    memory_limit: str   # DuckDB spills to HOME/work/tmp past this
    refresh_batch: int  # touched articles per mart-refresh transaction


# A night's build stays within 1 GB with the Python around it: on top of 1M articles, 600 MB
# for DuckDB made a 1.0 GB peak for the whole nightly; 480 MB takes 0.12 GB off the writer's
# peak for 3% more refresh time. A full rebuild, one transaction over every crawl, gets
# 1.2 GB: its derive workers have exited by then, so the writer may take what they held. At
# 1M, side by side twice, 1 GB -> 1.2 GB took the warehouse step from 43.9 / 43.5 s to
# 40.8 / 40.8 s (less spilling in the article insert's sort and the view rows' window) and its
# peak from 1.33 to 1.61 GB (1.4 GB: 1.81 GB, too near the 2 GB budget with the Python
# around it). A million touched articles in one refresh transaction did not fit in 1 GB;
# 200,000 do, and the nightly budget takes half as many (a night's few thousand are one
# batch; the first crawl of a national home is a few).
NIGHTLY = WriterBudget("480MB", 100_000)
REBUILD = WriterBudget("1200MB", 200_000)

# the last four since migration 006 (needs_review and the runner-up code)
CATEGORY_COLUMNS = ("article_key, category, confidence, reason, topics, needs_review, second_category, "
                    "second_confidence, model_version")
# The staged files the writer reads (stage.py): the listing only for when each satker was
# last crawled; the items themselves stay in HOME/raw (migration 009).
MERGED_FILES = ("listing", "articles", "categories", "views")
SATKER_COLUMNS = ["satker_id", "name", "level", "province", "kode_wilayah", "base_url"]
ARTICLE_COLUMNS = ["article_key", "satker_id", "url", "title", "title_normalised", "published_date",
                   "date_raw", "date_source", "date_flag", "author", "credit", "body", "is_repost",
                   "repost_source", "list_order", "first_seen_at", "fetched_at", "listing_title", "lead_image_url"]


class BuildLocked(RuntimeError):
    """Another process is writing this home's warehouse."""


@contextmanager
def writer_lock(home: Path):
    """Hold HOME/work/build.lock for the whole write; fail at once if another build has it.

    DuckDB would refuse a second writer too, but only when it opens the file, mid-run, with
    a lock error that names no build; this says which home and which process."""
    try:
        lock = locks.take(Path(home) / "work" / "build.lock")
    except locks.Held as exc:
        raise BuildLocked(f"another build is writing {home} ({exc.holder}); try again when it has finished")
    with lock:
        try:
            yield
        finally:
            locks.release(lock)


def memory_settings(home: Path, budget: WriterBudget = NIGHTLY) -> dict[str, str]:
    return {"memory_limit": budget.memory_limit, "temp_directory": str(Path(home) / "work" / "tmp")}


def tune(con: duckdb.DuckDBPyConnection, home: Path, budget: WriterBudget = NIGHTLY) -> None:
    for name, value in memory_settings(home, budget).items():
        con.execute(f"SET {name} = '{quoted_path(value)}'")
    con.execute("SET preserve_insertion_order = false")


class UnlistedSatker(ValueError):
    """The crawls fetched satker that neither the registry nor the warehouse knows."""


class SatkerElsewhere(ValueError):
    """The registry gives crawled satker other addresses than their newest crawl used."""


def satker_unknown_to(con, crawl_dirs: list[Path], registry_rows: list[dict]) -> list[str]:
    """The satker the crawls were asked for that neither the registry nor the warehouse's
    satker table lists. Their articles would join no satker row: left out of every report
    and mart, which a blocking check then refuses with only counts to go on."""
    known = {r["satker_id"] for r in registry_rows}
    known |= {s for (s,) in con.execute("SELECT satker_id FROM satker").fetchall()}
    return sorted({s["satker_id"] for c in crawl_dirs for s in crawl_spec(c)["sites"]} - known)


def satker_elsewhere(crawl_dirs: list[Path], registry_rows: list[dict]) -> list[tuple[str, str, str]]:
    """(satker_id, the address its newest crawl here used, the registry's) where they differ.

    A build with another registry than the crawl's (the shipped 552 for a loopback crawl,
    because --registry was left out) would put that registry's addresses in the satker
    table without a word. Only each satker's newest crawl is compared: a site that moved
    was crawled at its old address before, and a full rebuild reads those crawls too."""
    newest: dict[str, str] = {}
    for crawl_dir in sorted(crawl_dirs, key=lambda c: c.name):  # crawl ids are UTC timestamps
        newest.update({s["satker_id"]: s["base_url"] for s in crawl_spec(crawl_dir)["sites"]})
    listed = {r["satker_id"]: r["base_url"] for r in registry_rows}
    # a spec without an address (written by hand or by a generator, not by run_crawl) tells nothing
    return sorted((satker, url, listed[satker]) for satker, url in newest.items()
                  if url and satker in listed and _address(url) != _address(listed[satker]))


def _address(base_url: str) -> str:
    return base_url.strip().rstrip("/").lower()


def load_dimensions(con, registry_rows: list[dict], category_labels: dict[str, str]) -> None:
    """Upsert the registry's satker and the taxonomy's categories."""
    # one statement over an Arrow table: executemany costs a statement per row (2 s for 552)
    satker = pa.Table.from_pylist([{c: r[c] for c in SATKER_COLUMNS} for r in registry_rows])
    categories = pa.Table.from_pylist([{"category": c, "label": label, "sort_order": i}
                                       for i, (c, label) in enumerate(category_labels.items())])
    with transaction(con):
        con.register("incoming_satker", satker)
        con.register("incoming_categories", categories)
        con.execute(f"INSERT OR REPLACE INTO satker ({', '.join(SATKER_COLUMNS)}) SELECT * FROM incoming_satker")
        con.execute("DELETE FROM categories")
        con.execute("INSERT INTO categories SELECT * FROM incoming_categories")
        con.unregister("incoming_satker")
        con.unregister("incoming_categories")


def is_merged(con, crawl_id: str) -> bool:
    return con.execute("SELECT count(*) FROM crawls WHERE crawl_id = ? AND finished", [crawl_id]).fetchone()[0] > 0


def _raw_bytes(crawl_dir: Path) -> int:
    return sum(f.stat().st_size for f in crawl_dir.glob("items.jsonl*"))


def _record_crawl(con, crawl_dir: Path) -> None:
    """The crawl's row in the `crawls` ledger: merged, with what it was asked for and its stats."""
    spec = crawl_spec(crawl_dir)
    con.execute("INSERT OR REPLACE INTO crawls VALUES (?, ?, true, ?, ?, ?)",
                [crawl_dir.name, [s["satker_id"] for s in spec["sites"]], _raw_bytes(crawl_dir),
                 dt.datetime.now(dt.timezone.utc), json.dumps(crawl_stats(crawl_dir))])


def merge_crawl(con, crawl_dir: Path, home: Path) -> dict:
    """Merge one staged crawl in one transaction; a crawl already merged is skipped."""
    crawl_id = crawl_dir.name
    if is_merged(con, crawl_id):
        return {"skipped": 1}
    stage = stage_root(home) / crawl_id
    files = {name: str(stage / f"{name}.parquet") for name in MERGED_FILES}
    missing = [f for f in files.values() if not Path(f).exists()]
    if missing:
        raise FileNotFoundError(f"crawl {crawl_id} is not fully staged: {', '.join(missing)} missing")
    with transaction(con):
        for table in ("view_snapshots", "article_crawl_views"):
            con.execute(f"DELETE FROM {table} WHERE crawl_id = ?", [crawl_id])  # a crawl half-loaded by an old release
        counts = _merge_articles(con, files)
        counts.update(_merge_views(con, crawl_id, files["views"]))
        con.execute(f"""INSERT OR REPLACE INTO satker_last_crawl
                        SELECT satker_id, greatest(max(seen_at), coalesce(any_value(l.last_crawled_at), max(seen_at)))
                        FROM '{quoted_path(files['listing'])}' LEFT JOIN satker_last_crawl l USING (satker_id) GROUP BY satker_id""")
        _record_crawl(con, crawl_dir)
    return counts


def _merge_articles(con, files: dict[str, str]) -> dict:
    """Upsert the crawl's articles and categories; a page fetched earlier than the stored
    one never replaces it. The touched articles are left in _dirty_articles."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE incoming AS
        SELECT i.* REPLACE (least(i.first_seen_at, a.first_seen_at) AS first_seen_at), a.article_key IS NULL AS is_new
        FROM '{quoted_path(files['articles'])}' i LEFT JOIN articles a USING (article_key)
        WHERE a.article_key IS NULL OR i.fetched_at >= a.fetched_at""")
    # the duplicate groups the incoming articles leave (a title or date changed) and join
    con.execute("""CREATE OR REPLACE TEMP TABLE _duplicate_scope AS
        SELECT satker_id, title_normalised, published_date FROM articles SEMI JOIN incoming USING (article_key)
        UNION SELECT satker_id, title_normalised, published_date FROM incoming""")
    columns = ", ".join(ARTICLE_COLUMNS)
    con.execute(f"INSERT OR REPLACE INTO articles ({columns}) SELECT {columns} FROM incoming")
    con.execute("""UPDATE articles SET duplicate_of = NULL
                   WHERE duplicate_of IS NOT NULL AND article_key IN (SELECT article_key FROM incoming)""")
    _mark_duplicates(con)
    # a temporary table: the file is read once for the keys to delete and the rows to insert
    con.execute(f"""CREATE OR REPLACE TEMP TABLE incoming_categories AS SELECT {CATEGORY_COLUMNS}
                    FROM '{quoted_path(files['categories'])}' c SEMI JOIN incoming i ON c.article_key = i.article_key""")
    _replace_rows(con, "article_categories", "SELECT * FROM incoming_categories")
    con.execute("DROP TABLE incoming_categories")
    con.execute("INSERT INTO _dirty_articles SELECT article_key FROM incoming")
    new, updated = con.execute("SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM incoming").fetchone()
    con.execute("DROP TABLE incoming")
    return {"new_articles": new, "updated_articles": updated}


def _mark_duplicates(con) -> None:
    """Mark the articles of the groups in _duplicate_scope that repeat another
    (sql/mark_duplicates.sql); those whose mark changed go to _dirty_articles."""
    con.execute(sql_text("mark_duplicates.sql"))


def _mark_all_duplicates(con) -> None:
    """_mark_duplicates over every group of articles that could be one published twice."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _duplicate_scope AS
        SELECT satker_id, title_normalised, published_date FROM articles
        WHERE published_date IS NOT NULL GROUP BY ALL HAVING count(*) > 1""")
    _mark_duplicates(con)


def _merge_views(con, crawl_id: str, views_file: str) -> dict:
    """Append the crawl's view snapshots, and a per-article view count with the views gained
    since the article's previous crawl where the count changed (article_crawl_views keeps
    changes only: most archived articles show the same count night after night)."""
    con.execute(f"INSERT INTO view_snapshots SELECT article_key, satker_id, ?, source, seen_at, views FROM '{quoted_path(views_file)}'",
                [crawl_id])
    # each article's count in this crawl beside the latest one stored before it
    con.execute(f"""CREATE OR REPLACE TEMP TABLE crawl_views AS
        SELECT c.*, l.views AS previous, l.views_seen_at AS previous_seen_at, l.article_key IS NULL AS first_crawl,
               l.article_key IS NULL OR c.views <> l.views AS changed
        FROM (SELECT article_key, any_value(satker_id) AS satker_id, max(seen_at) AS seen_at, max(views) AS views
              FROM '{quoted_path(views_file)}' GROUP BY article_key) c
        LEFT JOIN article_latest_views l USING (article_key)""")
    con.execute("""INSERT INTO article_crawl_views
        SELECT article_key, satker_id, ?, seen_at, (seen_at AT TIME ZONE 'Asia/Jakarta')::DATE, views,
               greatest(views - coalesce(previous, 0), 0), first_crawl
        FROM crawl_views WHERE changed""", [crawl_id])
    _replace_rows(con, "article_latest_views", """SELECT article_key, views, seen_at AS views_seen_at
                                                  FROM crawl_views WHERE first_crawl OR seen_at >= previous_seen_at""")
    # an unchanged count changes no report row and no period's gains
    con.execute("INSERT INTO _dirty_articles SELECT article_key FROM crawl_views WHERE changed")
    snapshots = con.execute(f"SELECT count(*) FROM '{quoted_path(views_file)}'").fetchone()[0]
    con.execute("DROP TABLE crawl_views")
    return {"view_snapshots": snapshots}


def _replace_rows(con, table: str, rows: str) -> None:
    """INSERT OR REPLACE by article_key into a table without a key index (migration 013):
    the keys of `rows` (a query, one row per key, columns named as the table's) deleted, then
    the rows inserted."""
    con.execute(f"DELETE FROM {table} WHERE article_key IN (SELECT article_key FROM ({rows}))")
    con.execute(f"INSERT INTO {table} BY NAME {rows}")


def refresh_marts(con, batch_size: int = NIGHTLY.refresh_batch) -> dict:
    """Bring report_articles and the period marts up to date with the merged crawls and
    corrections: only the touched articles and periods.

    The articles are refreshed in batches, each its own transaction that also takes its
    keys off _dirty_articles, so a full rebuild (every article touched) stays within the
    memory limit, and a build killed between batches carries on from the next one. The
    periods they touched are refreshed last, in one transaction."""
    create_marts(con)
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_duplicates_unmarked'").fetchone()[0]:
        with transaction(con):  # the articles stored before migration 015, once
            _mark_all_duplicates(con)
            con.execute("DROP TABLE _duplicates_unmarked")
    if con.execute("SELECT count(*) FROM _recompute_pending").fetchone()[0]:
        with transaction(con):
            con.execute(sql_text("recompute_maintained_tables.sql"))
    touched = 0
    while True:
        with transaction(con):
            # keys begin with the satker id: batches in key order write report_articles satker by satker
            con.execute("CREATE OR REPLACE TEMP TABLE _refresh_batch AS "
                        "SELECT DISTINCT article_key FROM _dirty_articles ORDER BY article_key LIMIT ?", [batch_size])
            batch = con.execute("SELECT count(*) FROM _refresh_batch").fetchone()[0]
            if batch:
                con.execute(sql_text("refresh_report_articles.sql"))
            con.execute("DROP TABLE _refresh_batch")
        touched += batch
        if batch < batch_size:
            break
    with transaction(con):
        periods = con.execute("SELECT count(*) FROM (SELECT DISTINCT * FROM _dirty_groups)").fetchone()[0]
        con.execute(sql_text("refresh_period_marts.sql"))
    return {"articles_refreshed": touched, "periods_refreshed": periods}


DERIVED_TABLES = ("crawls", "articles", "article_categories", "view_snapshots", "article_crawl_views",
                  "article_latest_views", "report_articles", "mart_period_satker_category", "satker_last_crawl",
                  "_dirty_articles", "_dirty_groups", "_recompute_pending")


def recompute_all(con, batch_size: int = NIGHTLY.refresh_batch) -> dict:
    """Derive every maintained table again from articles and view_snapshots, then refresh
    all marts (a warehouse built by hand in tests, or a repair)."""
    con.execute("INSERT INTO _recompute_pending VALUES (true)")
    return refresh_marts(con, batch_size)


@contextmanager
def _insertion_order_kept(con):
    """preserve_insertion_order on for the block (tune() turns it off), as it was after."""
    before = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {str(bool(before)).lower()}")


def rebuild_from_stage(con, crawl_dirs: list[Path], home: Path) -> dict:
    """Everything a build derives from the raw crawls, again from every staged crawl, in one
    transaction: set-based SQL over all the Parquet files at once instead of one merge per
    crawl, and a rebuild killed half-way leaves the warehouse as it was. Corrections and
    what operators entered (social figures) are kept."""
    root = stage_root(home)
    files = {name: [str(root / c.name / f"{name}.parquet") for c in crawl_dirs] for name in MERGED_FILES}
    if not crawl_dirs:
        return {"crawls_merged": 0}
    crawl_of = "regexp_extract(filename, '/([^/]+)/[a-z]+[.]parquet$', 1)"
    columns = ", ".join(ARTICLE_COLUMNS)
    with transaction(con):
        for table in DERIVED_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute("""INSERT INTO satker_last_crawl SELECT satker_id, max(seen_at)
                       FROM read_parquet(?) GROUP BY satker_id""", [files["listing"]])
        # the newest fetch of each page wins; an article was first seen when any crawl first saw it.
        # Decided on the keys alone, then the winning rows read: a window over the whole rows
        # (bodies and all) sorted them twice, 10.4 s against 5.6 s at 1M
        # (docs/performance-history.md, "Four more changes, 10:42-11:57").
        con.execute(f"""CREATE OR REPLACE TEMP TABLE newest AS
            SELECT article_key, filename, {crawl_of} AS crawl_id, first_seen_at FROM (
                SELECT article_key, arg_max(filename, (fetched_at, filename)) AS filename,
                       min(first_seen_at) AS first_seen_at
                FROM read_parquet(?, filename = true)
                GROUP BY article_key)""", [files["articles"]])
        winners = ", ".join("n.first_seen_at" if c == "first_seen_at" else f"a.{c}" for c in ARTICLE_COLUMNS)
        # Reports read an article's body by its satker, and DuckDB skips the row groups of
        # other satker by their min/max. derive writes each crawl's articles in satker order,
        # so the files' own order clusters them: no sort of the whole rows (bodies and all).
        # The join keeps it: the files' rows probe, `newest` (never more rows) is built
        # (tests/test_build_kill_safe.py checks the order that results).
        # At 1M: 1.03 row groups a satker against 1.01 after ORDER BY satker_id,
        # published_date, the insert 3.4 s against 4.8 s (docs/performance-history.md, "The changes
        # after f4937f3").
        with _insertion_order_kept(con):
            con.execute(f"""INSERT INTO articles ({columns}) SELECT {winners}
                            FROM read_parquet(?, filename = true) a
                            JOIN newest n ON n.article_key = a.article_key AND n.filename = a.filename""",
                        [files["articles"]])
        _mark_all_duplicates(con)
        con.execute(f"""INSERT INTO article_categories ({CATEGORY_COLUMNS})
                        SELECT {', '.join('c.' + c for c in CATEGORY_COLUMNS.split(', '))}
                        FROM read_parquet(?, filename = true) c
                        JOIN newest n ON n.article_key = c.article_key AND n.crawl_id = {crawl_of.replace('filename', 'c.filename')}""",
                    [files["categories"]])
        con.execute(f"""INSERT INTO view_snapshots SELECT article_key, satker_id, {crawl_of}, source, seen_at, views
                        FROM read_parquet(?, filename = true)""", [files["views"]])
        con.execute("DROP TABLE newest")
        for crawl_dir in crawl_dirs:
            _record_crawl(con, crawl_dir)
        con.execute(sql_text("recompute_maintained_tables.sql"))
    return {"crawls_merged": len(crawl_dirs), "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0]}
