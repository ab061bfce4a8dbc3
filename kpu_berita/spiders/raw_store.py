"""The raw store: every item a crawl yields, append-only, as JSON lines per crawl.

Layout under HOME/raw/<crawl_id>/: spec.json (what was asked), items.jsonl while the
crawl runs (flushed per item, so a kill -9 loses at most the line being written),
items.jsonl.gz once it finished, done.json with the crawl's stats.
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import os
import shutil
from pathlib import Path

from itemadapter import ItemAdapter

ITEMS_OPEN = "items.jsonl"
ITEMS_DONE = "items.jsonl.gz"


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
    if packed.exists() and plain.exists():
        packed.unlink()  # os.replace happened, unlink didn't: the plain file is complete
    elif packed.exists():
        tmp = crawl_dir / (ITEMS_OPEN + ".tmp")
        with gzip.open(packed, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, plain)
        packed.unlink()


def item_files(raw_dir: Path) -> list[Path]:
    """All item files of all crawls, finished or not, oldest crawl first."""
    files = []
    for crawl_dir in sorted(p for p in raw_dir.glob("*") if p.is_dir()):
        files += [f for f in (crawl_dir / ITEMS_DONE, crawl_dir / ITEMS_OPEN) if f.exists()]
    return files


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
