"""The one resource the assets share: where state lives and which satker to work on."""

from pathlib import Path
from typing import Optional

import dagster as dg
from pydantic import Field, field_validator

from kpu_berita import config
from kpu_berita.dagster_project.orphans import stop_when_orphaned
from kpu_berita.registry import load_registry, select_partition
from kpu_berita.spiders.settings import PROFILES


class KpuBerita(dg.ConfigurableResource):
    """Home folder (raw crawls, warehouse), registry and crawl options.

    definitions.py binds `home`, `registry` and `profile` to the environment (KPU_BERITA_HOME,
    KPU_BERITA_REGISTRY, KPU_BERITA_PROFILE) with dg.EnvVar; the CLI passes them from its
    options. Left empty (run config replaces the bound values as a whole, e.g. `rebuild: true`
    alone), home and registry fall back to the same environment variables, then to
    ./.kpu-berita and the home's own registry.csv or the shipped 552; the profile falls back
    to polite, the safe side."""

    # the descriptions are what Dagster's launchpad shows an operator beside each field
    home: str = Field(default="", description="Folder holding all state (raw crawls, staged files, warehouse); "
                                              "empty: $KPU_BERITA_HOME, else ./.kpu-berita")
    registry: Optional[str] = Field(default=None, description="Satker registry CSV; empty: $KPU_BERITA_REGISTRY, "
                                                              "else the home's registry.csv, else the shipped 552")
    satker: list[str] = Field(default=[], description="Only these satker, e.g. kab-serang (empty: the whole registry)")
    province: list[str] = Field(default=[], description="Only the satker of these provinces, e.g. Banten")
    since: Optional[str] = Field(default=None, description="YYYY-MM-DD: don't walk listings past older articles")
    full: bool = Field(default=False, description="Backfill crawl: walk every listing page, fetch every article")
    rebuild: bool = Field(default=False, description="Build everything again from every raw crawl "
                                                     "(after new rules, model or schema)")
    crawl_processes: int = Field(default=0, description="Split the crawl into this many shards of whole provinces, "
                                                        "one Scrapy process each (0: one per CPU, at most 2)")
    # runner.materialize sets it: the in-process executor runs steps one after another
    crawl_in_one_step: bool = Field(default=False, description="Every crawl shard in one step, their Scrapy "
                                                               "processes side by side (the CLI); Dagster's "
                                                               "executors run a step per shard")
    derive_processes: int = Field(default=0, description="Clean and classify a large crawl in this many processes "
                                                         "(0: one per CPU, at most 2)")
    profile: str = Field(default="polite", description="Crawl settings: polite (production), or loopback "
                                                       "(no delays; refused for any site outside 127.0.0.0/8)")
    crawl_date: Optional[str] = Field(default=None, description="YYYY-MM-DD: pretend today is this day "
                                                                "(tests, replays)")

    @field_validator("profile", mode="before")
    @classmethod
    def _known_profile(cls, value):
        """A typo ("loopbak", or in KPU_BERITA_PROFILE) fails the run's first step as it sets
        up the resource, not each crawl shard after planning. Before: an EnvVar, checked once
        Dagster has read the variable and builds the resource again."""
        if not isinstance(value, dg.EnvVar) and value not in PROFILES:
            raise ValueError(f"unknown crawl profile {value!r}; choose one of {', '.join(sorted(PROFILES))}")
        return value

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # each step process of the multiprocess executor sets the resource up: there it
        # stops once the run's process is gone (a SIGKILLed run left its crawl running)
        stop_when_orphaned()

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
