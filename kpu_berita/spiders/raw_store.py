"""The raw store: every item a crawl yields, append-only, as JSON lines per crawl.

Layout under HOME/raw/<crawl_id>/: spec.json (what was asked), items.jsonl while the
crawl runs (flushed per item, so a kill -9 loses at most the line being written),
items.jsonl.gz once it finished, done.json with the crawl's stats.

A finished crawl also keeps its items in columns, columnar/{listing,pages,errors}.parquet:
the same items, typed by spiders/items.py, one file per kind. The JSON lines stay the
record; the columns are written once, when the crawl finishes (or when a crawl from before
them is first staged), so that no build, and above all no full rebuild, parses the JSON of
an archive's crawls again (at 1M articles that parse was a quarter of the rebuild).
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
from itemadapter import ItemAdapter

from kpu_berita.spiders.items import ITEM_KINDS, item_columns, raw_columns
from kpu_berita.sql_literal import quoted_path

ITEMS_OPEN = "items.jsonl"
ITEMS_DONE = "items.jsonl.gz"
COLUMNAR = "columnar"
# file name -> kind of item it holds
COLUMNAR_KINDS = {"listing": "listing", "pages": "article", "errors": "error"}
# a field whose column name differs from the item's (`at` is a reserved word in SQL)
RENAMED = {"at": "failed_at"}
# Pages are written in satker order. A full rebuild's derive workers each read one range of
# satker (warehouse/derive.py); in this order the row groups of other satker are skipped by
# their min/max instead of read, decompressed and filtered out. At 1M pages the articles
# step took 25.6 / 25.9 s unsorted and 24.2 / 24.8 s sorted (2 processes, interleaved, the
# same pages and the same articles out); sealing that crawl takes 11.0 s instead of 6.1, once.
# Listing rows stay in the order they were seen: sorted, each worker's listing read was
# ~0.1 s shorter. Nothing relies on the order: a crawl sealed before it is read as correctly.
COLUMNAR_ORDER = {"pages": "satker_id, article_key"}


def compress_items(crawl_dir: Path) -> None:
    """Compress items.jsonl into items.jsonl.gz atomically (write, then rename)."""
    plain = crawl_dir / ITEMS_OPEN
    if not plain.exists():
        return
    tmp = crawl_dir / (ITEMS_DONE + ".tmp")
    with open(plain, "rb") as src, gzip.open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.replace(tmp, crawl_dir / ITEMS_DONE)
    plain.unlink()


def reopen_items(crawl_dir: Path) -> None:
    """Undo a half-finished compress_items before a crawl resumes (a kill can land
    between its steps): keep exactly one items file, the plain one."""
    plain, packed = crawl_dir / ITEMS_OPEN, crawl_dir / ITEMS_DONE
    # the columns of the items so far would go stale as the crawl goes on
    shutil.rmtree(crawl_dir / COLUMNAR, ignore_errors=True)
    if packed.exists() and plain.exists():
        packed.unlink()  # os.replace happened, unlink didn't: the plain file is complete
    elif packed.exists():
        tmp = crawl_dir / (ITEMS_OPEN + ".tmp")
        with gzip.open(packed, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, plain)
        packed.unlink()


def crawl_item_files(crawl_dir: Path) -> list[Path]:
    """The crawl's items file(s) as they are on disk: packed once finished, plain while open."""
    return [f for f in (crawl_dir / ITEMS_DONE, crawl_dir / ITEMS_OPEN) if f.exists()]


def columnar_files(crawl_dir: Path) -> dict[str, Path]:
    return {name: crawl_dir / COLUMNAR / f"{name}.parquet" for name in COLUMNAR_KINDS}


@dataclasses.dataclass
class SatkerCounts:
    """What one satker's part of a crawl holds, counted from the crawl's files."""
    fetched: set[str] = dataclasses.field(default_factory=set)  # keys of the article pages fetched
    # articles that showed a view count, per source (listing, article page): the snapshots the
    # warehouse keeps of this crawl (derive.VIEWS_SQL keeps one per article and source)
    view_snapshots: int = 0
    errors: dict[str, int] = dataclasses.field(default_factory=dict)  # error kind -> requests failed for good


def _kept_rows(kind: str) -> str:
    """The SQL condition on parsed items for the rows of one columnar file: its kind, and for
    listing rows and pages an article key (the warehouse can't place an item without one)."""
    return f"kind = '{kind}'" + (" AND article_key IS NOT NULL" if kind != "error" else "")


def pages_select(crawl_dir: Path, columns: dict[str, str]) -> str:
    """SQL selecting `columns` ({name: DuckDB type}) of a finished crawl's article pages: from
    its columnar copy, or from its JSON lines when it has none (staging writes it later)."""
    names = ", ".join(f'"{c}"' for c in columns)
    pages = columnar_files(crawl_dir)["pages"]
    if pages.exists():
        return f"SELECT {names} FROM '{quoted_path(pages)}'"
    items = ", ".join(f"'{quoted_path(f)}'" for f in crawl_item_files(crawl_dir))
    types = ", ".join(f"'{c}': '{t}'" for c, t in {"kind": "VARCHAR", **columns}.items())
    return (f"SELECT {names} FROM read_json([{items}], format='newline_delimited', ignore_errors=true, "
            f"columns={{{types}}}) WHERE {_kept_rows('article')}")


def crawl_counts(crawl_dir: Path) -> dict[str, SatkerCounts]:
    """satker_id -> what a finished crawl fetched, over every process that worked on it: the
    Scrapy stats of a resumed crawl are only its last process's."""
    files = columnar_files(crawl_dir)
    counts: dict[str, SatkerCounts] = {}
    with duckdb.connect() as con:
        if all(f.exists() for f in files.values()):
            for name, path in files.items():
                con.execute(f"CREATE VIEW {name} AS FROM '{quoted_path(path)}'")
        else:  # its columns were not written (staging writes them): the JSON lines, parsed once
            items = ", ".join(f"'{quoted_path(f)}'" for f in crawl_item_files(crawl_dir))
            con.execute(f"""CREATE TABLE items AS FROM read_json([{items}], format='newline_delimited',
                ignore_errors=true, columns={{'kind': 'VARCHAR', 'satker_id': 'VARCHAR', 'article_key': 'VARCHAR',
                                             'views': 'INTEGER', 'error': 'VARCHAR'}})""")
            for name, kind in COLUMNAR_KINDS.items():  # as write_columnar keeps them
                con.execute(f"CREATE VIEW {name} AS FROM items WHERE {_kept_rows(kind)}")
        for satker_id, key in con.execute("SELECT DISTINCT satker_id, article_key FROM pages").fetchall():
            counts.setdefault(satker_id, SatkerCounts()).fetched.add(key)
        for satker_id, n in con.execute("""
                SELECT satker_id, sum(n)::BIGINT FROM (
                    SELECT satker_id, count(DISTINCT article_key) AS n FROM listing WHERE views IS NOT NULL GROUP BY 1
                    UNION ALL
                    SELECT satker_id, count(DISTINCT article_key) FROM pages WHERE views IS NOT NULL GROUP BY 1)
                GROUP BY 1""").fetchall():
            counts.setdefault(satker_id, SatkerCounts()).view_snapshots = n
        for satker_id, kind, n in con.execute("SELECT satker_id, error, count(*) FROM errors GROUP BY ALL").fetchall():
            counts.setdefault(satker_id, SatkerCounts()).errors[kind] = n
    return counts


def columnar_columns(name: str) -> dict[str, str]:
    """column -> DuckDB type of one columnar file: its kind's fields, as items.py declares them."""
    return {RENAMED.get(c, c): t for c, t in item_columns(ITEM_KINDS[COLUMNAR_KINDS[name]]).items()}


def columnar_is_current(crawl_dir: Path, con: duckdb.DuckDBPyConnection) -> bool:
    """All columnar files exist with the columns items.py declares today. After a field is
    added to an item, older crawls' files are not, and are written again from the JSON."""
    for name, path in columnar_files(crawl_dir).items():
        if not path.exists():
            return False
        declared = ", ".join(f'NULL::{t} AS "{c}"' for c, t in columnar_columns(name).items())
        # DuckDB spells the types of both sides (TIMESTAMPTZ is TIMESTAMP WITH TIME ZONE)
        described = [con.execute(f"DESCRIBE SELECT {select}").fetchall()
                     for select in (f"* FROM '{quoted_path(path)}'", declared)]
        if [r[:2] for r in described[0]] != [r[:2] for r in described[1]]:
            return False
    return True


def write_columnar(crawl_dir: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Parse the crawl's JSON lines once and write them as columnar/{listing,pages,errors}.parquet.

    Every file goes to a temporary name and is renamed, so a kill leaves whole files or
    none. Rows without an article key (an item the spider could not key) are left out of
    listing and pages, as the warehouse cannot place them; every sighting is kept, also an
    article seen twice because the listing shifted while it was read.
    """
    folder = crawl_dir / COLUMNAR
    files = "[" + ", ".join(f"'{quoted_path(f)}'" for f in crawl_item_files(crawl_dir)) + "]"
    types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in raw_columns().items()) + "}"
    parsed = folder / "items.parquet"
    # ignore_errors: a crawl killed mid-write and resumed holds one torn line; the rest is good
    write_parquet_atomically(con, f"""SELECT * FROM read_json({files}, format='newline_delimited',
                              ignore_errors=true, columns={types})""", parsed)
    try:
        for name, target in columnar_files(crawl_dir).items():
            kind = COLUMNAR_KINDS[name]
            columns = ", ".join(f'"{c}"' + (f' AS {RENAMED[c]}' if c in RENAMED else "")
                                for c in item_columns(ITEM_KINDS[kind]))
            order = f" ORDER BY {COLUMNAR_ORDER[name]}" if name in COLUMNAR_ORDER else ""
            write_parquet_atomically(
                con, f"SELECT {columns} FROM '{quoted_path(parsed)}' WHERE {_kept_rows(kind)}{order}", target)
    finally:
        parsed.unlink()


def seal_columnar(crawl_dir: Path, memory_limit: str = "512MB") -> None:
    """write_columnar for a crawl that just finished, in a DuckDB of its own that spills to a
    temporary folder instead of growing past memory_limit."""
    with tempfile.TemporaryDirectory(prefix="kpu-berita-seal-") as spill:
        con = duckdb.connect()
        try:
            con.execute(f"SET memory_limit = '{memory_limit}'")
            con.execute(f"SET temp_directory = '{quoted_path(Path(spill))}'")
            con.execute("SET preserve_insertion_order = false")
            write_columnar(crawl_dir, con)
        finally:
            con.close()


def write_parquet_atomically(con: duckdb.DuckDBPyConnection, select_sql: str, target: Path, params=None) -> None:
    """COPY (select) TO target as Parquet, through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    # small row groups: the writer buffers one per thread, and article bodies are large
    con.execute(f"COPY ({select_sql}) TO '{quoted_path(tmp)}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)",
                params or [])
    os.replace(tmp, target)


class WriteRawItems:
    """Scrapy item pipeline: append each item as one JSON line to the crawl's items file."""

    def __init__(self, crawl_dir: str):
        self.crawl_dir = Path(crawl_dir)
        self.file = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("KPU_CRAWL_DIR"))

    def open_spider(self):
        self.crawl_dir.mkdir(parents=True, exist_ok=True)
        plain = self.crawl_dir / ITEMS_OPEN
        self._mend_torn_tail(plain)
        self.file = open(plain, "a", encoding="utf-8")

    @staticmethod
    def _mend_torn_tail(path: Path) -> None:
        """A crawl killed mid-write leaves a partial last line: end it so the next line
        starts clean (the loader skips the broken one)."""
        if path.exists() and path.stat().st_size:
            with open(path, "rb+") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    f.write(b"\n")

    def process_item(self, item):
        record = ItemAdapter(item).asdict() if not dataclasses.is_dataclass(item) else dataclasses.asdict(item)
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.file.flush()
        return item

    def close_spider(self):
        if self.file:
            self.file.close()
