"""Derive one staged crawl's articles, categories and view counts as Parquet.

Thin IO around the pure steps in pipelines/: rows stream out of DuckDB as Arrow record
batches, one satker at a time (the unit the date rules need: a satker's listing order),
and stream back into Parquet. Memory stays bounded by the largest satker of one crawl,
not by the crawl or the archive.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kpu_berita.pipelines.build_articles import SatkerInfo, assemble_articles
from kpu_berita.warehouse.stage import known_at_crawl, memory_bounded_connection, stage_root, write_atomically

BATCH_ROWS = 2_000

ARTICLES_SCHEMA = pa.schema([
    ("article_key", pa.string()), ("satker_id", pa.string()), ("url", pa.string()), ("title", pa.string()),
    ("title_normalised", pa.string()), ("published_date", pa.date32()), ("date_raw", pa.string()),
    ("date_source", pa.string()), ("date_flag", pa.string()), ("author", pa.string()), ("credit", pa.string()),
    ("body", pa.string()), ("is_repost", pa.bool_()), ("repost_source", pa.string()), ("list_order", pa.int64()),
    ("first_seen_at", pa.timestamp("us", tz="UTC")), ("fetched_at", pa.timestamp("us", tz="UTC")),
    ("listing_title", pa.string()), ("lead_image_url", pa.string()),
])
CATEGORIES_SCHEMA = pa.schema([
    ("article_key", pa.string()), ("category", pa.string()), ("confidence", pa.float64()),
    ("reason", pa.string()), ("topics", pa.list_(pa.string())), ("needs_review", pa.bool_()),
    ("second_category", pa.string()), ("second_confidence", pa.float64()), ("model_version", pa.string()),
])


class ParquetRows:
    """Append rows (dicts) to a Parquet file in batches; renamed into place on close."""

    def __init__(self, target: Path, schema: pa.Schema):
        self.target, self.schema = target, schema
        self.tmp = target.with_name(f".{target.name}.tmp")
        self.writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        self.rows: list[dict] = []
        self.written = 0

    def add(self, rows: list[dict]) -> None:
        self.rows += rows
        if len(self.rows) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.written += len(self.rows)
            self.rows = []

    def close(self) -> int:
        self._flush()
        self.writer.close()
        os.replace(self.tmp, self.target)
        return self.written


def _batches_by_satker(con, sql: str) -> Iterator[tuple[str, list[dict]]]:
    """(satker_id, rows) from a query ordered by satker_id, read in record batches."""
    reader = con.sql(sql).to_arrow_reader(BATCH_ROWS)
    current, rows = None, []
    for batch in reader:
        for row in batch.to_pylist():
            if row["satker_id"] != current and rows:
                yield current, rows
                rows = []
            current = row["satker_id"]
            rows.append(row)
    if rows:
        yield current, rows


LISTINGS_SQL = """
    SELECT satker_id, article_key, arg_min(page, page * 1000 + position) AS page,
           arg_min(position, page * 1000 + position) AS position,
           arg_min(date_text, page * 1000 + position) AS date_text, min(seen_at) AS first_seen_at
    FROM '{stage}/listing.parquet' GROUP BY ALL ORDER BY satker_id"""
# A crawl fetches each page once; a resumed one may have fetched it twice: keep the newer.
PAGES_SQL = """
    SELECT * FROM '{stage}/pages.parquet'
    QUALIFY row_number() OVER (PARTITION BY article_key ORDER BY fetched_at DESC) = 1
    ORDER BY satker_id, article_key"""


def derive_articles(crawl_dir: Path, home: Path, satker: dict[str, SatkerInfo]) -> dict:
    """articles.parquet of one staged crawl: cleaned, dated, reposts flagged."""
    stage = stage_root(home) / crawl_dir.name
    target = stage / "articles.parquet"
    if target.exists():
        return {"articles": pq.read_metadata(target).num_rows, "undated": None}
    known = {k: dt.date.fromisoformat(v) for k, v in known_at_crawl(crawl_dir).items() if v}
    con = memory_bounded_connection()
    out = ParquetRows(target, ARTICLES_SCHEMA)
    undated = 0
    try:
        listings = _batches_by_satker(con, LISTINGS_SQL.format(stage=stage))
        next_listing = next(listings, (None, []))
        for satker_id, pages in _batches_by_satker(con.cursor(), PAGES_SQL.format(stage=stage)):
            while next_listing[0] is not None and next_listing[0] < satker_id:
                next_listing = next(listings, (None, []))
            listed = next_listing[1] if next_listing[0] == satker_id else []
            by_key = {r["article_key"]: {**r, "crawl_id": crawl_dir.name} for r in listed}
            if satker_id not in satker:
                satker[satker_id] = SatkerInfo(satker_id, satker_id, pages[0]["url"])
            rows = assemble_articles(pages, by_key, satker, known_dates=known)
            undated += sum(1 for r in rows if r["published_date"] is None)
            out.add(rows)
        written = out.close()
    except BaseException:
        out.writer.close()
        out.tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    return {"articles": written, "undated": undated}


def derive_categories(crawl_id: str, home: Path, classifier) -> dict:
    """categories.parquet: one activity category (and topics) per derived article."""
    stage = stage_root(home) / crawl_id
    target = stage / "categories.parquet"
    if target.exists():
        return {"categorised": pq.read_metadata(target).num_rows}
    out = ParquetRows(target, CATEGORIES_SCHEMA)
    source = pq.ParquetFile(stage / "articles.parquet")
    for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=["article_key", "title", "body"]):
        keys, titles, bodies = (batch.column(i).to_pylist() for i in range(3))
        results = classifier.classify_many(titles, bodies)
        out.add([{"article_key": key, "category": r.category, "confidence": r.confidence, "reason": r.reason,
                  "topics": classifier.topics(title, body), "needs_review": r.needs_review,
                  "second_category": r.second_category, "second_confidence": r.second_confidence,
                  "model_version": r.model_version}
                 for key, title, body, r in zip(keys, titles, bodies, results)])
    return {"categorised": out.close()}


VIEWS_SQL = """
    SELECT article_key, any_value(satker_id) AS satker_id, 'listing' AS source, max(seen_at) AS seen_at,
           max(views) AS views
    FROM '{stage}/listing.parquet' WHERE views IS NOT NULL GROUP BY article_key
    UNION ALL
    SELECT article_key, any_value(satker_id), 'article', max(fetched_at), max(views)
    FROM '{stage}/pages.parquet' WHERE views IS NOT NULL GROUP BY article_key"""


def derive_views(crawl_id: str, home: Path) -> dict:
    """views.parquet: the views each article showed in this crawl, per source (listing /
    article page); several sightings in one crawl keep the highest."""
    stage = stage_root(home) / crawl_id
    target = stage / "views.parquet"
    con = memory_bounded_connection()
    try:
        if not target.exists():
            write_atomically(con, VIEWS_SQL.format(stage=stage), target)
        return {"view_snapshots": con.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]}
    finally:
        con.close()
