"""The one resource the assets share: where state lives and which satker to work on."""

from pathlib import Path
from typing import Optional

import dagster as dg

from kpu_berita import config
from kpu_berita.registry import load_registry, select_partition


class KpuBerita(dg.ConfigurableResource):
    """Home folder (raw crawls, warehouse), registry and crawl options.

    definitions.py binds `home`, `registry` and `profile` to the environment (KPU_BERITA_HOME,
    KPU_BERITA_REGISTRY, KPU_BERITA_PROFILE) with dg.EnvVar; the CLI passes them from its
    options. Left empty (run config replaces the bound values as a whole, e.g. `rebuild: true`
    alone), home and registry fall back to the same environment variables, then to
    ./.kpu-berita and the home's own registry.csv or the shipped 552; the profile falls back
    to polite, the safe side."""

    home: str = ""
    registry: Optional[str] = None
    satker: list[str] = []  # only these satker (empty: every satker of the registry)
    province: list[str] = []  # only the satker of these provinces
    since: Optional[str] = None  # YYYY-MM-DD: don't walk listings past articles older than this
    full: bool = False  # backfill crawl: walk every listing page, fetch every article
    rebuild: bool = False  # build everything again from every raw crawl (new rules, model or schema)
    # split the crawl into this many shards, one Scrapy process each (0: one per CPU, at most 2)
    crawl_processes: int = 0
    # every shard in one step, their Scrapy processes side by side (runner.materialize sets it:
    # the in-process executor runs steps one after another); Dagster's executors run a step per shard
    crawl_in_one_step: bool = False
    derive_processes: int = 0  # articles/categories of a large crawl in this many processes (0: one per CPU, at most 2)
    profile: str = "polite"  # crawl settings profile; "loopback" only for 127.0.0.0/8 sites
    crawl_date: Optional[str] = None  # pretend today is this day (tests, replays)

    @property
    def home_path(self) -> Path:
        return Path(self.home) if self.home else config.default_home().resolve()

    @property
    def warehouse_path(self) -> Path:
        """The working file only the `warehouse` asset writes (see warehouse/merge.py)."""
        return config.working_warehouse_path(self.home_path)

    @property
    def published_path(self) -> Path:
        return config.warehouse_path(self.home_path)

    @property
    def raw_path(self) -> Path:
        return config.raw_dir(self.home_path)

    @property
    def crawl_process_count(self) -> int:
        """crawl_processes, 0 (the default) resolved to one per CPU, at most 2. One Scrapy
        process spends ~6 ms of CPU a request (Scrapy's and Twisted's machinery), so on a slow
        core the national nightly waits for its event loop: 1.16-1.24x of the politeness bound
        in one process, 1.12x in two (docs/PERFORMANCE.md). The shards are whole provinces, so
        a one-province re-crawl stays one process."""
        from kpu_berita.warehouse.worker_pool import default_processes

        return self.crawl_processes if self.crawl_processes > 0 else default_processes()

    @property
    def derive_process_count(self) -> int:
        """derive_processes, 0 (the default) resolved to one per CPU, at most 2 (worker_pool.MAX_PROCESSES)."""
        from kpu_berita.warehouse.worker_pool import default_processes

        return self.derive_processes if self.derive_processes > 0 else default_processes()

    @property
    def registry_name(self) -> str:
        """The registry file in use, or "the shipped registry" (for messages)."""
        return self.registry or config.default_registry(self.home_path) or "the shipped registry"

    def registry_rows(self) -> list[dict]:
        return load_registry(self.registry or config.default_registry(self.home_path))

    def selected_rows(self) -> list[dict]:
        return select_partition(self.registry_rows(), satker_ids=self.satker, provinces=self.province)
