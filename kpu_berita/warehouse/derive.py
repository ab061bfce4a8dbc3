"""Derive one staged crawl's articles, categories and view counts as Parquet.

Thin IO around the pure steps in pipelines/: rows stream out of DuckDB as Arrow record
batches, one satker at a time (the unit the date rules need: a satker's listing order),
and stream back into Parquet. Memory stays bounded by the largest satker of one crawl,
not by the crawl or the archive.

A crawl with at least PARALLEL_MIN_ROWS pages (articles, for the categories) is split over
worker processes: contiguous ranges of satker (articles) or of row groups (categories),
several per process, each written by its worker as a part file (temporary name, renamed).
A crawl's pages are sealed in satker order (spiders/raw_store.py), so each articles task
reads only the row groups of its own range. The parent appends the parts in order to the
one articles.parquet / categories.parquet (temporary name, renamed), each as soon as its
worker is done, and removes them, so the result is the same rows in the same order as one
process writes, and a kill leaves the whole file or none. Parts a killed run left are
removed when the step runs again; their names carry the run's token, so no part of an
earlier run is ever read. The workers (worker_pool.py) are forked by the forkserver, never
from this process (its DuckDB has threads), and exit when the step's process dies.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kpu_berita.pipelines.build_articles import SatkerInfo, assemble_articles
from kpu_berita.spiders.raw_store import write_parquet_atomically
from kpu_berita.warehouse import worker_pool
from kpu_berita.sql_literal import quoted_path
from kpu_berita.warehouse.stage import held, known_at_crawl, memory_bounded_connection, stage_root

BATCH_ROWS = 2_000
# Below this many rows one process does the step: starting the workers costs seconds (the
# forkserver's imports, each worker's caches; 2-4 s on the 2-core test box), about what two
# processes save on 50,000 articles, and a night's few thousand articles must not pay it.
PARALLEL_MIN_ROWS = 50_000
# Satker sizes are skewed: smaller tasks keep every process busy to the end, and a worker's
# memory follows its task's size. At 1M pages sealed in satker order (each task reads only
# its own row groups), 6 tasks a process against 3, alternating: the articles step 22.2 /
# 21.8 / 21.5 s against 22.9 / 22.7 / 22.1 s, the process tree's peak 1,539-1,546 MB against
# 1,714-1,718 MB; the categories step the same (12.2 / 12.6 against 12.3 / 12.2 s). A crawl
# sealed before that order is read whole by every task: 12 reads of it instead of 6.
TASKS_PER_PROCESS = 6
WORKER_MEMORY_LIMIT = "256MB"  # DuckDB's limit in each articles worker (it spills past it)

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


# Dictionary encoding only for the columns whose values repeat. pyarrow tries it on every
# column by default and falls back on each chunk of bodies, titles and URLs: writing the 1M
# articles took 1.59-1.68 s with it where they repeat against 1.88-1.98 s on every column
# (interleaved, 3 rounds), and the file is 2 MB smaller.
DICTIONARY_COLUMNS = frozenset({"satker_id", "published_date", "date_source", "date_flag", "author", "credit",
                                "is_repost", "repost_source", "category", "reason", "second_category",
                                "model_version"})


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, schema, compression="zstd",
                            use_dictionary=[name for name in schema.names if name in DICTIONARY_COLUMNS])


class ParquetRows:
    """Append rows (dicts) to a Parquet file in batches; renamed into place on close. As a
    context manager: closed when the block ends, abandoned (no file) when it raises."""

    def __init__(self, target: Path, schema: pa.Schema):
        self.target, self.schema = target, schema
        self.tmp = target.with_name(f".{target.name}.tmp")
        self.writer = parquet_writer(self.tmp, schema)
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

    def close(self) -> None:
        self._flush()
        self.writer.close()
        os.replace(self.tmp, self.target)

    def abandon(self) -> None:
        self.writer.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "ParquetRows":
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abandon()


def _through_numpy(column_type: pa.DataType) -> bool:
    """Dates and naive timestamps that numpy turns into the same Python objects as pyarrow."""
    return pa.types.is_date32(column_type) or (pa.types.is_timestamp(column_type) and column_type.tz is None
                                                and column_type.unit in ("s", "ms", "us"))


def record_dicts(batch: pa.RecordBatch) -> list[dict]:
    """batch.to_pylist(): the same dicts, in about half the time. pyarrow makes each date and
    datetime as a scalar (1.7-2.0 us a value); numpy makes them in C (NaT gives None). At
    1M pages: 7.7-10.2 against 3.7-5.3 us a page row, alternating on 36,304 rows."""
    columns = [column.to_numpy(zero_copy_only=False).tolist() if _through_numpy(column.type) else column.to_pylist()
               for column in batch.columns]
    names = batch.schema.names
    return [dict(zip(names, values)) for values in zip(*columns)]


def _batches_by_satker(con, sql: str) -> Iterator[tuple[str, list[dict]]]:
    """(satker_id, rows) from a query ordered by satker_id, read in record batches."""
    reader = con.sql(sql).to_arrow_reader(BATCH_ROWS)
    current, rows = None, []
    for batch in reader:
        for row in record_dicts(batch):
            if row["satker_id"] != current and rows:
                yield current, rows
                rows = []
            current = row["satker_id"]
            rows.append(row)
    if rows:
        yield current, rows


# The times reach Python as naive UTC (timezone('UTC', ...)): pyarrow makes a tz-aware
# datetime 5x slower than a naive one (4.2 against 0.8 us), twice per article, and the
# values only go back into the UTC columns of ARTICLES_SCHEMA, which read naive as UTC.
LISTINGS_SQL = """
    SELECT satker_id, article_key, arg_min(page, page * 1000 + position) AS page,
           arg_min(position, page * 1000 + position) AS position,
           arg_min(date_text, page * 1000 + position) AS date_text,
           timezone('UTC', min(seen_at)) AS first_seen_at
    FROM '{stage}/listing.parquet'
    WHERE {satker_range} AND satker_id IN (SELECT satker_id FROM '{stage}/pages.parquet' WHERE {satker_range})
    GROUP BY ALL ORDER BY satker_id"""
# A crawl fetches each page once; a resumed one may have fetched it twice: keep the newer.
# (An article's pages all carry its satker, so a satker filter before the window is exact.)
PAGES_SQL = """
    SELECT * REPLACE (timezone('UTC', fetched_at) AS fetched_at) FROM '{stage}/pages.parquet' WHERE {satker_range}
    QUALIFY row_number() OVER (PARTITION BY article_key ORDER BY fetched_at DESC) = 1
    ORDER BY satker_id, article_key"""


def _sql_text(value: str) -> str:
    return f"'{quoted_path(value)}'"


def _assemble(stage: Path, crawl_id: str, satker: dict[str, SatkerInfo], known: dict[str, dt.date], out: ParquetRows,
              satker_range: tuple[str, str] | None = None) -> tuple[int, dict[str, SatkerInfo]]:
    """Assemble the satker of satker_range (first, last; None: all) into out; return the
    undated count and the satker it had to add to `satker` (not in the registry)."""
    # Only the listing rows of satker with a fetched page are read: assemble_articles runs
    # per such satker, and a crawl that fetched few pages (every night; 18 of the 19 crawls
    # of the 1M archive fetched none) would otherwise group every listing row it saw.
    in_range = f"satker_id BETWEEN {_sql_text(satker_range[0])} AND {_sql_text(satker_range[1])}" \
        if satker_range else "true"
    con = memory_bounded_connection()
    undated, added = 0, {}
    try:
        listings = _batches_by_satker(con, LISTINGS_SQL.format(stage=quoted_path(stage), satker_range=in_range))
        next_listing = next(listings, (None, []))
        for satker_id, pages in _batches_by_satker(con.cursor(), PAGES_SQL.format(stage=quoted_path(stage), satker_range=in_range)):
            while next_listing[0] is not None and next_listing[0] < satker_id:
                next_listing = next(listings, (None, []))
            listed = next_listing[1] if next_listing[0] == satker_id else []
            by_key = {r["article_key"]: {**r, "crawl_id": crawl_id} for r in listed}
            if satker_id not in satker:
                satker[satker_id] = added[satker_id] = SatkerInfo(satker_id, satker_id, pages[0]["url"])
            rows = assemble_articles(pages, by_key, satker, known_dates=known)
            undated += sum(1 for r in rows if r["published_date"] is None)
            out.add(rows)
    finally:
        con.close()
    return undated, added


def derive_articles(crawl_dir: Path, home: Path, satker: dict[str, SatkerInfo], processes: int = 1,
                    min_rows: int = PARALLEL_MIN_ROWS) -> dict:
    """articles.parquet of one staged crawl: cleaned, dated, reposts flagged. With
    processes > 1 and at least min_rows pages, split by satker over worker processes."""
    stage = stage_root(home) / crawl_dir.name
    target = stage / "articles.parquet"
    with held(target):  # a second build deriving this crawl waits, then finds the file
        _remove_parts(target)
        if target.exists():
            return {"articles": pq.read_metadata(target).num_rows, "undated": None}
        known = {k: dt.date.fromisoformat(v) for k, v in known_at_crawl(crawl_dir).items() if v}
        if processes > 1 and pq.read_metadata(stage / "pages.parquet").num_rows >= min_rows:
            return _derive_articles_parallel(stage, crawl_dir.name, target, satker, known, processes)
        with ParquetRows(target, ARTICLES_SCHEMA) as out:
            undated, _ = _assemble(stage, crawl_dir.name, satker, known, out)
        return {"articles": out.written, "undated": undated}


def _categorise(source: Path, classifier, out: ParquetRows, row_groups: list[int] | None = None) -> None:
    batches = pq.ParquetFile(source).iter_batches(batch_size=BATCH_ROWS, row_groups=row_groups,
                                                  columns=["article_key", "title", "body"])
    for batch in batches:
        keys, titles, bodies = (batch.column(i).to_pylist() for i in range(3))
        results = classifier.classify_many(titles, bodies)
        out.add([{"article_key": key, "category": r.category, "confidence": r.confidence, "reason": r.reason,
                  "topics": classifier.topics(title, body), "needs_review": r.needs_review,
                  "second_category": r.second_category, "second_confidence": r.second_confidence,
                  "model_version": r.model_version}
                 for key, title, body, r in zip(keys, titles, bodies, results)])


def derive_categories(crawl_id: str, home: Path, classifier, processes: int = 1,
                      min_rows: int = PARALLEL_MIN_ROWS) -> dict:
    """categories.parquet: one activity category (and topics) per derived article. With
    processes > 1 and at least min_rows articles, split by row groups over worker processes."""
    stage = stage_root(home) / crawl_id
    target = stage / "categories.parquet"
    with held(target):
        _remove_parts(target)
        if target.exists():
            return {"categorised": pq.read_metadata(target).num_rows}
        source = stage / "articles.parquet"
        if processes > 1 and pq.read_metadata(source).num_rows >= min_rows:
            return {"categorised": _derive_categories_parallel(source, target, classifier, processes)}
        with ParquetRows(target, CATEGORIES_SCHEMA) as out:
            _categorise(source, classifier, out)
        return {"categorised": out.written}


# --- several processes ------------------------------------------------------------------

def _part_pattern(target: Path) -> str:
    return f"*.{target.stem}.part-*"


def _remove_parts(target: Path) -> None:
    """Part files (and their temporaries) a killed run left beside target."""
    for leftover in target.parent.glob(_part_pattern(target)):
        leftover.unlink(missing_ok=True)


def _even_ranges(sizes: list[int], tasks: int) -> list[tuple[int, int]]:
    """Split consecutive items with these sizes into at most `tasks` contiguous [start, stop)
    ranges of about equal total size."""
    total, ranges, start, acc = sum(sizes), [], 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if acc * tasks >= total * (len(ranges) + 1) and i + 1 < len(sizes):
            ranges.append((start, i + 1))
            start = i + 1
    ranges.append((start, len(sizes)))
    return [r for r in ranges if r[0] < r[1]]


def _articles_part(stage: str, crawl_id: str, satker_range: tuple[str, str], satker: dict[str, SatkerInfo],
                   known: dict[str, dt.date], part: str) -> tuple[int, int, dict[str, SatkerInfo]]:
    con = memory_bounded_connection(WORKER_MEMORY_LIMIT)
    try:
        con.execute("SET threads = 1")  # the processes are the parallelism
    finally:
        con.close()
    with ParquetRows(Path(part), ARTICLES_SCHEMA) as out:
        undated, added = _assemble(Path(stage), crawl_id, satker, known, out, satker_range)
    return out.written, undated, added


def _categories_part(source: str, row_groups: list[int], part: str) -> int:
    with ParquetRows(Path(part), CATEGORIES_SCHEMA) as out:
        _categorise(Path(source), worker_pool.state["classifier"], out, row_groups)
    return out.written


def _parts(target: Path, count: int) -> list[Path]:
    token = uuid.uuid4().hex[:8]
    return [target.with_name(f".{target.stem}.part-{token}-{i:04d}.parquet") for i in range(count)]


def _combine(tasks: list[tuple[Future, Path]], target: Path, schema: pa.Schema) -> tuple[int, list]:
    """Each task's part, in task order, as target (temporary name, renamed); return the rows
    written and the tasks' results. A part is appended as soon as its task is done, while the
    workers go on with later ones, and removed once appended (its disk is free while the later
    ones are written); the caller removes any left, combined or not.

    Appending while the workers run was tried once and reverted (5d0646f, bf84084): it saved
    0.6 s at 1M and raised the process tree's peak by 120 MB, to the 2 GB budget's edge. With
    six smaller tasks a process (1e7c0f1) the derive steps peak well under the writer step's
    1.8 GB, so the overlap is back: at 1M, alternating, the articles step 20.9 / 20.7 -> 20.2
    / 20.0 s with its tree's peak 1,540-1,549 -> 1,684-1,690 MB, the categories step 11.9 /
    11.7 -> 11.7 / 11.6 s; the same files."""
    tmp = target.with_name(f".{target.name}.tmp")
    written, results = 0, []
    try:
        with parquet_writer(tmp, schema) as writer:
            for future, part in tasks:
                results.append(future.result())
                source = pq.ParquetFile(part)
                for i in range(source.num_row_groups):
                    group = source.read_row_group(i)
                    writer.write_table(group)
                    written += group.num_rows
                source.close()
                part.unlink()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written, results


def _derive_articles_parallel(stage: Path, crawl_id: str, target: Path, satker: dict[str, SatkerInfo],
                              known: dict[str, dt.date], processes: int) -> dict:
    con = memory_bounded_connection()
    try:
        sizes = con.execute(f"SELECT satker_id, count(*) FROM '{quoted_path(stage)}/pages.parquet' GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    ranges = [(sizes[a][0], sizes[b - 1][0], {s for s, _ in sizes[a:b]})
              for a, b in _even_ranges([n for _, n in sizes], processes * TASKS_PER_PROCESS)]
    # a key is "<satker_id>/...": each task gets the known dates of its own satker only
    known_of: dict[str, dict[str, dt.date]] = {}
    for key, date in known.items():
        known_of.setdefault(key.partition("/")[0], {})[key] = date
    parts = _parts(target, len(ranges))
    try:
        with worker_pool.pool(min(processes, len(ranges))) as pool:
            futures = [pool.submit(_articles_part, str(stage), crawl_id, (first, last),
                                   {s: satker[s] for s in ids if s in satker},
                                   {k: d for s in ids for k, d in known_of.get(s, {}).items()}, str(part))
                       for (first, last, ids), part in zip(ranges, parts)]
            written, results = _combine(list(zip(futures, parts)), target, ARTICLES_SCHEMA)
        undated = 0
        for _, part_undated, added in results:
            undated += part_undated
            satker.update(added)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
    return {"articles": written, "undated": undated}


def _derive_categories_parallel(source: Path, target: Path, classifier, processes: int) -> int:
    metadata = pq.read_metadata(source)
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    ranges = _even_ranges(sizes, processes * TASKS_PER_PROCESS)
    parts = _parts(target, len(ranges))
    try:
        with worker_pool.pool(min(processes, len(ranges)), {"classifier": classifier}) as pool:
            futures = [pool.submit(_categories_part, str(source), list(range(a, b)), str(part))
                       for (a, b), part in zip(ranges, parts)]
            return _combine(list(zip(futures, parts)), target, CATEGORIES_SCHEMA)[0]
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


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
        with held(target):
            if not target.exists():
                write_parquet_atomically(con, VIEWS_SQL.format(stage=quoted_path(stage)), target)
        return {"view_snapshots": con.execute(f"SELECT count(*) FROM '{quoted_path(target)}'").fetchone()[0]}
    finally:
        con.close()
