"""Where state lives. The only module that reads the environment."""
from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "KPU_BERITA_HOME"
REGISTRY_ENV = "KPU_BERITA_REGISTRY"
PROFILE_ENV = "KPU_BERITA_PROFILE"  # the crawl settings profile of Dagster's runs: polite, or loopback for a demo home
NIGHTLY_CRON_ENV = "KPU_BERITA_NIGHTLY_CRON"
DEFAULT_HOME = ".kpu-berita"
# 01:00 WIB: after the satker have posted the day's news, long before office hours.
NIGHTLY_CRON = "0 1 * * *"


def env_is_set(name: str) -> bool:
    return bool(os.environ.get(name))


def default_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME)


HOME_REGISTRY = "registry.csv"


def home_registry(home: Path) -> Path:
    """A home's own registry: the demo writes its loopback sites there, and an operator may
    put one there to pin the home to its satker."""
    return Path(home) / HOME_REGISTRY


def default_registry(home: Path | None = None) -> str | None:
    """KPU_BERITA_REGISTRY, else the home's own registry.csv, else None: the shipped 552.
    Without the home's, a plain `kpu-berita build` on the demo home replaced its 7 satker
    with the shipped 552 (and a `crawl` there would have gone to the real sites)."""
    if os.environ.get(REGISTRY_ENV):
        return os.environ[REGISTRY_ENV]
    if home is not None and home_registry(home).exists():
        return str(home_registry(home))
    return None


def nightly_cron() -> str:
    """When the nightly schedule fires, in Asia/Jakarta time (five-field cron)."""
    return os.environ.get(NIGHTLY_CRON_ENV) or NIGHTLY_CRON


def warehouse_path(home: Path) -> Path:
    """The published, read-only warehouse analysts open (replaced atomically by each build)."""
    return Path(home) / "warehouse.duckdb"


def working_warehouse_path(home: Path) -> Path:
    """The builds' private working file; only the writer opens it."""
    return Path(home) / "work" / "warehouse.duckdb"


def raw_dir(home: Path) -> Path:
    return Path(home) / "raw"


def images_dir(home: Path) -> Path:
    """Cached lead photos of articles, for the reports' humas activities."""
    return Path(home) / "images"
