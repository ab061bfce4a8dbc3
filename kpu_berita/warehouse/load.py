"""Idempotent loads into the warehouse. Each function takes a DuckDB connection and knows
nothing about Dagster; re-running any of them leaves the same rows, never duplicates."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from kpu_berita.spiders.raw_store import ITEMS_DONE, ITEMS_OPEN

LISTING_COLUMNS = {
    "kind": "VARCHAR", "satker_id": "VARCHAR", "url": "VARCHAR", "article_key": "VARCHAR",
    "title": "VARCHAR", "views": "INTEGER", "date_text": "VARCHAR", "page": "INTEGER",
    "position": "INTEGER", "listing_url": "VARCHAR", "seen_at": "TIMESTAMPTZ",
    "header_text": "VARCHAR", "meta_date": "VARCHAR", "author": "VARCHAR", "body": "VARCHAR",
    "listing_title": "VARCHAR", "listing_page": "INTEGER", "listing_position": "INTEGER",
    "fetched_at": "TIMESTAMPTZ", "error": "VARCHAR", "at": "TIMESTAMPTZ",
}


def _replace_all(con, table: str, frame: pd.DataFrame, columns: list[str]) -> int:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table}")
        if len(frame):
            con.register("incoming", frame[columns])
            con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM incoming")
            con.unregister("incoming")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(frame)


def load_satker(con, registry_rows: list[dict]) -> int:
    """Upsert the registry's satker (a demo registry only changes base_url)."""
    columns = ["satker_id", "name", "level", "province", "kode_wilayah", "base_url"]
    frame = pd.DataFrame(registry_rows, columns=columns)
    con.register("incoming", frame)
    con.execute(f"INSERT OR REPLACE INTO satker ({', '.join(columns)}) SELECT * FROM incoming")
    con.unregister("incoming")
    return len(frame)


def load_categories(con, labels: dict[str, str]) -> int:
    frame = pd.DataFrame([{"category": c, "label": l, "sort_order": i} for i, (c, l) in enumerate(labels.items())])
    return _replace_all(con, "categories", frame, ["category", "label", "sort_order"])


def _crawl_files(crawl_dir: Path) -> list[Path]:
    return [f for f in (crawl_dir / ITEMS_DONE, crawl_dir / ITEMS_OPEN) if f.exists()]


def load_raw_crawls(con, raw_dir: Path) -> dict:
    """Load every crawl's item files into the raw_* tables, one crawl at a time.

    A crawl is (re)loaded when its files changed since the last load (a resumed crawl
    grows; a finished one gets compressed); its old rows are deleted first, in the same
    transaction, so a crawl is always in the tables exactly once.
    """
    summary = {"crawls_loaded": 0, "crawls_unchanged": 0}
    for crawl_dir in sorted(p for p in Path(raw_dir).glob("*") if p.is_dir()):
        files = _crawl_files(crawl_dir)
        if not files:
            continue
        crawl_id = crawl_dir.name
        size = sum(f.stat().st_size for f in files)
        finished = (crawl_dir / "done.json").exists()
        row = con.execute("SELECT items_bytes, finished FROM crawls WHERE crawl_id = ?", [crawl_id]).fetchone()
        if row == (size, finished):
            summary["crawls_unchanged"] += 1
            continue
        stats = json.loads((crawl_dir / "done.json").read_text())["stats"] if finished else None
        spec = json.loads((crawl_dir / "spec.json").read_text())
        satker_ids = [s["satker_id"] for s in spec["sites"]]
        source = ("read_json(?, format='newline_delimited', ignore_errors=true, "
                  f"columns={_columns_literal()})")
        paths = [str(f) for f in files]
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("raw_listing_items", "raw_article_pages", "raw_crawl_errors"):
                con.execute(f"DELETE FROM {table} WHERE crawl_id = ?", [crawl_id])
            con.execute(f"""INSERT INTO raw_listing_items
                SELECT DISTINCT ?, satker_id, url, article_key, title, views, date_text, page, position, listing_url, seen_at
                FROM {source} WHERE kind = 'listing' AND article_key IS NOT NULL""", [crawl_id, paths])
            con.execute(f"""INSERT INTO raw_article_pages
                SELECT ?, satker_id, url, article_key, title, header_text, meta_date, author, body, views,
                       listing_title, listing_page, listing_position, fetched_at
                FROM {source} WHERE kind = 'article' AND article_key IS NOT NULL""", [crawl_id, paths])
            con.execute(f"""INSERT INTO raw_crawl_errors SELECT ?, satker_id, url, error, "at"
                FROM {source} WHERE kind = 'error'""", [crawl_id, paths])
            con.execute("INSERT OR REPLACE INTO crawls VALUES (?, ?, ?, ?, ?, ?)",
                        [crawl_id, satker_ids, finished, size, dt.datetime.now(dt.timezone.utc), json.dumps(stats)])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        summary["crawls_loaded"] += 1
    return summary


def _columns_literal() -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in LISTING_COLUMNS.items()) + "}"


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None (not NaN/NaT) for missing values."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def latest_pages(con) -> list[dict]:
    """The newest fetch of each article page."""
    return con.execute("""
        SELECT * EXCLUDE (rn) FROM (
            SELECT *, row_number() OVER (PARTITION BY article_key ORDER BY fetched_at DESC, crawl_id DESC) AS rn
            FROM raw_article_pages) WHERE rn = 1
        ORDER BY article_key""").df().pipe(_records)


def latest_listings(con) -> dict[str, dict]:
    """Each article's newest listing observation, plus when it was first seen."""
    frame = con.execute("""
        SELECT article_key, arg_max(crawl_id, seen_at) AS crawl_id, arg_max(page, seen_at) AS page,
               arg_max(position, seen_at) AS position, arg_max(date_text, seen_at) AS date_text,
               min(seen_at) AS first_seen_at
        FROM raw_listing_items GROUP BY article_key""").df()
    return {r["article_key"]: r for r in _records(frame)}


ARTICLE_COLUMNS = ["article_key", "satker_id", "url", "title", "title_normalised", "published_date",
                   "date_raw", "date_source", "date_flag", "author", "credit", "body", "is_repost",
                   "repost_source", "list_order", "first_seen_at", "fetched_at"]


def write_articles(con, rows: list[dict]) -> int:
    frame = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    frame["published_date"] = pd.to_datetime(frame["published_date"]).dt.date
    return _replace_all(con, "articles", frame, ARTICLE_COLUMNS)


CATEGORY_COLUMNS = ["article_key", "category", "confidence", "reason", "topics",
                    "needs_review", "second_category", "second_confidence", "model_version"]  # last four: migration 006


def write_article_categories(con, rows: list[dict]) -> int:
    frame = pd.DataFrame(rows, columns=CATEGORY_COLUMNS)
    frame["needs_review"] = frame["needs_review"].fillna(False).astype(bool)
    return _replace_all(con, "article_categories", frame, CATEGORY_COLUMNS)


def read_corrections(con) -> dict[str, dict]:
    frame = con.execute("SELECT * FROM corrections").df()
    return {r["article_key"]: r for r in _records(frame)}


def build_view_snapshots(con) -> int:
    """Views per article per crawl and source; several sightings in one crawl keep the highest."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM view_snapshots")
        con.execute("""
            INSERT INTO view_snapshots
            SELECT article_key, any_value(satker_id), crawl_id, 'listing', max(seen_at), max(views)
            FROM raw_listing_items WHERE views IS NOT NULL GROUP BY article_key, crawl_id
            UNION ALL
            SELECT article_key, any_value(satker_id), crawl_id, 'article', max(fetched_at), max(views)
            FROM raw_article_pages WHERE views IS NOT NULL GROUP BY article_key, crawl_id""")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute("SELECT count(*) FROM view_snapshots").fetchone()[0]
