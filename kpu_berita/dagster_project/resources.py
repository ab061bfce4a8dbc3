"""The one resource the assets share: where state lives and which satker to work on."""

from pathlib import Path
from typing import Optional

import dagster as dg

from kpu_berita import config
from kpu_berita.registry import load_registry, select
from kpu_berita.warehouse.db import connect
from kpu_berita.warehouse.publish import ensure_working_copy


class KpuBerita(dg.ConfigurableResource):
    """Home folder (raw crawls, warehouse.duckdb), registry and crawl options."""

    home: str
    registry: Optional[str] = None  # None: the shipped registry of all 552 satker
    satker: list[str] = []  # empty: every satker of the registry
    since: Optional[str] = None  # YYYY-MM-DD: don't walk listings past articles older than this
    full: bool = False  # backfill: walk every listing page, fetch every article
    profile: str = "polite"  # crawl settings profile; "loopback" only for 127.0.0.0/8 sites
    crawl_date: Optional[str] = None  # pretend today is this day (tests, replays)

    @property
    def home_path(self) -> Path:
        return Path(self.home)

    @property
    def warehouse_path(self) -> Path:
        """The working file the assets write (see warehouse/publish.py)."""
        return config.working_warehouse_path(self.home_path)

    @property
    def published_path(self) -> Path:
        return config.warehouse_path(self.home_path)

    @property
    def raw_path(self) -> Path:
        return config.raw_dir(self.home_path)

    def registry_rows(self) -> list[dict]:
        return load_registry(self.registry)

    def selected_rows(self) -> list[dict]:
        return select(self.registry_rows(), self.satker)

    def connect(self, read_only: bool = False):
        ensure_working_copy(self.warehouse_path, self.published_path)
        return connect(self.warehouse_path, read_only=read_only)
